"""Single and multiple selects: native ``<select>`` or Element's el-select with its list on ``<body>``.

Element appends each select's list to ``<body>`` and keeps it there; a list that just closed stays
visible during its leave transition (``el-zoom-in-top-leave-active``) with the same options. The list a
pick may land on is therefore the visible one that is not leaving.
"""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from agent.bundle.fields import Kind
from agent.errors import NotOnScreen
from agent.profile import PortalProfile
from flows.values import FieldValue
from flows.widgets.driver import Control, Marker, SameValue
from flows.widgets.gone import until_gone
from flows.widgets.locate import exact_text

__all__ = ["MULTISELECT", "SELECT", "choose_option", "no_open_list", "open_list"]

_OPTION_TIMEOUT_MS = 5_000
_TAG_TIMEOUT_MS = 2_000
_SELECTED_TEXTS = "(s) => [...s.selectedOptions].map((o) => o.text.trim()).filter((t) => t)"


def _open_css(profile: PortalProfile, css_key: str) -> str:
    return f"{profile.selector(css_key)}:not({profile.selector('popper_leaving')})"


def open_list(page: Page, profile: PortalProfile, css_key: str) -> Locator:
    """The floating list (of ``css_key``) that is open now: visible and not in its leave transition."""
    return page.locator(_open_css(profile, css_key)).filter(visible=True)


def no_open_list(page: Page, profile: PortalProfile, css_key: str) -> None:
    """Wait until no list of ``css_key`` is open (one leaving may still fade out)."""
    until_gone(page, _open_css(profile, css_key))


def _open_dropdown(page: Page, select: Locator, profile: PortalProfile) -> Locator:
    # The list of a select that was just closed may still be fading out: wait until it is gone.
    no_open_list(page, profile, "select_dropdown")
    select.click()
    dropdown = open_list(page, profile, "select_dropdown")
    expect(dropdown).to_have_count(1)
    return dropdown


def _close(page: Page, profile: PortalProfile, outside: Locator) -> None:
    # A click beside the control (on its own label) closes a floating list without choosing anything.
    outside.click()
    no_open_list(page, profile, "select_dropdown")


def _option(dropdown: Locator, profile: PortalProfile, text: str) -> Locator:
    return dropdown.locator(profile.selector("select_option")).filter(has_text=exact_text(text))


def _pick(page: Page, dropdown: Locator, profile: PortalProfile, value: str, outside: Locator) -> None:
    try:
        # A list holds its options as soon as it opens: a short wait tells a missing option quickly.
        _option(dropdown, profile, value).click(timeout=_OPTION_TIMEOUT_MS)
    except PlaywrightTimeout:
        _close(page, profile, outside)
        raise NotOnScreen(f"option {value!r} is not offered") from None


def choose_option(
    page: Page, select: Locator, profile: PortalProfile, value: str, outside: Locator | None = None
) -> None:
    """Pick ``value`` in the single-choice el-select whose root is ``select``."""
    if select.locator("input").first.input_value() == value:
        return
    dropdown = _open_dropdown(page, select, profile)
    _pick(page, dropdown, profile, value, outside if outside is not None else page.locator("body"))
    # A single select closes its list on a pick; the next select must not find it fading.
    no_open_list(page, profile, "select_dropdown")


def _native(item: Locator) -> Locator | None:
    native = item.locator("select")
    return native.first if native.count() else None


def _select_native(native: Locator, wanted: list[str]) -> None:
    offered = [t.strip() for t in native.locator("option").all_inner_texts()]
    missing = [v for v in wanted if v not in offered]
    if missing:
        raise NotOnScreen(f"option {missing[0]!r} is not offered")
    native.select_option(label=wanted)


def _one(value: FieldValue) -> str:
    """A single select given a one-item list takes its item (the bundle may hold a list)."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        return value[0]
    if isinstance(value, str):
        return value
    raise NotOnScreen(f"a single select takes one option, not {value!r}")


class _Select(SameValue):
    kind: Kind = "select"

    def detect(self, profile: PortalProfile) -> Marker:
        return Marker(f"select, {profile.selector('select')}")

    def set(self, control: Control, value: FieldValue) -> None:
        wanted = _one(value)
        native = _native(control.item)
        if native is not None:
            _select_native(native, [wanted])
            return
        select = control.item.locator(control.profile.selector("select")).first
        choose_option(control.page, select, control.profile, wanted, control.label)

    def read(self, control: Control) -> FieldValue | None:
        native = _native(control.item)
        if native is not None:
            texts: list[str] = native.evaluate(_SELECTED_TEXTS)
            return texts[0] if texts else ""
        return control.item.locator("input").first.input_value()

    def compare(self, control: Control, expected: FieldValue, actual: FieldValue | None) -> bool:
        return _one(expected) == actual


class _MultiSelect(SameValue):
    kind: Kind = "multiselect"

    def detect(self, profile: PortalProfile) -> Marker:
        return Marker(f"select[multiple], {profile.selector('select')} {profile.selector('select_multiple')}")

    def set(self, control: Control, value: FieldValue) -> None:
        wanted = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        page, item, profile = control.page, control.item, control.profile
        native = _native(item)
        if native is not None:
            _select_native(native, wanted)
            return
        current = self._tags(control)
        for unwanted in [v for v in current if v not in wanted]:
            tag = item.locator(profile.selector("select_tag")).filter(has_text=exact_text(unwanted))
            tag.locator(profile.selector("tag_close")).click()
        missing = [v for v in wanted if v not in current]
        if not missing:
            return
        dropdown = _open_dropdown(page, item.locator(profile.selector("select")).first, profile)
        for one in missing:
            _pick(page, dropdown, profile, one, control.label)
            self._until_tagged(control, dropdown, one)
        _close(page, profile, control.label)

    def _until_tagged(self, control: Control, dropdown: Locator, value: str) -> None:
        """A pick counts once its tag shows; a click the list did not take (it can miss on a busy page
        while the list settles) is repeated once, only if the option is still not marked chosen."""
        profile = control.profile
        tag = control.item.locator(profile.selector("select_tag")).filter(has_text=exact_text(value))
        try:
            expect(tag).to_have_count(1, timeout=_TAG_TIMEOUT_MS)
            return
        except AssertionError:
            chosen = dropdown.locator(profile.selector("select_option_chosen"))
            if chosen.filter(has_text=exact_text(value)).count() == 0:
                _option(dropdown, profile, value).click()
        expect(tag).to_have_count(1)

    def _tags(self, control: Control) -> list[str]:
        tags = control.item.locator(control.profile.selector("select_tag"))
        return [t.strip() for t in tags.all_inner_texts() if t.strip()]

    def read(self, control: Control) -> FieldValue | None:
        native = _native(control.item)
        if native is not None:
            texts: list[str] = native.evaluate(_SELECTED_TEXTS)
            return texts
        return self._tags(control)


SELECT = _Select()
MULTISELECT = _MultiSelect()
