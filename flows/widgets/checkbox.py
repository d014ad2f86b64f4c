"""A single checkbox: Element draws the real input at zero size, so people click the label around it."""

from __future__ import annotations

from playwright.sync_api import expect

from agent.bundle.fields import Kind
from agent.profile import PortalProfile
from flows.values import FieldValue
from flows.widgets.driver import Control, Marker, SameValue

__all__ = ["CHECKBOX"]


class _Checkbox(SameValue):
    kind: Kind = "checkbox"

    def detect(self, profile: PortalProfile) -> Marker:
        return Marker("input[type=checkbox]")

    def set(self, control: Control, value: FieldValue) -> None:
        wanted = bool(value)
        box = control.item.locator("input[type=checkbox]").first
        if box.is_checked() != wanted:
            wrapper = control.item.locator("label").filter(has=control.page.locator("input[type=checkbox]"))
            (wrapper.first if wrapper.count() else box).click()
        expect(box).to_be_checked(checked=wanted)

    def read(self, control: Control) -> FieldValue | None:
        return control.item.locator("input[type=checkbox]").first.is_checked()


CHECKBOX = _Checkbox()
