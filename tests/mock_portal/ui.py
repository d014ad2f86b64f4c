"""What a person does on the mock portal's pages, in Playwright terms, for the e2e tests.

Fields are found the way the agent must find them: by the label text inside an Element form item,
narrowed by the section title when a label repeats. Buttons are found by their text with any icon-font
glyphs (Unicode Private Use Area, drawn by CSS ``::before``) in front, as a screen reader names them.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from fixtures.mock_portal import DEMO_PASSWORD

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
GLYPHS = "[\ue000-\uf8ff\\s]*"


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def login(page: Page, account: str, password: str = DEMO_PASSWORD, url: str = "/") -> None:
    page.goto(url)
    expect(page.locator(".login-card")).to_be_visible()
    item(page, "账号").locator("input").fill(account)
    item(page, "密码").locator("input").fill(password)
    click_button(page, "登录")


def item(scope: Page | Locator, label: str, section: str | None = None) -> Locator:
    """The form item whose label is exactly ``label`` (inside the section titled ``section``, if given)."""
    page = scope.page if isinstance(scope, Locator) else scope
    root: Page | Locator = scope
    if section is not None:
        root = scope.locator(".form-section, .el-collapse-item").filter(
            has=page.locator(".form-section__title, .el-collapse-item__header").get_by_text(
                section, exact=True
            )
        )
    return root.locator(".el-form-item").filter(
        has=page.locator(".el-form-item__label").get_by_text(label, exact=True)
    )


def fill(scope: Page | Locator, label: str, value: str, section: str | None = None) -> None:
    item(scope, label, section).locator("input, textarea").first.fill(value)


def choose(page: Page, field: Locator, *options: str) -> None:
    """Open an el-select and pick options from its list on <body>.

    Element keeps every list it drew on <body> and fades a closing one out, so the list to pick from is
    the one visible and not leaving; the helper also waits until every list is gone before returning.
    """
    expect(page.locator(".el-select-dropdown:visible")).to_have_count(0)
    field.locator(".el-select").first.click()
    dropdown = page.locator(".el-select-dropdown:visible")
    expect(dropdown).to_have_count(1)
    for option in options:
        dropdown.locator(".el-select-dropdown__item").get_by_text(option, exact=True).click()
    if dropdown.count():
        page.keyboard.press("Escape")
    expect(page.locator(".el-select-dropdown:visible")).to_have_count(0)


def cascade(page: Page, field: Locator, *labels: str) -> None:
    """Pick a path in an el-cascader (its input is read-only): one column per level, on <body>."""
    expect(page.locator(".el-cascader__dropdown:visible")).to_have_count(0)
    field.locator(".el-cascader").click()
    panel = page.locator(".el-cascader__dropdown:visible")
    for level, label in enumerate(labels):
        menu = panel.locator(".el-cascader-menu").nth(level)
        menu.locator(".el-cascader-node").filter(
            has=page.locator(".el-cascader-node__label").get_by_text(label, exact=True)
        ).click()
    expect(page.locator(".el-cascader__dropdown:visible")).to_have_count(0)


def radio(field: Locator, option: str) -> None:
    field.get_by_role("radio", name=option, exact=True).click()


def date(page: Page, field: Locator, value: str) -> None:
    box = field.locator(".el-date-editor input")
    box.fill(value)
    box.press("Enter")
    expect(box).to_have_value(value)
    expect(page.locator(".el-picker-panel:visible")).to_have_count(0)


def upload(field: Locator, path: Path) -> None:
    field.locator("input[type=file]").set_input_files(str(path))
    expect(field.locator(".el-upload-list__item.is-success")).to_contain_text(path.name)


def button(scope: Page | Locator, name: str) -> Locator:
    """The button named ``name``, icon glyphs in front allowed."""
    return scope.get_by_role("button", name=re.compile(f"^{GLYPHS}{re.escape(name)}$"))


def click_button(scope: Page | Locator, name: str) -> None:
    button(scope, name).click()


def toast(page: Page, text: str) -> None:
    expect(page.locator(".el-message[role=alert]").filter(has_text=text)).to_be_visible()


def current_step(page: Page) -> Locator:
    return page.locator(".el-step__title.is-process")


def loaded_rows(page: Page) -> Locator:
    """The rows of the page's table, once its loading mask is gone."""
    expect(page.locator(".el-table").first).to_be_visible()
    expect(page.locator(".el-table .el-loading-mask:visible")).to_have_count(0)
    return page.locator(".el-table__body .el-table__row")
