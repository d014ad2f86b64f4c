"""How the portal's answers are read: errno values the profile calls logged out, transient or refused."""

from __future__ import annotations

from typing import Any, cast

import pytest
from playwright.sync_api import Page, Response

from agent.errors import PageRefused, PortalRejected, SessionExpired, TransientPortalError
from agent.profile import default_profile, load_profile
from fixtures.mock_portal import MockPortal
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


# A page whose front end shows a message the moment it starts its request (as a page may show the error
# of a failed answer before the browser hands that answer over): the message follows the request, so it
# is not the page refusing the click; the answer decides.
_SENDING_PAGE = """<!doctype html><meta charset="utf-8">
<button onclick="fetch('/api/filing/submit', {method: 'POST'});
  document.getElementById('m').style.display = 'block'">提交</button>
<div id="m" class="el-message el-message--error" style="display:none">系统繁忙，请稍后重试</div>"""

# A page that checks its own fields and sends nothing.
_REFUSING_PAGE = _SENDING_PAGE.replace("fetch('/api/filing/submit', {method: 'POST'});", "")


def _serve(page: Page, base_url: str, html: str) -> PortalPage:
    # The page comes from the mock's origin, so its request reaches the mock (which answers it late).
    page.route(f"{base_url}answers-page", lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto(f"{base_url}answers-page")
    return PortalPage(PageContext(page=page, profile=default_profile(), navigation_timeout_ms=10_000))


@pytest.mark.e2e
def test_a_message_after_the_request_was_sent_is_the_answers_not_a_refusal(
    page: Page, portal: MockPortal
) -> None:
    portal.set_faults(latency_ms=600)
    answers = _serve(page, portal.url, _SENDING_PAGE)
    # Not logged in: the late answer is errno 440, and that answer is what the click gets.
    with pytest.raises(SessionExpired):
        answers.call_portal(lambda: answers.button("submit").click(), "提交", "submit")


@pytest.mark.e2e
def test_a_message_with_no_request_sent_is_the_page_refusing(page: Page, portal: MockPortal) -> None:
    answers = _serve(page, portal.url, _REFUSING_PAGE)
    with pytest.raises(PageRefused) as caught:
        answers.call_portal(lambda: answers.button("submit").click(), "提交", "submit")
    assert caught.value.messages == ["系统繁忙，请稍后重试"]


# 主体信息 opened from the home page: the home's status line (filed) flickers out of the page while the
# route changes, and 主体信息 draws its own status once its data arrives (filed too). A status seen in one
# look and read in another could fall in the gap and read "not filed".
_STATUS_SWITCH_PAGE = """<!doctype html><meta charset="utf-8">
<div id="home" style="display:none">主体信息状态：<span>待审核</span></div>
<div id="entity"></div>
<script>
  const home = document.getElementById('home');
  let frames = 0;
  const blink = () => {
    // Shown while a frame is drawn, gone before anything else runs.
    home.style.display = 'block';
    setTimeout(() => { home.style.display = 'none'; }, 0);
    frames += 1;
    if (frames < 90) requestAnimationFrame(blink);
    else document.getElementById('entity').innerHTML = '主体信息状态：<span>待审核</span>';
  };
  requestAnimationFrame(blink);
</script>"""


@pytest.mark.e2e
def test_the_entity_status_is_read_where_it_was_seen(page: Page, portal: MockPortal) -> None:
    from flows.pages.entity import EntityPage

    _serve(page, portal.url, _STATUS_SWITCH_PAGE)
    entity = EntityPage(PageContext(page=page, profile=default_profile(), navigation_timeout_ms=10_000))
    assert entity.is_filed()
