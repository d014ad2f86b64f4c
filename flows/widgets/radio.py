"""Radio groups: the option is clicked by its visible name (是/否 come from the profile)."""

from __future__ import annotations

from agent.bundle.fields import Kind
from agent.errors import NotOnScreen
from agent.profile import PortalProfile
from flows.values import FieldValue
from flows.widgets.driver import Control, Marker, SameValue
from flows.widgets.locate import by_role

__all__ = ["RADIO"]


class _Radio(SameValue):
    kind: Kind = "radio"

    def detect(self, profile: PortalProfile) -> Marker:
        return Marker("[role=radiogroup], input[type=radio]")

    def set(self, control: Control, value: FieldValue) -> None:
        if not isinstance(value, str):
            raise NotOnScreen(f"a radio group takes one option, not {value!r}")
        by_role(control.item, "radio", value).click()

    def read(self, control: Control) -> FieldValue | None:
        checked = control.item.locator(
            "[role=radio][aria-checked=true], label:has(input[type=radio]:checked)"
        )
        texts = [t.strip() for t in checked.all_inner_texts()]
        return texts[0] if texts else None


RADIO = _Radio()
