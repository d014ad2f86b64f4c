"""How the portal's answers are read: errno values the profile calls logged out, transient or refused."""

from __future__ import annotations

from typing import Any, cast

import pytest
from playwright.sync_api import Page, Response

from agent.errors import PortalRejected, SessionExpired, TransientPortalError
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
