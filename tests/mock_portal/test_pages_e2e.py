"""A person's path through every page of the mock portal in headless Chromium, checked against
``/__mock/state``. Navigation is by clicks only (the base URL and the login are the only entry)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from fixtures.mock_portal import MockPortal
from fixtures.mock_portal.seed import pdf_bytes

from .ui import (
    cascade,
    choose,
    click_button,
    current_step,
    date,
    fill,
    item,
    loaded_rows,
    login,
    radio,
    shot,
    toast,
    upload,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def pdfs(tmp_path: Path) -> dict[str, Path]:
    files = {}
    for key, name in [
        ("report", "算法安全自评估报告.pdf"),
        ("public", "拟公示内容.pdf"),
        ("letter", "算法备案承诺书.pdf"),
        ("duty", "落实算法安全主体责任基本情况.pdf"),
    ]:
        path = tmp_path / name
        path.write_bytes(pdf_bytes(f"attachment {key}"))
        files[key] = path
    return files


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def account_state(portal: MockPortal, account: str) -> dict[str, Any]:
    state: dict[str, Any] = portal.state()["accounts"][account]
    return state


def start_filing(page: Page) -> None:
    page.locator(".home-card").filter(has_text="备案信息").click()
    expect(page.locator(".page-title")).to_have_text("备案信息")
    click_button(page, "新增备案")
    expect(current_step(page)).to_have_text("填写算法基础属性信息")


def fill_step1(page: Page, pdfs: dict[str, Path], name: str, role: str) -> None:
    fill(page, "算法名称", name)
    choose(page, item(page, "算法类型"), "生成合成类（深度合成）")
    radio(item(page, "角色"), role)
    date(page, item(page, "上线时间"), "2024-03-01")
    fill(page, "版本号", "v1.0")
    choose(page, item(page, "应用领域"), "办公", "文化娱乐")
    upload(item(page, "算法安全自评估报告"), pdfs["report"])
    upload(item(page, "拟公示内容"), pdfs["public"])


INTRO = "本算法根据用户输入的文字生成文章段落，作用对象为注册用户，应用于智绘AI助手的AI写作功能。"


def fill_step2(page: Page) -> None:
    fill(page, "算法简介", INTRO)
    expect(item(page, "算法简介").locator(".el-input__count")).to_have_text(f"{len(INTRO)}/200")
    choose(page, item(page, "使用场景"), "文本生成", "对话生成")
    choose(page, item(page, "输入数据模态"), "文本")
    radio(item(page, "输入的人物特征是否包含生物特征"), "否")
    radio(item(page, "输入的人物特征是否包含身份信息"), "否")
    choose(page, item(page, "输出数据模态"), "文本")
    choose(page, item(page, "输出文件格式"), "txt", "json")
    fill(page, "输出文件大小", "不超过1MB")
    radio(item(page, "是否支持批量输出"), "是")
    fill(page, "开源数据集&来源", "WuDaoCorpora（智源研究院）")
    fill(page, "自建数据集&来源", "自有授权语料")


def test_login_rejects_a_wrong_password_then_shows_home(page: Page, portal: MockPortal) -> None:
    login(page, "demo-provider", "wrong-password")
    toast(page, "账号或密码错误")
    shot(page, "01-login-wrong-password")
    item(page, "密码").locator("input").fill("Demo@2026")
    click_button(page, "登录")
    expect(page.locator(".home-card")).to_have_count(3)
    for title in ("主体信息", "备案信息", "产品及功能信息"):
        expect(page.locator(".home-card__title").get_by_text(title, exact=True)).to_be_visible()
    expect(page.locator(".el-dropdown-link")).to_have_text("北京智绘未来科技有限公司")
    page.get_by_role("button", name="Aa 大").click()
    expect(page.locator("html")).to_have_class("font-large")
    page.get_by_role("button", name="Aa 大").click()
    shot(page, "02-home")


def test_provider_files_through_four_steps_and_submits(
    page: Page, portal: MockPortal, pdfs: dict[str, Path]
) -> None:
    login(page, "demo-provider")
    start_filing(page)
    fill_step1(page, pdfs, "智绘写作生成算法", "服务提供者")
    shot(page, "03-step1-basic")
    click_button(page, "下一步")

    expect(current_step(page)).to_have_text("填写算法详细属性信息")
    expect(page.locator(".el-collapse-item.is-active")).to_have_count(1)
    expect(page.locator(".el-collapse-item.is-active .el-collapse-item__header")).to_have_text("算法数据")
    fill_step2(page)
    page.locator(".el-collapse-item__header").get_by_text("算法模型", exact=True).click()
    fill(page, "模型名称", "ZH-Writer-7B", section="算法模型")
    radio(item(page, "是否使用第三方基础模型", section="算法模型"), "是")
    shot(page, "04-step2-details")
    click_button(page, "下一步")

    expect(current_step(page)).to_have_text("填写产品及功能信息")
    expect(page.get_by_text("返回主页并点击“产品及功能信息”完善", exact=False)).to_be_visible()
    tree = page.locator(".el-tree")
    product = tree.locator(".el-tree-node").filter(has_text="智绘AI助手").first

    def node(label: str) -> Locator:
        return tree.locator(".el-tree-node__content").filter(
            has=page.locator(".el-tree-node__label").get_by_text(label, exact=True)
        )

    node("智能续写").locator(".el-checkbox").click()
    expect(node("智绘AI助手").locator(".el-checkbox__input")).to_have_class(re.compile("is-indeterminate"))
    expect(product).not_to_have_attribute("aria-checked", "true")
    node("首页 > AI绘画").locator(".el-checkbox").click()
    expect(node("文生图").locator(".el-checkbox__input")).to_have_class(re.compile("is-checked"))
    expect(node("文生图").locator("input.el-checkbox__original")).to_be_checked()
    shot(page, "05-step3-products")
    click_button(page, "下一步")

    expect(current_step(page)).to_have_text("确认提交")
    summary = page.locator(".summary")
    expect(summary).to_contain_text("智绘写作生成算法")
    expect(summary).to_contain_text("算法安全自评估报告.pdf")
    expect(summary).to_contain_text(INTRO)
    click_button(page, "提交")
    toast(page, "请勾选“我承诺上述填报信息真实有效”")
    assert portal.state()["counters"]["submits"] == 0
    page.get_by_text("我承诺上述填报信息真实有效", exact=True).click()
    shot(page, "06-step4-confirm")
    click_button(page, "提交")
    toast(page, "提交成功")
    expect(page.locator(".page-title")).to_have_text("备案信息")
    row = loaded_rows(page).filter(has_text="智绘写作生成算法")
    expect(row).to_contain_text("待审核")
    shot(page, "07-filings-list")

    filing = account_state(portal, "demo-provider")["filings"][-1]
    assert filing["status"] == "待审核" and filing["role"] == "服务提供者" and filing["commitment"] is True
    assert filing["sections"]["算法基础属性信息"] == {
        "算法名称": "智绘写作生成算法",
        "算法类型": "生成合成类（深度合成）",
        "角色": "服务提供者",
        "上线时间": "2024-03-01",
        "版本号": "v1.0",
        "应用领域": ["办公", "文化娱乐"],
    }
    data = filing["sections"]["算法数据"]
    assert data["算法简介"] == INTRO and data["使用场景"] == ["文本生成", "对话生成"]
    assert data["输出文件格式"] == ["txt", "json"] and data["是否支持批量输出"] == "是"
    assert data["输入的人物特征是否包含生物特征"] == "否"
    assert filing["sections"]["算法模型"]["模型名称"] == "ZH-Writer-7B"
    assert filing["sections"]["算法模型"]["是否使用第三方基础模型"] == "是"
    assert filing["attachments"]["算法安全自评估报告"]["sha256"] == sha(pdfs["report"])
    assert filing["attachments"]["拟公示内容"]["name"] == "拟公示内容.pdf"
    assert filing["products"] == [
        {"product": "智绘AI助手", "path": "首页 > AI写作", "function": "智能续写"},
        {"product": "智绘AI助手", "path": "首页 > AI绘画", "function": None},
    ]
    counters = portal.state()["counters"]
    assert counters["submits"] == 1
    assert counters["by_route"]["POST /api/filing/save"] == 3


def test_supporter_saves_a_draft_resumes_it_and_fills_technical_service(
    page: Page, portal: MockPortal, pdfs: dict[str, Path]
) -> None:
    login(page, "demo-supporter")
    start_filing(page)
    fill_step1(page, pdfs, "深言语音合成算法", "技术支持者")
    expect(page.locator(".el-step__title").nth(2)).to_have_text("填写技术服务方式")
    click_button(page, "下一步")
    expect(current_step(page)).to_have_text("填写算法详细属性信息")
    fill(page, "算法简介", INTRO)
    choose(page, item(page, "使用场景"), "语音合成")
    click_button(page, "保存至草稿箱")
    toast(page, "保存成功")
    assert portal.state()["counters"]["draft_saves"] == 1

    page.get_by_role("link", name="首页").click()
    page.locator(".el-dropdown-link").hover()
    page.locator(".el-dropdown-menu:visible .el-dropdown-menu__item").get_by_text(
        "草稿箱", exact=True
    ).click()
    expect(page.locator(".page-title")).to_have_text("草稿箱")
    row = loaded_rows(page).filter(has_text="深言语音合成算法")
    expect(row).to_contain_text("填写算法详细属性信息")
    shot(page, "08-drafts")
    click_button(row, "继续填报")
    expect(current_step(page)).to_have_text("填写算法详细属性信息")
    expect(item(page, "算法简介").locator("textarea")).to_have_value(INTRO)
    expect(item(page, "使用场景").locator(".el-tag")).to_have_text(["语音合成"])
    fill_step2(page)
    click_button(page, "下一步")

    expect(current_step(page)).to_have_text("填写技术服务方式")
    fill(page, "技术服务名称", "深言语音合成开放接口")
    access = item(page, "技术服务访问方式")
    for _ in range(19):
        click_button(access, "+ 添加")
    expect(access.locator(".row-item")).to_have_count(20)
    click_button(access, "+ 添加")
    toast(page, "技术服务访问方式最多不超过20个")
    expect(access.locator(".row-item")).to_have_count(20)
    while access.locator(".row-item").count() > 2:
        click_button(access.locator(".row-item").last, "删除")
    rows = access.locator(".row-item")
    choose(page, rows.nth(0), "API")
    rows.nth(0).get_by_placeholder("请填写下载地址").fill("https://api.shenyan-ai.example.cn/tts")
    choose(page, rows.nth(1), "SDK")
    rows.nth(1).get_by_placeholder("请填写下载地址").fill("https://dl.shenyan-ai.example.cn/sdk.zip")
    objects = item(page, "技术服务对象")
    objects.locator("input").first.fill("在线教育平台")
    click_button(objects, "+ 添加")
    objects.locator("input").last.fill("有声读物平台")
    fill(page, "技术服务频度（近三个月）", "1200")
    expect(item(page, "技术服务频度（近三个月）").locator(".el-input-group__append")).to_have_text("次/每天")
    shot(page, "09-step3-technical-service")
    click_button(page, "下一步")

    expect(current_step(page)).to_have_text("确认提交")
    expect(page.locator(".summary")).to_contain_text("https://dl.shenyan-ai.example.cn/sdk.zip")
    page.get_by_text("我承诺上述填报信息真实有效", exact=True).click()
    click_button(page, "提交")
    toast(page, "提交成功")

    filing = account_state(portal, "demo-supporter")["filings"][-1]
    assert filing["status"] == "待审核" and filing["role"] == "技术支持者"
    assert filing["sections"]["技术服务方式"] == {
        "技术服务名称": "深言语音合成开放接口",
        "技术服务访问方式": [
            {"类型": "API", "下载地址": "https://api.shenyan-ai.example.cn/tts"},
            {"类型": "SDK", "下载地址": "https://dl.shenyan-ai.example.cn/sdk.zip"},
        ],
        "技术服务对象": ["在线教育平台", "有声读物平台"],
        "技术服务频度（近三个月）": "1200",
    }
    assert filing["sections"]["算法数据"]["使用场景"] == ["语音合成", "文本生成", "对话生成"]


def test_next_shows_messages_under_fields(page: Page, portal: MockPortal, tmp_path: Path) -> None:
    login(page, "demo-provider")
    start_filing(page)
    click_button(page, "下一步")
    expect(item(page, "算法名称").locator(".el-form-item__error")).to_have_text("请输入算法名称")
    expect(item(page, "角色").locator(".el-form-item__error")).to_have_text("请选择角色")
    expect(item(page, "拟公示内容").locator(".el-form-item__error")).to_have_text("请上传拟公示内容")
    not_pdf = tmp_path / "报告.pdf"
    not_pdf.write_bytes(b"PK\x03\x04 a zip file renamed")
    item(page, "拟公示内容").locator("input[type=file]").set_input_files(str(not_pdf))
    toast(page, "只能上传pdf格式文件")
    expect(item(page, "拟公示内容").locator(".el-upload-list__item")).to_have_count(0)
    shot(page, "10-step1-validation")
    fill(page, "算法名称", "校验算法")
    # Element checks a text field again when it loses the focus.
    expect(item(page, "算法名称").locator(".el-form-item__error")).to_have_text("请输入算法名称")
    item(page, "算法名称").locator("input").blur()
    expect(item(page, "算法名称").locator(".el-form-item__error")).to_have_count(0)
    assert portal.state()["counters"]["by_route"].get("POST /api/filing/save", 0) == 0
    assert "POST /api/filing/upload" not in portal.state()["counters"]["by_route"]


def test_intro_stops_at_200_characters(page: Page, portal: MockPortal, pdfs: dict[str, Path]) -> None:
    """el-input with show-word-limit sets the native maxlength: typing stops at the limit."""
    login(page, "demo-provider")
    start_filing(page)
    fill_step1(page, pdfs, "长简介算法", "服务提供者")
    click_button(page, "下一步")
    box = item(page, "算法简介").locator("textarea")
    expect(box).to_have_attribute("maxlength", "200")
    box.fill("")
    box.press_sequentially("长" * 205)
    expect(item(page, "算法简介").locator(".el-input__count")).to_have_text("200/200")
    click_button(page, "下一步")
    expect(item(page, "使用场景").locator(".el-form-item__error")).to_have_text("请选择使用场景")
    expect(item(page, "算法简介").locator(".el-form-item__error")).to_have_count(0)
    shot(page, "11-step2-validation")
    expect(current_step(page)).to_have_text("填写算法详细属性信息")


def test_draft_is_deleted_from_drafts_box_after_confirmation(page: Page, portal: MockPortal) -> None:
    login(page, "demo-provider")
    start_filing(page)
    name = "<img src=x onerror=window.__xss=1>草稿"
    fill(page, "算法名称", name)
    click_button(page, "保存至草稿箱")
    toast(page, "保存成功")
    page.get_by_role("link", name="首页").click()
    page.locator(".home-card").filter(has_text="备案信息").click()
    click_button(page, "草稿箱")
    row = loaded_rows(page).filter(has_text=name)
    expect(row).to_be_visible()
    assert page.evaluate("window.__xss") is None
    click_button(row, "删除")
    dialog = page.get_by_role("dialog", name="提示")
    expect(dialog).to_contain_text("确定删除该草稿吗？")
    shot(page, "12-drafts-delete-confirm")
    dialog.get_by_role("button", name="取消").click()
    expect(row).to_be_visible()
    click_button(row, "删除")
    page.get_by_role("dialog", name="提示").get_by_role("button", name="确定").click()
    toast(page, "删除成功")
    expect(page.locator(".el-table__row").filter(has_text=name)).to_have_count(0)
    assert all(f["status"] != "草稿" for f in account_state(portal, "demo-provider")["filings"])


def test_expired_session_goes_to_login_and_the_draft_survives(page: Page, portal: MockPortal) -> None:
    login(page, "demo-provider")
    start_filing(page)
    fill(page, "算法名称", "会话过期算法")
    click_button(page, "保存至草稿箱")
    toast(page, "保存成功")
    portal.set_faults(session_ttl_s=0)
    page.get_by_role("link", name="首页").click()
    page.locator(".home-card").filter(has_text="备案信息").click()
    toast(page, "检测到未登录状态，请先登录")
    expect(page.locator(".login-card")).to_be_visible()
    shot(page, "13-session-expired")
    portal.set_faults(session_ttl_s=None)
    item(page, "账号").locator("input").fill("demo-provider")
    item(page, "密码").locator("input").fill("Demo@2026")
    click_button(page, "登录")
    page.locator(".el-dropdown-link").hover()
    page.locator(".el-dropdown-menu:visible .el-dropdown-menu__item").get_by_text(
        "草稿箱", exact=True
    ).click()
    click_button(loaded_rows(page).filter(has_text="会话过期算法"), "继续填报")
    expect(item(page, "算法名称").locator("input")).to_have_value("会话过期算法")


def test_new_entity_files_its_entity_information(
    page: Page, portal: MockPortal, pdfs: dict[str, Path]
) -> None:
    login(page, "demo-newco")
    page.locator(".home-card").filter(has_text="备案信息").click()
    click_button(page, "新增备案")
    toast(page, "请先填报主体信息")
    page.get_by_role("link", name="首页").click()
    page.locator(".home-card").filter(has_text="主体信息").click()
    expect(page.locator(".entity-status")).to_contain_text("未填报")
    expect(item(page, "主体名称", section="主体基本信息").locator("input")).to_have_value(
        "杭州新启点网络有限公司"
    )
    fill(page, "统一社会信用代码", "91330106MA2KXQ0D3N", section="主体基本信息")
    click_button(page, "保存")
    toast(page, "保存成功")
    click_button(page, "提交")
    expect(item(page, "详细地址", section="主体基本信息").locator(".el-form-item__error")).to_have_text(
        "请输入详细地址"
    )

    choose(page, item(page, "主体类型", section="主体基本信息"), "企业")
    region = item(page, "注册地", section="主体基本信息")
    expect(region.locator("input")).to_have_attribute("readonly", "readonly")
    cascade(page, region, "浙江省", "杭州市", "西湖区")
    expect(region.locator("input")).to_have_value("浙江省 / 杭州市 / 西湖区")
    fill(page, "详细地址", "浙江省杭州市西湖区文三路100号", section="主体基本信息")
    fill(page, "网址", "https://www.xinqidian.example.cn", section="主体基本信息")
    choose(page, item(page, "月活跃用户量", section="主体基本信息"), "1万以下")
    choose(page, item(page, "主体证件类型", section="证件信息"), "营业执照")
    fill(page, "证件号码", "91330106MA2KXQ0D3N", section="证件信息")
    fill(page, "证件地址", "浙江省杭州市西湖区文三路100号", section="证件信息")
    date(page, item(page, "证件有效期", section="证件信息"), "2040-12-31")
    fill(page, "姓名", "周启航", section="法定代表人信息")
    choose(page, item(page, "证件类型", section="法定代表人信息"), "居民身份证")
    fill(page, "证件号码", "330106198806061234", section="法定代表人信息")
    fill(page, "姓名", "吴安", section="算法安全责任人信息")
    choose(page, item(page, "证件类型", section="算法安全责任人信息"), "护照")
    fill(page, "证件号码", "E12345678", section="算法安全责任人信息")
    fill(page, "手机号码", "1380013", section="算法安全责任人信息")
    fill(page, "电子邮箱", "anquan@xinqidian.example.cn", section="算法安全责任人信息")
    upload(item(page, "算法备案承诺书", section="附件信息"), pdfs["letter"])
    upload(item(page, "落实算法安全主体责任基本情况", section="附件信息"), pdfs["duty"])
    click_button(page, "提交")
    phone = item(page, "手机号码", section="算法安全责任人信息")
    expect(phone.locator(".el-form-item__error")).to_have_text("请输入正确的手机号码")
    shot(page, "14-entity-form")
    phone.locator("input").fill("13800138000")
    click_button(page, "提交")
    toast(page, "提交成功")
    expect(page.locator(".entity-status")).to_contain_text("待审核")
    expect(page.locator(".el-descriptions").filter(has_text="法定代表人信息")).to_contain_text("周启航")
    shot(page, "15-entity-readonly")

    entity = account_state(portal, "demo-newco")["entity"]
    assert entity["status"] == "待审核"
    assert entity["sections"]["法定代表人信息"] == {
        "姓名": "周启航",
        "证件类型": "居民身份证",
        "证件号码": "330106198806061234",
    }
    assert entity["sections"]["算法安全责任人信息"]["证件类型"] == "护照"
    assert entity["sections"]["证件信息"]["证件有效期"] == "2040-12-31"
    assert entity["sections"]["主体基本信息"]["注册地"] == "浙江省/杭州市/西湖区"
    assert entity["attachments"]["算法备案承诺书"]["sha256"] == sha(pdfs["letter"])
    assert portal.state()["counters"]["entity_submits"] == 1


def test_products_page_adds_a_product_path_and_function(page: Page, portal: MockPortal) -> None:
    login(page, "demo-supporter")
    page.locator(".home-card").filter(has_text="产品及功能信息").click()
    expect(page.locator(".page-title")).to_have_text("产品及功能信息")
    click_button(page, "新增产品")
    dialog = page.get_by_role("dialog", name="新增产品")
    click_button(dialog, "保存")
    expect(item(dialog, "产品名称").locator(".el-form-item__error")).to_have_text("请输入产品名称")
    fill(dialog, "产品名称", "深言配音")
    choose(page, item(dialog, "服务形式"), "APP")
    fill(dialog, "访问地址", "应用商店搜索“深言配音”")
    choose(page, item(dialog, "服务状态"), "已上线")
    fill(dialog, "服务对象", "个人用户")
    radio(item(dialog, "是否需实名认证"), "是")
    fill(dialog, "前置许可", "无")
    shot(page, "16-product-dialog")
    click_button(dialog, "保存")
    toast(page, "保存成功")
    card = page.locator(".product-card").filter(has_text="深言配音")
    click_button(card, "添加功能访问路径")
    dialog = page.get_by_role("dialog", name="添加功能访问路径")
    fill(dialog, "功能访问路径", "首页>AI配音")
    click_button(dialog, "保存")
    path = card.locator(".path-block").filter(has_text="首页 > AI配音")
    expect(path).to_be_visible()
    click_button(path, "添加功能")
    dialog = page.get_by_role("dialog", name="添加功能")
    fill(dialog, "功能名称", "文本转语音")
    fill(dialog, "功能介绍", "将用户输入的文本合成为语音。")
    click_button(dialog, "保存")
    expect(path.locator(".el-table__row")).to_contain_text("文本转语音")
    shot(page, "17-products")

    products = account_state(portal, "demo-supporter")["products"]
    assert products == [
        {
            "id": products[0]["id"],
            "fields": {
                "产品名称": "深言配音",
                "服务形式": "APP",
                "访问地址": "应用商店搜索“深言配音”",
                "服务状态": "已上线",
                "服务对象": "个人用户",
                "是否需实名认证": "是",
                "前置许可": "无",
            },
            "paths": [
                {
                    "path": "首页 > AI配音",
                    "functions": [{"功能名称": "文本转语音", "功能介绍": "将用户输入的文本合成为语音。"}],
                }
            ],
        }
    ]


def test_page_faults_drop_a_value_and_add_a_field(
    page: Page, portal: MockPortal, pdfs: dict[str, Path]
) -> None:
    portal.set_faults(
        drop_fields=["版本号"],
        extra_fields=[
            {
                "section": "算法基础属性信息",
                "label": "训练数据规模",
                "kind": "select",
                "options": ["1TB以下", "1TB以上"],
                "required": True,
            }
        ],
    )
    login(page, "demo-provider")
    start_filing(page)
    fill_step1(page, pdfs, "故障注入算法", "服务提供者")
    click_button(page, "下一步")
    expect(item(page, "训练数据规模").locator(".el-form-item__error")).to_have_text("请选择训练数据规模")
    choose(page, item(page, "训练数据规模"), "1TB以上")
    click_button(page, "下一步")
    expect(current_step(page)).to_have_text("填写算法详细属性信息")
    click_button(page, "上一步")
    expect(current_step(page)).to_have_text("填写算法基础属性信息")
    expect(item(page, "版本号").locator("input")).to_have_value("v1.")
    basic = account_state(portal, "demo-provider")["filings"][-1]["sections"]["算法基础属性信息"]
    assert basic["版本号"] == "v1." and basic["训练数据规模"] == "1TB以上"


def test_failing_writes_show_a_message_and_keep_the_page(page: Page, portal: MockPortal) -> None:
    login(page, "demo-provider")
    start_filing(page)
    fill(page, "算法名称", "故障保存")
    portal.set_faults(fail_rate=1.0, fail_mode="errno")
    click_button(page, "保存至草稿箱")
    toast(page, "系统繁忙，请稍后再试")
    portal.set_faults(fail_mode="http500")
    click_button(page, "保存至草稿箱")
    toast(page, "系统繁忙，请稍后重试")
    expect(item(page, "算法名称").locator("input")).to_have_value("故障保存")
    portal.set_faults(fail_rate=0.0)
    click_button(page, "保存至草稿箱")
    toast(page, "保存成功")
    assert (
        account_state(portal, "demo-provider")["filings"][-1]["sections"]["算法基础属性信息"]["算法名称"]
        == "故障保存"
    )
