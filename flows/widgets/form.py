"""Filling a form by label: find the item, learn its kind from the page, set the value, read it back."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from playwright.sync_api import Locator, Page, expect

from agent import progress
from agent.bundle.fields import Kind
from agent.errors import NotOnScreen
from agent.profile import PortalProfile
from flows import values
from flows.values import FieldValue
from flows.widgets.driver import Control, Driver
from flows.widgets.locate import form_item
from flows.widgets.registry import count_and_detect

__all__ = ["FieldSpec", "FieldValue", "Filled", "Form"]


@dataclass(frozen=True)
class FieldSpec:
    """One value to put on screen: where it came from in the bundle and the label it sits under."""

    path: str
    label: str
    value: object
    # Placeholders of the controls in one row, for repeated rows (which have no labels of their own).
    row_placeholders: tuple[str, ...] = ()


@dataclass(frozen=True)
class Filled:
    """What filling one field found: its kind, the value as the page should show it, what it shows."""

    kind: Kind
    expected: FieldValue
    actual: FieldValue | None
    matches: bool


class Form:
    """A form on one page (or inside one section of it)."""

    def __init__(self, page: Page, profile: PortalProfile, *, upload_timeout_ms: float = 60_000) -> None:
        self.page = page
        self.profile = profile
        self.upload_timeout_ms = upload_timeout_ms

    def item(self, label: str, scope: Locator | None = None) -> Locator:
        return self._locate(label, scope)[0]

    def count(self, label: str, scope: Locator | None = None) -> int:
        """How many visible form items carry ``label`` (in ``scope``), without waiting."""
        items = form_item(scope if scope is not None else self.page, self.profile.label(label), self.profile)
        return items.count()

    def _locate(self, label: str, scope: Locator | None) -> tuple[Locator, Driver]:
        """The one form item labelled ``label`` and the driver of the control it holds."""
        items = form_item(scope if scope is not None else self.page, self.profile.label(label), self.profile)
        count, driver = count_and_detect(items, self.profile)
        if count == 0:
            with contextlib.suppress(AssertionError):
                # Pages draw their forms after their data arrives: give the label time to appear.
                expect(items.first).to_be_visible()
            count, driver = count_and_detect(items, self.profile)
        if count != 1 or driver is None:
            where = "on the page" if scope is None else "in this section"
            raise NotOnScreen(f"found {count} fields labelled {self.profile.label(label)!r} {where}")
        return items, driver

    def _control(self, item: Locator, spec: FieldSpec) -> Control:
        return Control(self.page, item, self.profile, self.upload_timeout_ms, spec.row_placeholders)

    def _announce(self, kind: Kind, spec: FieldSpec) -> None:
        if kind == "upload":
            progress.action(f"{self.profile.text('upload')} {spec.label}")

    def fill(self, spec: FieldSpec, scope: Locator | None = None) -> Kind:
        item, driver = self._locate(spec.label, scope)
        self._announce(driver.kind, spec)
        driver.set(self._control(item, spec), values.screen_value(spec.value, driver.kind, self.profile))
        return driver.kind

    def read(self, spec: FieldSpec, scope: Locator | None = None) -> FieldValue | None:
        item, driver = self._locate(spec.label, scope)
        return driver.read(self._control(item, spec))

    def read_and_compare(self, spec: FieldSpec, scope: Locator | None = None) -> Filled:
        """Read what the page shows in the field and compare it with ``spec``'s value, filling nothing."""
        item, driver = self._locate(spec.label, scope)
        control = self._control(item, spec)
        expected = values.screen_value(spec.value, driver.kind, self.profile)
        actual = driver.read(control)
        return Filled(driver.kind, expected, actual, driver.compare(control, expected, actual))

    def fill_and_read(self, spec: FieldSpec, scope: Locator | None = None) -> Filled:
        """Fill the field, then read back what the page now shows in it (one lookup of the field)."""
        item, driver = self._locate(spec.label, scope)
        control = self._control(item, spec)
        expected = values.screen_value(spec.value, driver.kind, self.profile)
        self._announce(driver.kind, spec)
        try:
            driver.set(control, expected)
        except NotOnScreen as exc:
            raise NotOnScreen(f"{spec.path} ({spec.label}): {exc}") from None
        actual = driver.read(control)
        return Filled(driver.kind, expected, actual, driver.compare(control, expected, actual))
