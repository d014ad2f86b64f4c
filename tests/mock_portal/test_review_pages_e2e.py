"""The pages after 提交 in headless Chromium: states and numbers in the list, 修改 of a returned filing,
变更 and 注销 of an approved one, each checked against ``/__mock/state``."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from fixtures.mock_portal import MockPortal

from .client import Client
from .test_api import logged_in
from .test_review import filing, review, submitted
from .ui import button, click_button, fill, item, loaded_rows, login, shot, toast

pytestmark = pytest.mark.e2e

OPINION = "拟公示内容未写明算法基本原理，请补充后重新提交。"


def open_filings(page: Page) -> None:
    login(page, "demo-provider")
    page.get_by_text("备案信息", exact=True).first.click()
    expect(page.locator(".filings-page")).to_be_visible()


def two_filings(portal: MockPortal) -> tuple[Client, int, int]:
    client = logged_in(portal)
    returned, approved = submitted(client), submitted(client)
    review(client, {"id": returned, "decision": "return", "opinion": OPINION})
    review(client, {"id": approved, "decision": "approve"})
    return client, returned, approved


def test_the_list_shows_states_numbers_and_the_opinion(page: Page, portal: MockPortal) -> None:
    _, returned, approved = two_filings(portal)
    open_filings(page)
    rows = loaded_rows(page)
    number = filing(portal, approved)["filing_number"]
    approved_row = rows.filter(has_text=number)
    expect(approved_row).to_have_count(1)
    expect(approved_row).to_contain_text("已通过")
    returned_row = rows.filter(has_text=OPINION)
    expect(returned_row).to_contain_text("已退回")
    shot(page, "review-list")
    # A returned filing opens in the wizard with the opinion above the form; 提交 sends it back.
    click_button(returned_row, "修改")
    expect(page.locator(".review-opinion")).to_contain_text(OPINION)
    for _ in range(3):
        click_button(page, "下一步")
        expect(page.locator(".el-loading-mask:visible")).to_have_count(0)
    expect(page.get_by_text("我承诺上述填报信息真实有效")).to_be_visible()
    page.get_by_text("我承诺上述填报信息真实有效").click()
    click_button(page, "提交")
    toast(page, "提交成功")
    assert filing(portal, returned)["status"] == "待审核"


def test_change_and_cancel_from_the_row(page: Page, portal: MockPortal) -> None:
    client, _, approved = two_filings(portal)
    number = filing(portal, approved)["filing_number"]
    open_filings(page)
    click_button(loaded_rows(page).filter(has_text=number), "变更")
    dialog = page.locator(".el-message-box")
    expect(dialog).to_contain_text("备案编号不变")
    click_button(dialog, "确定")
    expect(page.locator(".change-notice")).to_contain_text(number)
    assert filing(portal, approved)["status"] == "变更中"
    # Resubmitted by the API (the wizard path is the one tested above); approved again, then 注销.
    assert client.post("/api/filing/submit", {"id": approved, "commitment": True})["errno"] == 0
    review(client, {"id": approved, "decision": "approve"})
    page.get_by_text("首页", exact=True).first.click()
    page.get_by_text("备案信息", exact=True).first.click()
    click_button(loaded_rows(page).filter(has_text=number), "注销")
    cancel = page.locator(".cancel-dialog")
    expect(cancel).to_be_visible()
    click_button(cancel, "确定")
    expect(item(cancel, "注销原因")).to_contain_text("请输入注销原因")
    fill(cancel, "注销原因", "产品停止运营")
    click_button(cancel, "确定")
    toast(page, "请勾选“我承诺上述注销信息真实有效”")
    cancel.get_by_text("我承诺上述注销信息真实有效").click()
    shot(page, "cancel-dialog")
    click_button(cancel, "确定")
    toast(page, "注销成功")
    expect(loaded_rows(page).filter(has_text=number)).to_contain_text("已注销")
    after = filing(portal, approved)
    assert after["status"] == "已注销" and after["cancel_reason"] == "产品停止运营"
    assert button(loaded_rows(page).filter(has_text=number), "注销").count() == 0
