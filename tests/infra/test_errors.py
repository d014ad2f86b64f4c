from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

import agent.errors as errors
from agent.errors import BeianError, PortalError, ProfileTextNotFound, ReadBackMismatch
from agent.exit_codes import ExitCode


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("SettingsError", ExitCode.USAGE),
        ("ProfileError", ExitCode.USAGE),
        ("LockHeld", ExitCode.LOCKED),
        ("TransientPortalError", ExitCode.FAILED),
        ("PortalUnreachable", ExitCode.PORTAL_UNREACHABLE),
        ("SessionExpired", ExitCode.LOGIN_REQUIRED),
        ("LoginRequired", ExitCode.LOGIN_REQUIRED),
        ("AmbiguousSubmission", ExitCode.NEEDS_PERSON),
        ("SubmissionNotConfirmed", ExitCode.NEEDS_PERSON),
        ("AlreadySubmitted", ExitCode.OK),
    ],
)
def test_exit_codes(name: str, code: ExitCode) -> None:
    cls = getattr(errors, name)
    assert issubclass(cls, BeianError) and cls.exit_code is code


def test_every_public_error_is_in_the_tree_docstring() -> None:
    assert errors.__doc__ is not None
    for name in errors.__all__:
        assert name in errors.__doc__


def test_read_back_mismatch_masks_values() -> None:
    exc = ReadBackMismatch("entity.security_officer.mobile", "手机号码", "13800138000", "13800138001")
    assert exc.expected == "138****8000" and exc.actual == "138****8001"
    assert "13800138000" not in str(exc) and "手机号码" in str(exc)
    personal = ReadBackMismatch("entity.legal_representative.name", "姓名", "张三", "李四", personal=True)
    assert "张三" not in str(personal) and "李四" not in str(personal)
    assert isinstance(personal, PortalError) and personal.exit_code is ExitCode.FAILED


def test_profile_text_not_found_names_key_and_text() -> None:
    exc = ProfileTextNotFound("save_draft", "保存草稿")
    assert exc.key == "save_draft" and "保存草稿" in str(exc)


def test_profile_error_is_the_one_agent_profile_raises() -> None:
    from agent.profile import ProfileError

    assert ProfileError is errors.ProfileError


@pytest.mark.parametrize(
    "raised",
    [
        PlaywrightTimeoutError("Timeout 30000ms exceeded.\nCall log:\n  - fill 'secret'"),
        PlaywrightError("net::ERR_CONNECTION_REFUSED at http://x\nCall log:\n  - navigating"),
        PlaywrightError("Target page, context or browser has been closed\nmore"),
        AssertionError("Locator expected to be visible\nCall log: typed 13800138000"),
    ],
)
def test_playwright_errors_enter_the_tree_with_their_first_line_only(raised: Exception) -> None:
    mapped = errors.from_browser(raised)  # type: ignore[arg-type]
    assert isinstance(mapped, errors.BrowserError) and isinstance(mapped, PortalError)
    assert str(mapped) == str(raised).splitlines()[0]
    assert mapped.kind == "browser"
    assert mapped.exit_code is ExitCode.FAILED


def test_errors_already_in_the_tree_pass_through() -> None:
    exc = errors.SessionExpired("gone")
    assert errors.from_browser(exc) is exc
    assert exc.kind == "SessionExpired"


def test_an_empty_assertion_is_named_by_its_type() -> None:
    assert str(errors.from_browser(AssertionError())) == "AssertionError"


# What Playwright really says when an expect or an action finds nothing (its call log, abridged).
EXPECT_MISSING = (
    "Locator expected to be visible\nActual value: <element(s) not found>\nCall log:\n"
    '  - Expect "to_be_visible" with timeout 8000ms\n'
    '  - waiting for get_by_role("button", name="保存至草稿箱", exact=True)\n'
)
CLICK_MISSING = (
    "Timeout 8000ms exceeded.\nCall log:\n"
    '  - waiting for get_by_role("button", name="新增产品", exact=True)\n'
)
CLICK_DISABLED = (
    "Timeout 8000ms exceeded.\nCall log:\n"
    '  - waiting for get_by_role("button", name="下一步", exact=True)\n'
    '    - locator resolved to <button disabled type="button">下一步</button>\n'
    "  - element is not enabled\n"
)
FILL_MISSING = (
    "Timeout 8000ms exceeded.\nCall log:\n"
    '  - waiting for locator(".el-form-item").filter(has_text="13800138000").get_by_label("证件号码")\n'
)


def test_nothing_matched_is_not_on_screen_naming_what_was_looked_for() -> None:
    mapped = errors.from_browser(AssertionError(EXPECT_MISSING))
    assert isinstance(mapped, errors.NotOnScreen)
    assert str(mapped) == "not on screen (looked for button named '保存至草稿箱')"
    clicked = errors.from_browser(PlaywrightTimeoutError(CLICK_MISSING))
    assert str(clicked) == "not on screen (looked for button named '新增产品')"
    assert "did not answer" not in str(clicked)


def test_an_element_found_but_disabled_is_not_usable() -> None:
    mapped = errors.from_browser(PlaywrightTimeoutError(CLICK_DISABLED))
    assert isinstance(mapped, errors.NotOnScreen)
    assert "not usable" in str(mapped) and "button named '下一步'" in str(mapped)


def test_what_was_looked_for_is_masked() -> None:
    mapped = errors.from_browser(PlaywrightTimeoutError(FILL_MISSING))
    assert "field labelled '证件号码'" in str(mapped) and "13800138000" not in str(mapped)


def test_located_errors_start_with_page_and_action() -> None:
    mapped = errors.located(errors.from_browser(AssertionError(EXPECT_MISSING)), "step 2", "保存至草稿箱")
    assert str(mapped) == "step 2: 保存至草稿箱 not on screen (looked for button named '保存至草稿箱')"
    assert (mapped.page, mapped.action) == ("step 2", "保存至草稿箱")
    timeout = errors.located(
        errors.TransientPortalError("保存至草稿箱: the portal did not answer in time"),
        "step 2",
        "保存至草稿箱",
    )
    assert str(timeout) == "step 2: 保存至草稿箱: the portal did not answer in time"
    again = errors.located(timeout, "step 3", "下一步")  # the first place it was caught wins
    assert str(again).startswith("step 2: ") and again.action == "保存至草稿箱"


def test_a_refused_login_exits_3() -> None:
    assert errors.LoginFailed("账号或密码错误").exit_code is ExitCode.LOGIN_REQUIRED


def test_a_filtered_locator_names_the_text_it_filtered_on() -> None:
    log = (
        "Locator expected to have count '1'\nCall log:\n"
        '  - waiting for locator(".el-checkbox").filter(has_text=re.compile(r"^\\s*我承诺\\s*[:：]?\\s*$"))\n'
    )
    assert str(errors.from_browser(AssertionError(log))) == (
        "not on screen (looked for '.el-checkbox' with text '我承诺')"
    )
