"""One-line inputs and text areas: typed into, then left (Element UI validates on blur)."""

from __future__ import annotations

from playwright.sync_api import Locator

from agent.bundle.fields import Kind
from agent.errors import NotOnScreen
from agent.profile import PortalProfile
from flows.values import FieldValue
from flows.widgets.driver import Control, Marker, SameValue

__all__ = ["TEXT", "TEXTAREA", "text_control"]


def text_control(item: Locator) -> Locator:
    return item.locator("textarea, input:not([type=hidden]):not([type=file]):not([type=radio])").first


class _Text(SameValue):
    def __init__(self, kind: Kind, css: str) -> None:
        self.kind, self._css = kind, css

    def detect(self, profile: PortalProfile) -> Marker:
        return Marker(self._css)

    def set(self, control: Control, value: FieldValue) -> None:
        if not isinstance(value, str):
            raise NotOnScreen(f"a {self.kind} field takes text, not {type(value).__name__}")
        box = text_control(control.item)
        box.fill(value)
        box.blur()

    def read(self, control: Control) -> FieldValue | None:
        return text_control(control.item).input_value()


TEXTAREA = _Text("textarea", "textarea")
TEXT = _Text("text", "input:not([type=hidden])")
