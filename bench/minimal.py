"""The least a script must do to file a bundle up to the confirmation page of the mock portal.

It is written the way a person who read the filing guide and looked at the page once would write it:
its own small table of which control each label is, Element UI's class names as selectors, 下一步 after
each step, and a stop at step 4: no checks, no read-back, no draft saves, no screenshots, no logs. It is
the yardstick the agent is measured against, not a tool: it gives up with Playwright's exception on
anything unexpected.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from agent.run.browser import launch_options
from bench.bundles import read_bundle
from fixtures.mock_portal import DEMO_PASSWORD

__all__ = ["file_minimal"]

# The control behind each label of steps 1–3 that is not a one-line text field (the guide's figures 4–9).
KIND = {
    "算法类型": "select",
    "角色": "radio",
    "上线时间": "date",
    "应用领域": "multiselect",
    "算法简介": "textarea",
    "使用场景": "multiselect",
    "输入数据模态": "multiselect",
    "输入的人物特征是否包含生物特征": "radio",
    "输入的人物特征是否包含身份信息": "radio",
    "输出数据模态": "multiselect",
    "输出文件格式": "multiselect",
    "是否支持批量输出": "radio",
    "模型结构描述": "textarea",
    "是否使用第三方基础模型": "radio",
    "策略描述": "textarea",
    "风险描述": "textarea",
    "防范措施": "textarea",
    "安全评估完成日期": "date",
}
STEP1 = {
    "name": "算法名称",
    "type": "算法类型",
    "role": "角色",
    "online_date": "上线时间",
    "version": "版本号",
    "application_fields": "应用领域",
}
UPLOADS = {"self_assessment_report": "算法安全自评估报告", "public_disclosure": "拟公示内容"}
DATA = {
    "intro": "算法简介",
    "scenarios": "使用场景",
    "input_modalities": "输入数据模态",
    "input_biometric": "输入的人物特征是否包含生物特征",
    "input_identity": "输入的人物特征是否包含身份信息",
    "output_modalities": "输出数据模态",
    "output_formats": "输出文件格式",
    "output_file_size": "输出文件大小",
    "batch_output": "是否支持批量输出",
    "open_source_datasets": "开源数据集&来源",
    "self_built_datasets": "自建数据集&来源",
}
# Step 2's closed sections, opened only when the bundle has something for them.
SECTION_TITLES = {"model": "算法模型", "strategy": "算法策略", "risk": "算法风险与防范机制"}
# Element fades a closing list out (about 0.3 s) while the next one opens: pick from the one not leaving.
OPEN_LIST = ".el-select-dropdown:visible:not([class*='-leave'])"


def _exact(text: str) -> re.Pattern[str]:
    return re.compile(f"^\\s*{re.escape(text)}\\s*$")


def _text(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _item(page: Page, label: str) -> Locator:
    return page.locator(".el-form-item").filter(
        has=page.locator("label.el-form-item__label", has_text=_exact(label))
    )


def _pick(page: Page, select: Locator, options: list[str], *, close: Locator | None = None) -> None:
    # A list closed a moment ago may not have started its leave transition yet: with two multi-selects
    # offering the same options, a pick could land in the previous one. Wait until no list is open.
    expect(page.locator(OPEN_LIST)).to_have_count(0)
    select.click()
    for option in options:
        page.locator(OPEN_LIST).locator(".el-select-dropdown__item", has_text=_exact(option)).click()
    if close is not None:
        # A multi-select keeps its list open after each pick; Escape only works while its input has focus,
        # a click beside it (its label) always closes it.
        close.click()


def _fill(page: Page, label: str, value: Any) -> None:
    item, value = _item(page, label), _text(value)
    kind = KIND.get(label, "text")
    if kind == "select":
        _pick(page, item.locator(".el-select"), [value])
    elif kind == "multiselect":
        _pick(page, item.locator(".el-select"), list(value), close=item.locator(".el-form-item__label"))
    elif kind == "radio":
        item.locator("label.el-radio", has_text=_exact(value)).click()
    elif kind == "date":
        item.locator("input").fill(value)
        item.locator("input").press("Enter")
    elif kind == "textarea":
        item.locator("textarea").fill(value)
    else:
        item.locator("input").first.fill(str(value))


def _next(page: Page, arrival: str) -> None:
    page.locator(".wizard-footer button.el-button", has_text=_exact("下一步")).click()
    page.locator(arrival).first.wait_for()


def _rows(page: Page, label: str, count: int) -> Locator:
    item = _item(page, label)
    for _ in range(count - 1):
        item.locator("button.rows-add").click()
    return item.locator(".row-item")


def _tick(page: Page, product: str, path: str | None, function: str | None) -> None:
    node = page.locator(".el-tree")
    for level in (product, path, function):
        if level is None:
            break
        node = (
            node.locator(".el-tree-node")
            .filter(
                has=page.locator(
                    ":scope > .el-tree-node__content .el-tree-node__label", has_text=_exact(level)
                )
            )
            .first
        )
    node.locator(":scope > .el-tree-node__content label.el-checkbox").click()


def _step1(page: Page, bundle_dir: Path, algorithm: dict[str, Any]) -> None:
    for key, label in STEP1.items():
        _fill(page, label, algorithm[key])
    for key, label in UPLOADS.items():
        _item(page, label).locator("input[type=file]").set_input_files(bundle_dir / algorithm[key])
    for label in UPLOADS.values():
        _item(page, label).locator(".el-upload-list__item.is-success").wait_for()
    _next(page, ".el-collapse")


def _step2(page: Page, algorithm: dict[str, Any]) -> None:
    for key, label in DATA.items():
        if key in algorithm["data"]:
            _fill(page, label, algorithm["data"][key])
    for key, title in SECTION_TITLES.items():
        extra = algorithm.get(key, {}).get("extra", {})
        if not extra:
            continue
        page.locator(".el-collapse-item__header", has_text=_exact(title)).click()
        for label, value in extra.items():
            _fill(page, label, value)
    _next(page, ".el-tree, .rows")


def _step3(page: Page, data: dict[str, Any]) -> None:
    if data["algorithm"]["role"] == "技术支持者":
        service = data["technical_service"]
        _fill(page, "技术服务名称", service["name"])
        rows = _rows(page, "技术服务访问方式", len(service["access"]))
        for i, access in enumerate(service["access"]):
            _pick(page, rows.nth(i).locator(".el-select"), [access["type"]])
            rows.nth(i).locator("input[placeholder=请填写下载地址]").fill(access["url"])
        rows = _rows(page, "技术服务对象", len(service["objects"]))
        for i, obj in enumerate(service["objects"]):
            rows.nth(i).locator("input").fill(obj)
        _fill(page, "技术服务频度（近三个月）", str(service["frequency"]))
    else:
        for tick in data["products"]["select"]:
            _tick(page, tick["product"], tick.get("path"), tick.get("function"))
    _next(page, ".confirm-step")


def _file(page: Page, base_url: str, bundle_dir: Path, marks: dict[str, float]) -> None:
    data = read_bundle(bundle_dir)
    start = time.perf_counter()

    def mark(phase: str) -> None:
        nonlocal start
        now = time.perf_counter()
        marks[phase] = now - start
        start = now

    page.goto(base_url + "#/login")
    page.get_by_placeholder("请输入账号").fill(data["account"])
    page.get_by_placeholder("请输入密码").fill(DEMO_PASSWORD)
    page.locator("button.login-button").click()
    page.locator(".home-card", has_text="备案信息").click()
    mark("login")
    page.locator("button.el-button", has_text=_exact("新增备案")).click()
    _item(page, "算法名称").wait_for()
    mark("open_filing")
    _step1(page, bundle_dir, data["algorithm"])
    mark("step1")
    _step2(page, data["algorithm"])
    mark("step2")
    _step3(page, data)
    mark("step3")


def file_minimal(bundle_dir: Path, base_url: str, *, browser: Browser | None = None) -> dict[str, float]:
    """File ``bundle_dir`` up to the confirmation page; seconds per phase and ``total``.

    ``browser`` is reused (a fresh context each time) when given; otherwise one is launched and its start
    is the ``browser_start`` phase.
    """
    marks: dict[str, float] = {}
    begin = time.perf_counter()
    if browser is not None:
        context = browser.new_context()
        try:
            _file(context.new_page(), base_url, bundle_dir, marks)
        finally:
            context.close()
    else:
        with sync_playwright() as pw:
            own = pw.chromium.launch(**launch_options())
            marks["browser_start"] = time.perf_counter() - begin
            try:
                context = own.new_context()
                _file(context.new_page(), base_url, bundle_dir, marks)
            finally:
                own.close()
    marks["total"] = time.perf_counter() - begin
    return marks
