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


@pytest.mark.parametrize(
    "raised",
    [
        PlaywrightTimeoutError("Timeout 30000ms exceeded.\nCall log:\n  - fill 'secret'"),
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
