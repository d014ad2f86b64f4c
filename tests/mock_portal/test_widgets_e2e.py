"""Element UI mechanics of the real-library pages that a driver of the portal must cope with."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from fixtures.mock_portal import MockPortal
from fixtures.mock_portal.seed import pdf_bytes

from .test_api import logged_in, new_filing
from .ui import GLYPHS, button, click_button, current_step, item, loaded_rows, login, toast

pytestmark = pytest.mark.e2e
PUA = re.compile("[\ue000-\uf8ff]")


def resume_draft(page: Page, name: str) -> None:
    expect(page.locator(".el-dropdown-link")).to_be_visible()
    page.goto("/#/drafts")
    click_button(loaded_rows(page).filter(has_text=name), "继续填报")


def test_icon_glyphs_are_part_of_button_names(page: Page, portal: MockPortal) -> None:
    login(page, "demo-provider")
    expect(page.locator(".home-card")).to_have_count(3)
    page.goto("/#/filings")
    for name in ("新增备案", "草稿箱"):
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
        found = button(page, name)
        expect(found).to_be_visible()
        assert PUA.search(found.evaluate("b => getComputedStyle(b.querySelector('i'), '::before').content"))
    new_filing(logged_in(portal), "服务提供者")
    resume_draft(page, "接口测试算法")
    expect(current_step(page)).to_have_text("填写产品及功能信息")
    expect(page.get_by_role("button", name="保存至草稿箱", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile(f"^{GLYPHS}保存至草稿箱$"))).to_be_visible()


def test_entity_submit_refused_on_the_page_sends_nothing(page: Page, portal: MockPortal) -> None:
    login(page, "demo-newco")
    page.locator(".home-card").filter(has_text="主体信息").click()
    click_button(page, "提交")
    expect(item(page, "统一社会信用代码").locator(".el-form-item__error")).to_have_text(
        "请输入统一社会信用代码"
    )
    expect(item(page, "注册地").locator(".el-form-item__error")).to_have_text("请选择注册地")
    routes = portal.state()["counters"]["by_route"]
    assert "POST /api/entity/submit" not in routes and "POST /api/entity/save" not in routes


def test_upload_goes_from_uploading_to_success(page: Page, portal: MockPortal, tmp_path: Path) -> None:
    portal.set_faults(upload_delay_ms=1500)
    login(page, "demo-newco")
    page.locator(".home-card").filter(has_text="主体信息").click()
    field = item(page, "算法备案承诺书")
    pdf = tmp_path / "承诺书.pdf"
    pdf.write_bytes(pdf_bytes("letter"))
    field.locator("input[type=file]").set_input_files(str(pdf))
    expect(field.locator(".el-upload-list__item.is-uploading")).to_contain_text("承诺书.pdf")
    expect(field.locator(".el-upload-list__item.is-success")).to_contain_text("承诺书.pdf")
    attachment = portal.state()["accounts"]["demo-newco"]["entity"]["attachments"]["算法备案承诺书"]
    assert attachment["name"] == "承诺书.pdf"


def test_upload_refused_by_the_server_is_not_listed(page: Page, portal: MockPortal, tmp_path: Path) -> None:
    login(page, "demo-newco")
    page.locator(".home-card").filter(has_text="主体信息").click()
    portal.set_faults(fail_rate=1.0, fail_mode="errno")
    field = item(page, "算法备案承诺书")
    pdf = tmp_path / "承诺书.pdf"
    pdf.write_bytes(pdf_bytes("letter"))
    field.locator("input[type=file]").set_input_files(str(pdf))
    toast(page, "系统繁忙，请稍后再试")
    expect(field.locator(".el-upload-list__item")).to_have_count(0)
    portal.set_faults(fail_mode="http500")
    field.locator("input[type=file]").set_input_files(str(pdf))
    toast(page, "上传失败，请稍后重试")
    expect(field.locator(".el-upload-list__item")).to_have_count(0)


def test_linked_ticks_store_the_path_when_all_its_functions_are_ticked(
    page: Page, portal: MockPortal
) -> None:
    new_filing(logged_in(portal), "服务提供者")
    login(page, "demo-provider")
    resume_draft(page, "接口测试算法")
    tree = page.locator(".el-tree")

    def node(label: str) -> Locator:
        return tree.locator(".el-tree-node__content").filter(
            has=page.locator(".el-tree-node__label").get_by_text(label, exact=True)
        )

    node("智能续写").locator(".el-checkbox").click()
    expect(node("首页 > AI写作").locator(".el-checkbox__input")).to_have_class(re.compile("is-indeterminate"))
    node("文章润色").locator(".el-checkbox").click()
    expect(node("首页 > AI写作").locator(".el-checkbox__input")).to_have_class(re.compile("is-checked"))
    expect(node("智绘AI助手").locator(".el-checkbox__input")).to_have_class(re.compile("is-indeterminate"))
    click_button(page, "保存至草稿箱")
    toast(page, "保存成功")
    filing = portal.state()["accounts"]["demo-provider"]["filings"][-1]
    assert filing["products"] == [{"product": "智绘AI助手", "path": "首页 > AI写作", "function": None}]
    # Read back: the tree ticks every function the stored path covers.
    page.reload()
    expect(node("文章润色").locator("input.el-checkbox__original")).to_be_checked()
    expect(node("文生图").locator("input.el-checkbox__original")).not_to_be_checked()


def test_table_draws_headings_under_a_loading_mask_before_its_rows(page: Page, portal: MockPortal) -> None:
    login(page, "demo-provider")
    expect(page.locator(".home-card")).to_have_count(3)
    portal.set_faults(latency_ms=1200)
    page.goto("/#/filings")
    table = page.locator(".el-table")
    expect(table.locator(".el-table__header").get_by_text("算法名称", exact=True)).to_be_visible()
    expect(table.locator(".el-loading-mask")).to_be_visible()
    assert table.locator(".el-table__body .el-table__row").count() == 0
    expect(loaded_rows(page)).to_have_count(1)
