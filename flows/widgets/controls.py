"""Drivers for single controls: each sets a value as a person would and reads back what the page holds.

Every setter works on the visible control (clicking, typing, picking from the floating list); every
reader reports what the page shows now, so a value the page dropped is seen as dropped.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from agent.errors import NotOnScreen, TransientPortalError
from agent.profile import PortalProfile
from flows.widgets.locate import exact_text

_OPTION_TIMEOUT_MS = 5_000

__all__ = [
    "choose_option",
    "read_checkbox",
    "read_date",
    "read_multiselect",
    "read_radio",
    "read_select",
    "read_text",
    "read_upload",
    "set_checkbox",
    "set_date",
    "set_multiselect",
    "set_radio",
    "set_select",
    "set_text",
    "set_upload",
]


def _text_control(item: Locator) -> Locator:
    return item.locator("textarea, input:not([type=hidden]):not([type=file]):not([type=radio])").first


def set_text(item: Locator, value: str) -> None:
    control = _text_control(item)
    control.fill(value)
    # Element UI validates on blur; leaving the field is what a person does anyway.
    control.blur()


def read_text(item: Locator) -> str:
    return _text_control(item).input_value()


def _open_dropdown(page: Page, select: Locator, profile: PortalProfile) -> Locator:
    select.click()
    # Only the open list is visible (closed ones stay hidden in <body>); clicks on it wait for it.
    return page.locator(profile.selector("select_dropdown")).filter(visible=True)


def _close_dropdown(page: Page, profile: PortalProfile, outside: Locator) -> None:
    # A click beside the control (on its own label) closes a floating list without choosing anything.
    outside.click()


def _option(dropdown: Locator, profile: PortalProfile, text: str) -> Locator:
    return dropdown.locator(profile.selector("select_option")).filter(has_text=exact_text(text))


def choose_option(
    page: Page, select: Locator, profile: PortalProfile, value: str, outside: Locator | None = None
) -> None:
    """Pick ``value`` in the single-choice dropdown whose root is ``select``.

    ``outside`` is something to click to close the list when the option is missing."""
    if select.locator("input").first.input_value() == value:
        return
    dropdown = _open_dropdown(page, select, profile)
    _pick(page, dropdown, profile, value, outside if outside is not None else page.locator("body"))


def _pick(page: Page, dropdown: Locator, profile: PortalProfile, value: str, outside: Locator) -> None:
    """Click the option reading ``value``; the list is closed again when it offers no such option."""
    try:
        # A list holds its options as soon as it opens: a short wait tells a missing option quickly.
        _option(dropdown, profile, value).click(timeout=_OPTION_TIMEOUT_MS)
    except PlaywrightTimeout:
        _close_dropdown(page, profile, outside)
        raise NotOnScreen(f"option {value!r} is not offered") from None


def _native(item: Locator) -> Locator | None:
    """The item's native ``<select>``, if it draws one instead of a floating list."""
    native = item.locator("select")
    return native.first if native.count() else None


_SELECTED_TEXTS = "(s) => [...s.selectedOptions].map((o) => o.text.trim()).filter((t) => t)"


def set_select(page: Page, item: Locator, profile: PortalProfile, value: str) -> None:
    native = _native(item)
    if native is not None:
        _select_native(native, [value])
        return
    label = item.locator(profile.selector("form_item_label")).first
    choose_option(page, item.locator(profile.selector("select")).first, profile, value, label)


def _select_native(native: Locator, values: list[str]) -> None:
    offered = [t.strip() for t in native.locator("option").all_inner_texts()]
    missing = [v for v in values if v not in offered]
    if missing:
        raise NotOnScreen(f"option {missing[0]!r} is not offered")
    native.select_option(label=values)


def read_select(item: Locator) -> str:
    native = _native(item)
    if native is not None:
        texts: list[str] = native.evaluate(_SELECTED_TEXTS)
        return texts[0] if texts else ""
    return item.locator("input").first.input_value()


def read_multiselect(item: Locator, profile: PortalProfile) -> list[str]:
    native = _native(item)
    if native is not None:
        texts: list[str] = native.evaluate(_SELECTED_TEXTS)
        return texts
    tags = item.locator(profile.selector("select_tag"))
    return [t.strip() for t in tags.all_inner_texts()]


def set_multiselect(page: Page, item: Locator, profile: PortalProfile, values: list[str]) -> None:
    native = _native(item)
    if native is not None:
        _select_native(native, values)
        return
    current = read_multiselect(item, profile)
    for unwanted in [v for v in current if v not in values]:
        tag = item.locator(profile.selector("select_tag")).filter(has_text=exact_text(unwanted))
        tag.locator(profile.selector("tag_close")).click()
    missing = [v for v in values if v not in current]
    if not missing:
        return
    label = item.locator(profile.selector("form_item_label")).first
    dropdown = _open_dropdown(page, item.locator(profile.selector("select")).first, profile)
    for value in missing:
        _pick(page, dropdown, profile, value, label)
    # Whether every pick took is what the read-back after filling checks.
    _close_dropdown(page, profile, label)


def set_date(page: Page, item: Locator, profile: PortalProfile, value: str) -> None:
    control = item.locator("input").first
    control.fill(value)
    control.press("Enter")
    expect(page.locator(profile.selector("date_panel")).filter(visible=True)).to_have_count(0)


def read_date(item: Locator) -> str:
    return item.locator("input").first.input_value()


def set_radio(item: Locator, value: str) -> None:
    radio = item.get_by_role("radio", name=value, exact=True)
    radio.click()


def read_radio(item: Locator) -> str | None:
    checked = item.locator("[role=radio][aria-checked=true], label:has(input[type=radio]:checked)")
    texts = [t.strip() for t in checked.all_inner_texts()]
    return texts[0] if texts else None


def set_checkbox(item: Locator, value: bool) -> None:
    box = item.locator("input[type=checkbox]").first
    if box.is_checked() != value:
        # Element UI draws the real input at zero size: people click the label around it.
        wrapper = item.locator("label").filter(has=item.page.locator("input[type=checkbox]"))
        (wrapper.first if wrapper.count() else box).click()
    expect(box).to_be_checked(checked=value)


def read_checkbox(item: Locator) -> bool:
    return item.locator("input[type=checkbox]").first.is_checked()


def set_upload(item: Locator, profile: PortalProfile, path: Path, timeout_ms: float) -> None:
    if read_upload(item, profile) == path.name:
        return
    # The file input is hidden behind the 选择文件 button; Playwright can hand it the file directly.
    item.locator("input[type=file]").set_input_files(path)
    listed = item.locator(profile.selector("upload_list_item")).filter(has_text=path.name)
    failed = item.page.locator(profile.selector("message_error")).filter(visible=True)
    in_progress = item.locator(profile.selector("upload_in_progress"))
    # The list shows the file at once while it uploads; it keeps it when the portal takes the file and
    # drops it (with an error message) when the portal refuses or fails. Wait for the answer, then look.
    try:
        expect(listed.or_(failed).first).to_be_visible(timeout=timeout_ms)
        expect(in_progress).to_have_count(0, timeout=timeout_ms)
    except AssertionError:
        raise TransientPortalError(f"the upload of {path.name} did not finish in time") from None
    if read_upload(item, profile) != path.name:
        raise TransientPortalError(f"the portal did not take the upload of {path.name}")


def read_upload(item: Locator, profile: PortalProfile) -> str | None:
    names = [n.strip() for n in item.locator(profile.selector("upload_list_item")).all_inner_texts()]
    names = [n for n in names if n]
    return names[-1] if names else None
