"""The drivers against the real-library mock, one test per class of Element UI mechanics and page behaviour
that a driver written against imitation markup gets wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from agent.errors import TransientPortalError
from agent.profile import PortalProfile, default_profile, load_profile
from fixtures.mock_portal import MockPortal
from fixtures.mock_portal.seed import pdf_bytes
from flows.pages.base import PageContext
from flows.pages.filings import FilingsPage
from flows.pages.wizard import StepRejected, WizardPage
from flows.widgets import FieldSpec, Form, by_role
from tests.mock_portal.test_api import logged_in, new_filing
from tests.mock_portal.ui import click_button, loaded_rows, login

pytestmark = pytest.mark.e2e


def _ctx(page: Page, profile: PortalProfile | None = None) -> PageContext:
    return PageContext(page, profile or default_profile(), navigation_timeout_ms=15_000)


def _new_filing_step1(page: Page) -> PageContext:
    login(page, "demo-supporter")
    expect(page.locator(".el-dropdown-link")).to_be_visible()
    page.goto("/#/filings")
    ctx = _ctx(page)
    FilingsPage(ctx).new_filing()
    WizardPage(ctx).wait_for_step(1)
    return ctx


def _draft_at_step3(page: Page, portal: MockPortal) -> PageContext:
    new_filing(logged_in(portal), "服务提供者")
    login(page, "demo-provider")
    expect(page.locator(".el-dropdown-link")).to_be_visible()
    page.goto("/#/drafts")
    click_button(loaded_rows(page).filter(has_text="接口测试算法"), "继续填报")
    ctx = _ctx(page)
    WizardPage(ctx).wait_for_step(3)
    return ctx


def test_buttons_are_found_by_their_name_without_the_icon_glyph(page: Page, portal: MockPortal) -> None:
    login(page, "demo-provider")
    expect(page.locator(".el-dropdown-link")).to_be_visible()
    page.goto("/#/filings")
    profile = default_profile()
    for key in ("new_filing", "drafts"):
        text = profile.text(key)
        assert page.get_by_role("button", name=text, exact=True).count() == 0, "the glyph is in the name"
        expect(by_role(page, "button", text)).to_have_count(1)


def test_lists_are_read_only_once_their_rows_have_loaded(page: Page, portal: MockPortal) -> None:
    login(page, "demo-provider")
    expect(page.locator(".el-dropdown-link")).to_be_visible()
    portal.set_faults(latency_ms=1_500)
    page.goto("/#/filings")

    rows = FilingsPage(_ctx(page)).rows()

    assert [r.name for r in rows] == ["智绘开放平台文本生成算法"]


def test_selects_in_a_row_each_take_their_pick_not_on_the_fading_list(page: Page, portal: MockPortal) -> None:
    ctx = _new_filing_step1(page)
    form = ctx.form()
    picks: list[tuple[str, object]] = [
        ("算法类型", "个性化推送类"),
        ("应用领域", ["办公", "金融"]),
        ("算法类型", "生成合成类（深度合成）"),
        ("应用领域", ["游戏"]),
    ]
    for label, value in picks:
        filled = form.fill_and_read(FieldSpec(path=label, label=label, value=value))
        assert filled.matches, (label, filled.actual)


# Swallows the first click on the option named ``text`` in any list, as a list still settling can.
_MISSED_CLICK = """(text) => document.addEventListener('click', function miss(event) {
  const item = event.target.closest('.el-select-dropdown__item');
  if (item && item.innerText.trim() === text) {
    event.stopImmediatePropagation();
    document.removeEventListener('click', miss, true);
  }
}, true)"""


def test_a_pick_the_list_did_not_take_is_seen_and_taken(page: Page, portal: MockPortal) -> None:
    ctx = _new_filing_step1(page)
    page.evaluate(_MISSED_CLICK, "金融")

    filled = ctx.form().fill_and_read(FieldSpec(path="x", label="应用领域", value=["办公", "金融", "游戏"]))

    assert filled.matches, filled.actual


def test_upload_counts_only_once_listed_as_success_with_its_name(
    page: Page, portal: MockPortal, tmp_path: Path
) -> None:
    ctx = _new_filing_step1(page)
    pdf = tmp_path / "自评估报告.pdf"
    pdf.write_bytes(pdf_bytes("自评估报告"))
    portal.set_faults(upload_delay_ms=1_500)

    filled = ctx.form().fill_and_read(FieldSpec(path="x", label="算法安全自评估报告", value=pdf))

    assert filled.matches, filled.actual
    success = page.locator(".el-upload-list__item.is-success").filter(has_text=pdf.name)
    expect(success).to_have_count(1)


def test_a_click_the_page_refuses_is_reported_with_its_messages(page: Page, portal: MockPortal) -> None:
    ctx = _new_filing_step1(page)
    saves_before = portal.state()["counters"]["by_route"].get("POST /api/filing/save", 0)

    with pytest.raises(StepRejected) as refused:
        WizardPage(ctx).next(1)

    assert "请输入算法名称" in refused.value.messages
    assert portal.state()["counters"]["by_route"].get("POST /api/filing/save", 0) == saves_before


def test_a_click_is_answered_only_by_a_request_on_its_own_route(page: Page, portal: MockPortal) -> None:
    ctx = _new_filing_step1(page)
    ctx.navigation_timeout_ms = 3_000
    wizard = WizardPage(ctx)
    # 保存至草稿箱 writes to the save route; taken as the answer to a submit it must not count.
    with pytest.raises(TransientPortalError):
        wizard.call_portal(lambda: wizard.button("save_draft").click(), "提交", "submit")


def test_tree_ticks_are_read_from_the_checkbox_and_compared_by_functions_covered(
    page: Page, portal: MockPortal
) -> None:
    wizard = WizardPage(_draft_at_step3(page, portal))

    # A path ticks every function under it (linked ticks); the page marks them on the checkboxes only.
    should, does = wizard.tick_products([("智绘AI助手", "首页 > AI写作")])

    assert (
        should
        == does
        == {
            ("智绘AI助手", "首页 > AI写作", "智能续写"),
            ("智绘AI助手", "首页 > AI写作", "文章润色"),
        }
    )
    should, does = wizard.tick_products([("智绘AI助手", "首页 > AI绘画", "文生图")])
    assert should == does == {("智绘AI助手", "首页 > AI绘画", "文生图")}


NATIVE_YES_NO = """
<form><div><label>是否支持批量输出</label>
  <span><label><input type="radio" name="b">有</label><label><input type="radio" name="b">无</label></span>
</div></form>
"""


def test_a_profile_override_of_yes_and_no_is_what_gets_picked(page: Page, tmp_path: Path) -> None:
    override = tmp_path / "yes-no.toml"
    override.write_text('[vocab]\nyes_no = ["有", "无"]\n[ui]\nform_item_label = "label"\n', encoding="utf-8")
    profile = load_profile(override)
    page.set_content(NATIVE_YES_NO)

    filled = Form(page, profile).fill_and_read(FieldSpec(path="x", label="是否支持批量输出", value=True))

    assert filled.matches and filled.actual == "有"
    expect(page.get_by_label("有")).to_be_checked()
