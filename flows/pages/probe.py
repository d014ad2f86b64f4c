"""Looking at a page without touching it: which of the expected texts a person would see on it.

Used by ``beian-agent probe``. Nothing here clicks anything that writes; the only clicks are opening
and closing the header's dropdown and the step's collapsible sections, and choosing a role on step 1
of the wizard (a choice on the form, never saved).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from playwright.sync_api import ElementHandle, Locator, expect
from playwright.sync_api import Error as PlaywrightError

from flows.pages.base import PortalPage
from flows.pages.tables import list_rows, loaded
from flows.widgets import by_role
from flows.widgets.locate import contains_text, exact_text, form_item

__all__ = ["Expected", "ProbePage"]


@dataclass(frozen=True)
class Expected:
    """One thing to look for: any of ``alternatives`` ((text, is_placeholder) pairs) being visible."""

    key: str
    alternatives: tuple[tuple[str, bool], ...]

    @property
    def text(self) -> str:
        return "|".join(text for text, _ in self.alternatives)


class ProbePage(PortalPage):
    def locator(self, expected: Expected) -> Locator:
        found: Locator | None = None
        for text, placeholder in expected.alternatives:
            one = (
                self.page.get_by_placeholder(text, exact=True)
                if placeholder
                # A text may be part of a longer one (状态：未填报), as a person reads it.
                else self.page.get_by_text(contains_text(text))
            ).filter(visible=True)
            found = one if found is None else found.or_(one)
        assert found is not None, expected.key
        return found.first

    def wait_for_any(self, expected: Sequence[Expected], timeout_ms: float) -> bool:
        """Wait until any expected text is visible (the page has drawn); False after ``timeout_ms``."""
        if not expected:
            return True
        anchor = self.locator(expected[0])
        for other in expected[1:]:
            anchor = anchor.or_(self.locator(other))
        try:
            expect(anchor.first).to_be_visible(timeout=timeout_ms)
        except AssertionError:
            return False
        return True

    def missing(self, expected: Sequence[Expected], settle_ms: float) -> list[Expected]:
        """The expected texts not visible; all of them together wait at most ``settle_ms`` for late parts."""
        deadline = time.monotonic() + settle_ms / 1000
        absent: list[Expected] = []
        for item in expected:
            target = self.locator(item)
            if target.count() > 0:
                continue
            remaining = max(1.0, (deadline - time.monotonic()) * 1000)
            try:
                expect(target).to_be_visible(timeout=remaining)
            except AssertionError:
                absent.append(item)
        return absent

    def handle_of(self, expected: Sequence[Expected]) -> ElementHandle | None:
        """An element of the first visible expected text, to see the page go away after a click."""
        for item in expected:
            target = self.locator(item)
            if target.count() > 0:
                try:
                    return target.element_handle(timeout=1_000)
                except PlaywrightError:
                    return None
        return None

    @staticmethod
    def wait_gone(handle: ElementHandle | None, timeout_ms: float) -> None:
        if handle is None:
            return
        try:
            handle.wait_for_element_state("hidden", timeout=timeout_ms)
        except PlaywrightError:
            pass  # the next page's own texts decide what is missing
        finally:
            handle.dispose()

    # -- what variant of a page is on screen, judged by structure, not by texts -----------------
    def has_editable_form(self) -> bool:
        items = self.page.locator(self.profile.selector("form_item"))
        return items.locator("input, textarea").filter(visible=True).count() > 0

    def has_table(self) -> bool:
        return self.page.locator(self.profile.selector("table")).filter(visible=True).count() > 0

    def _list(self) -> Locator:
        """The visible list keyed by algorithm name, once its rows (or its empty text) are drawn.

        Headings come first and rows when the list call answers, under a loading mask meanwhile: read
        too early, a list with drafts reads as empty.
        """
        heading = self.page.get_by_text(exact_text(self.profile.column("algorithm_name")))
        table = self.page.locator(self.profile.selector("table")).filter(visible=True).filter(has=heading)
        timeout = self.ctx.navigation_timeout_ms
        expect(table.first).to_be_visible(timeout=timeout)
        return loaded(table.first, self.profile, timeout)

    def rows(self) -> list[dict[str, str]]:
        """The body rows of the visible list, as {column heading: cell text}, after they have loaded."""
        return [row for row in list_rows(self._list()) if row]

    def row_button(self, index: int, key: str) -> Locator:
        """The button ``key`` of the list's row at ``index`` (from 0, as ``rows`` reads them)."""
        row = self._list().locator(self.profile.selector("table_row")).nth(index)
        return by_role(row, "button", self.profile.text(key))

    def choose_role(self, role: str) -> bool:
        """Pick ``role`` in step 1's 角色 choice, as a person does before saving; False if not there."""
        item = form_item(self.page, self.profile.label("角色"), self.profile)
        choice = by_role(item, "radio", role).filter(visible=True)
        if choice.count() == 0:
            choice = item.get_by_text(exact_text(role)).filter(visible=True)
        if choice.count() == 0:
            return False
        choice.first.click()
        return True

    def current_step(self) -> int:
        """The position (from 1) of the stepper's current step, by the stepper's structure; 0 if none."""
        titles = self.page.locator(self.profile.selector("step_title")).filter(visible=True).all()
        current = self.profile.selector("step_current")
        for position, title in enumerate(titles, start=1):
            if title.evaluate("(el, selector) => el.matches(selector)", current):
                return position
        return 0

    # -- harmless clicks ---------------------------------------------------------------------------
    def open_menu(self) -> bool:
        """Open the header's entity-name dropdown; False if it is not there."""
        trigger = self.page.locator(self.profile.selector("dropdown_trigger")).filter(visible=True)
        if trigger.count() == 0:
            return False
        trigger.first.click()
        menu = self.page.locator(self.profile.selector("dropdown_menu")).filter(visible=True)
        try:
            expect(menu).to_have_count(1, timeout=self.ctx.action_timeout_ms)
        except AssertionError:
            return False
        return True

    def close_menu(self) -> None:
        """Close the dropdown as a person does: Escape, then a click beside it if it is still open."""
        menu = self.page.locator(self.profile.selector("dropdown_menu")).filter(visible=True)
        self.page.keyboard.press("Escape")
        if menu.count() > 0:
            self.page.mouse.click(1, 1)
        expect(menu).to_have_count(0, timeout=self.ctx.action_timeout_ms)

    def open_sections(self) -> None:
        """Open every closed collapsible section, so the labels inside can be seen."""
        items = self.page.locator(self.profile.selector("collapse_item")).filter(visible=True)
        for item in items.all():
            tab = item.get_by_role("tab")
            if tab.count() != 1 or tab.get_attribute("aria-expanded") == "true":
                continue
            item.locator(self.profile.selector("collapse_header")).first.click()
            expect(tab).to_have_attribute("aria-expanded", "true")
