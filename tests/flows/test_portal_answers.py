"""How the portal's answers are read: errno values the profile calls logged out, transient or refused."""

from __future__ import annotations

from typing import Any, cast

import pytest
from playwright.sync_api import Page, Response

from agent.errors import PageRefused, PortalRejected, SessionExpired, TransientPortalError
from agent.profile import default_profile, load_profile
from flows.pages.base import PageContext, PortalPage


class _Answer:
    def __init__(self, body: Any, status: int = 200) -> None:
        self.body, self.status = body, status

    def json(self) -> Any:
        return self.body


def _read(body: Any, status: int = 200, profile: Any = None) -> Any:
    page = PortalPage(PageContext(page=cast(Page, None), profile=profile or default_profile()))
    return page._envelope(cast(Response, _Answer(body, status)), "新增产品")


def test_errno_zero_is_the_datas() -> None:
    assert _read({"errno": 0, "errmsg": "", "datas": {"id": 3}}) == {"id": 3}


def test_440_is_logged_out() -> None:
    with pytest.raises(SessionExpired):
        _read({"errno": 440, "errmsg": "检测到未登录状态，请先登录"})


@pytest.mark.parametrize("errno", [500, 503])
def test_the_portal_failing_is_transient(errno: int) -> None:
    with pytest.raises(TransientPortalError):
        _read({"errno": errno, "errmsg": "系统繁忙，请稍后再试"})


@pytest.mark.parametrize("errno", [400, 1, 7, 4711, "E12"])
def test_refusals_and_unknown_codes_are_refused_with_the_portals_message(errno: object) -> None:
    with pytest.raises(PortalRejected) as caught:
        _read({"errno": errno, "errmsg": "产品名称已存在"})
    assert not isinstance(caught.value, TransientPortalError)
    assert str(caught.value) == "新增产品: 产品名称已存在"


def test_http_5xx_and_a_missing_errno_stay_transient() -> None:
    with pytest.raises(TransientPortalError):
        _read("Internal Server Error", status=502)
    with pytest.raises(TransientPortalError):
        _read({"datas": None})


def test_the_profile_decides(tmp_path: Any) -> None:
    override = tmp_path / "profile.toml"
    override.write_text('[errno]\nretry = ["7"]\n[site]\nerrno_logged_out = "401"\n', encoding="utf-8")
    profile = load_profile(override)
    assert profile.errno_kind(7) == "retry" and profile.errno_kind(500) == "refused"
    assert profile.errno_kind(401) == "logged_out" and profile.errno_kind(440) == "logged_out"
    with pytest.raises(TransientPortalError):
        _read({"errno": 7, "errmsg": "忙"}, profile=profile)


# -- a click's answer against the page's own messages ------------------------------------------------
class _Messages:
    """The page's error messages (field errors and message toasts), as ``PortalPage.refusals`` sees them."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def or_(self, _other: object) -> _Messages:
        return self

    def filter(self, **_: object) -> _Messages:
        return self

    def all_inner_texts(self) -> list[str]:
        return list(self.texts)

    def count(self) -> int:
        return 0  # no confirmation box

    @property
    def first(self) -> _Messages:
        return self

    def wait_for(self, **_: object) -> None:
        return None


class _Request:
    method = "POST"

    def __init__(self, url: str) -> None:
        self.url = url


class _Waiting:
    """``expect_response``'s info: done only after the page has been polled ``lag`` times."""

    def __init__(self, page: _RacingPage) -> None:
        self.page = page

    def is_done(self) -> bool:
        return self.page.polls > self.page.lag

    @property
    def value(self) -> _Answer:
        return _Answer({"errno": 500, "errmsg": "系统繁忙，请稍后再试"})


class _RacingPage:
    """A page whose click sends the request and shows the answer's message before Playwright reports
    the answer itself (the response event can lag the page drawing the answer)."""

    def __init__(self, *, sends: bool, lag: int = 3) -> None:
        self.sends, self.lag, self.polls = sends, lag, 0
        self.messages = _Messages()
        self.listeners: list[Any] = []
        original = self.messages.all_inner_texts

        def counted() -> list[str]:
            self.polls += 1
            return original()

        self.messages.all_inner_texts = counted  # type: ignore[method-assign]

    def locator(self, _selector: str) -> _Messages:
        return self.messages

    def on(self, _event: str, listener: Any) -> None:
        self.listeners.append(listener)

    def remove_listener(self, _event: str, listener: Any) -> None:
        self.listeners.remove(listener)

    def expect_response(self, _predicate: Any, timeout: float) -> Any:
        page = self

        class _Context:
            def __enter__(self) -> _Waiting:
                return _Waiting(page)

            def __exit__(self, *_: object) -> None:
                return None

        return _Context()

    def click(self) -> None:
        if self.sends:
            for listener in list(self.listeners):
                listener(_Request("http://portal.test/api/filing/save"))
        self.messages.texts.append("系统繁忙，请稍后再试")


def _click(page: _RacingPage) -> Any:
    portal = PortalPage(
        PageContext(page=cast(Page, page), profile=default_profile(), navigation_timeout_ms=2_000)
    )
    return portal.call_portal(page.click, "保存至草稿箱", "save_draft")


def test_a_message_after_the_click_sent_its_request_is_the_answer_not_a_refusal() -> None:
    # The portal failing (errno 500) is drawn as an error message; it must be retried, not refused.
    with pytest.raises(TransientPortalError):
        _click(_RacingPage(sends=True))


def test_a_message_without_a_request_is_the_page_refusing_the_click() -> None:
    with pytest.raises(PageRefused) as caught:
        _click(_RacingPage(sends=False))
    assert caught.value.messages == ["系统繁忙，请稍后再试"]
