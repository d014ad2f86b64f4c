"""Each portal variant's defining difference, driven in headless Chromium and read back from the state."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from fixtures.mock_portal import MockPortal

from .test_api import logged_in, new_filing
from .ui import button, choose, click_button, current_step, fill, item, loaded_rows, login, toast

pytestmark = pytest.mark.e2e
Portals = Callable[[str], MockPortal]


@pytest.fixture(scope="module")
def variant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portals]:
    """A running portal of the named variant (started once per module), back to its seeded state."""
    running: dict[str, MockPortal] = {}

    def get(name: str) -> MockPortal:
        if name not in running:
            running[name] = MockPortal(tmp_path_factory.mktemp(name), variant=name).start()
        running[name].reset()
        return running[name]

    yield get
    for portal in running.values():
        portal.stop()


def filings(portal: MockPortal, account: str = "demo-provider") -> list[dict[str, object]]:
    found: list[dict[str, object]] = portal.state()["accounts"][account]["filings"]
    return found


def open_draft(
    page: Page, portal: MockPortal, name: str = "接口测试算法", account: str = "demo-provider"
) -> None:
    login(page, account, url=portal.url)
    expect(page.locator(".home-card")).to_have_count(3)
    page.goto(portal.url + "#/drafts")
    resume = "编辑" if portal.variant == "relabelled" else "继续填报"
    click_button(loaded_rows(page).filter(has_text=name), resume)


def draft_at_step4(portal: MockPortal) -> None:
    client = logged_in(portal)
    filing_id = new_filing(client, "服务提供者")
    ticks = [{"product": "智绘AI助手", "path": None, "function": None}]
    answer = client.post(
        "/api/filing/save", {"id": filing_id, "step": 3, "action": "next", "products": ticks}
    )
    assert answer["errno"] == 0, answer


def test_lazy_draft_creates_the_filing_on_its_first_save(page: Page, variant: Portals) -> None:
    portal = variant("lazy-draft")
    before = len(filings(portal))
    login(page, "demo-provider", url=portal.url)
    page.locator(".home-card").filter(has_text="备案信息").click()
    click_button(page, "新增备案")
    expect(current_step(page)).to_have_text("填写算法基础属性信息")
    expect(page).to_have_url(portal.url + "#/filing/new/step/1")
    assert len(filings(portal)) == before
    fill(page, "算法名称", "首次保存算法")
    click_button(page, "保存至草稿箱")
    toast(page, "保存成功")
    assert len(filings(portal)) == before + 1
    created = filings(portal)[-1]
    expect(page).to_have_url(f"{portal.url}#/filing/{created['id']}/step/1")
    click_button(page, "保存至草稿箱")
    toast(page, "保存成功")
    assert len(filings(portal)) == before + 1


def test_back_no_save_goes_back_without_a_request(page: Page, variant: Portals) -> None:
    portal = variant("back-no-save")
    new_filing(logged_in(portal), "服务提供者")
    open_draft(page, portal)
    expect(current_step(page)).to_have_text("填写产品及功能信息")
    saves = portal.state()["counters"]["by_route"]["POST /api/filing/save"]
    click_button(page, "上一步")
    expect(current_step(page)).to_have_text("填写算法详细属性信息")
    fill(page, "输出文件大小", "不保存的值")
    click_button(page, "上一步")
    expect(current_step(page)).to_have_text("填写算法基础属性信息")
    assert portal.state()["counters"]["by_route"]["POST /api/filing/save"] == saves
    assert filings(portal)[-1]["sections"]["算法数据"]["输出文件大小"] == "1MB"  # type: ignore[index]


def test_default_back_saves_the_step(page: Page, variant: Portals) -> None:
    portal = variant("default")
    new_filing(logged_in(portal), "服务提供者")
    open_draft(page, portal)
    click_button(page, "上一步")
    expect(current_step(page)).to_have_text("填写算法详细属性信息")
    fill(page, "输出文件大小", "2MB")
    click_button(page, "上一步")
    expect(current_step(page)).to_have_text("填写算法基础属性信息")
    assert filings(portal)[-1]["sections"]["算法数据"]["输出文件大小"] == "2MB"  # type: ignore[index]


def test_no_step4_save_has_only_back_and_submit(page: Page, variant: Portals) -> None:
    portal = variant("no-step4-save")
    draft_at_step4(portal)
    open_draft(page, portal)
    expect(current_step(page)).to_have_text("确认提交")
    footer = page.locator(".wizard-footer")
    expect(footer.get_by_role("button")).to_have_count(2)
    expect(button(footer, "上一步")).to_be_visible()
    expect(button(footer, "提交")).to_be_visible()
    click_button(page, "上一步")
    expect(button(page.locator(".wizard-footer"), "保存至草稿箱")).to_be_visible()


def test_entity_editable_keeps_the_form_with_a_status_line(page: Page, variant: Portals) -> None:
    portal = variant("entity-editable")
    login(page, "demo-provider", url=portal.url)
    page.locator(".home-card").filter(has_text="主体信息").click()
    expect(page.locator(".entity-status")).to_have_text("状态：已通过")
    expect(page.locator(".el-descriptions")).to_have_count(0)
    fill(page, "详细地址", "北京市海淀区中关村大街2号", section="主体基本信息")
    click_button(page, "提交")
    toast(page, "提交成功")
    expect(page.locator(".entity-status")).to_have_text("状态：待审核")
    expect(item(page, "详细地址", section="主体基本信息").locator("input")).to_have_value(
        "北京市海淀区中关村大街2号"
    )
    entity = portal.state()["accounts"]["demo-provider"]["entity"]
    assert entity["status"] == "待审核"
    assert entity["sections"]["主体基本信息"]["详细地址"] == "北京市海淀区中关村大街2号"


def test_field_moved_sits_under_the_model_section_and_is_stored_as_before(
    page: Page, variant: Portals
) -> None:
    portal = variant("field-moved")
    new_filing(logged_in(portal), "服务提供者")
    open_draft(page, portal)
    click_button(page, "上一步")
    expect(current_step(page)).to_have_text("填写算法详细属性信息")
    expect(item(page, "开源数据集&来源", section="算法数据")).to_have_count(0)
    page.locator(".el-collapse-item__header").get_by_text("算法模型", exact=True).click()
    fill(page, "开源数据集&来源", "WuDaoCorpora", section="算法模型")
    click_button(page, "保存至草稿箱")
    toast(page, "保存成功")
    sections = filings(portal)[-1]["sections"]
    assert sections["算法数据"]["开源数据集&来源"] == "WuDaoCorpora"  # type: ignore[index]
    assert "开源数据集&来源" not in sections.get("算法模型", {})  # type: ignore[attr-defined]


def test_single_scenario_is_a_single_select_stored_as_a_list(page: Page, variant: Portals) -> None:
    portal = variant("single-scenario")
    new_filing(logged_in(portal), "服务提供者")
    open_draft(page, portal)
    click_button(page, "上一步")
    scenario = item(page, "使用场景")
    expect(scenario.locator(".el-select__tags")).to_have_count(0)
    expect(scenario.locator("input")).to_have_value("文本生成")
    choose(page, scenario, "对话生成")
    expect(scenario.locator("input")).to_have_value("对话生成")
    click_button(page, "保存至草稿箱")
    toast(page, "保存成功")
    assert filings(portal)[-1]["sections"]["算法数据"]["使用场景"] == ["对话生成"]  # type: ignore[index]


def test_slow_lists_show_headings_long_before_rows(page: Page, variant: Portals) -> None:
    portal = variant("slow-lists")
    login(page, "demo-provider", url=portal.url)
    expect(page.locator(".home-card")).to_have_count(3)
    started = time.monotonic()
    page.locator(".home-card").filter(has_text="备案信息").click()
    table = page.locator(".el-table")
    expect(table.locator(".el-table__header").get_by_text("算法名称", exact=True)).to_be_visible()
    expect(table.locator(".el-loading-mask")).to_be_visible()
    expect(table.get_by_text("暂无数据")).to_be_visible()
    expect(loaded_rows(page)).to_have_count(1)
    assert time.monotonic() - started >= 1.5


def test_relabelled_buttons(page: Page, variant: Portals) -> None:
    portal = variant("relabelled")
    new_filing(logged_in(portal), "服务提供者")
    login(page, "demo-provider", url=portal.url)
    page.locator(".home-card").filter(has_text="备案信息").click()
    expect(button(page, "新建备案")).to_be_visible()
    expect(button(page, "新增备案")).to_have_count(0)
    click_button(loaded_rows(page).filter(has_text="接口测试算法"), "编辑")
    expect(current_step(page)).to_have_text("填写产品及功能信息")
    expect(button(page, "暂存")).to_be_visible()
    expect(button(page, "保存并下一步")).to_be_visible()
    expect(button(page, "保存至草稿箱")).to_have_count(0)


def test_submit_confirm_asks_before_sending(page: Page, variant: Portals) -> None:
    portal = variant("submit-confirm")
    draft_at_step4(portal)
    open_draft(page, portal)
    page.get_by_text("我承诺上述填报信息真实有效", exact=True).click()
    click_button(page, "提交")
    box = page.get_by_role("dialog", name="提示")
    expect(box).to_contain_text("确认提交备案信息吗？")
    box.get_by_role("button", name="取消").click()
    assert portal.state()["counters"]["submits"] == 0
    click_button(page, "提交")
    page.get_by_role("dialog", name="提示").get_by_role("button", name="确定").click()
    toast(page, "提交成功")
    assert filings(portal)[-1]["status"] == "待审核"
