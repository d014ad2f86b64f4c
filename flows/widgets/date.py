"""Dates: typed into the date editor (or a native date input) and confirmed with Enter."""

from __future__ import annotations

from playwright.sync_api import expect

from agent.bundle.fields import Kind
from agent.errors import NotOnScreen
from agent.profile import PortalProfile
from flows.values import FieldValue
from flows.widgets.driver import Control, Marker, SameValue

__all__ = ["DATE"]


class _Date(SameValue):
    kind: Kind = "date"

    def detect(self, profile: PortalProfile) -> Marker:
        return Marker(f"{profile.selector('date_editor')}, input[type=date]")

    def set(self, control: Control, value: FieldValue) -> None:
        if not isinstance(value, str):
            raise NotOnScreen(f"a date field takes a date, not {value!r}")
        box = control.item.locator("input").first
        box.fill(value)
        box.press("Enter")
        panel = control.page.locator(control.profile.selector("date_panel")).filter(visible=True)
        expect(panel).to_have_count(0)

    def read(self, control: Control) -> FieldValue | None:
        return control.item.locator("input").first.input_value()


DATE = _Date()
