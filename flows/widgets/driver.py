"""The protocol every widget driver follows: detect its control in a form item, set, read, compare.

A driver handles one widget kind of the shared vocabulary (``agent.bundle.fields.Kind``). Adding a kind
is one module with one driver and one line in ``flows.widgets.registry``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Protocol

from playwright.sync_api import Locator, Page

from agent.bundle.fields import Kind
from agent.profile import PortalProfile
from flows import values
from flows.values import FieldValue

__all__ = ["Control", "Driver", "Marker"]


class Marker(NamedTuple):
    """What in a form item shows the kind: an element matching ``css`` (reading ``text``, if given)."""

    css: str
    text: str | None = None


@dataclass(frozen=True)
class Control:
    """One form item and what a driver needs to work on it."""

    page: Page
    item: Locator
    profile: PortalProfile
    upload_timeout_ms: float = 60_000
    # Placeholders of the controls in one repeated row (rows have no labels of their own).
    row_placeholders: tuple[str, ...] = ()

    @property
    def label(self) -> Locator:
        return self.item.locator(self.profile.selector("form_item_label")).first


class Driver(Protocol):
    kind: Kind

    def detect(self, profile: PortalProfile) -> Marker: ...

    def set(self, control: Control, value: FieldValue) -> None: ...

    def read(self, control: Control) -> FieldValue | None: ...

    def compare(self, control: Control, expected: FieldValue, actual: FieldValue | None) -> bool: ...


class SameValue:
    """The comparison most drivers share (``flows.values.same``)."""

    kind: Kind

    def compare(self, control: Control, expected: FieldValue, actual: FieldValue | None) -> bool:
        return values.same(self.kind, expected, actual, control.profile)
