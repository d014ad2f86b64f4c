"""Filling a form by label: find the item, learn its kind from the page, set the value, read it back."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from agent import progress
from agent.errors import NotOnScreen
from agent.profile import PortalProfile
from flows.widgets import controls
from flows.widgets.kinds import FieldKind, count_and_detect
from flows.widgets.locate import form_item
from flows.widgets.rows import read_rows, set_rows

__all__ = ["FieldSpec", "FieldValue", "Form", "same_value"]

FieldValue = str | bool | Path | list[str] | list[list[str]]


@dataclass(frozen=True)
class FieldSpec:
    """One value to put on screen: where it came from in the bundle and the label it sits under."""

    path: str
    label: str
    value: FieldValue
    # Placeholders of the controls in one row, for repeated rows (which have no labels of their own).
    row_placeholders: tuple[str, ...] = ()


def _yes_no(profile: PortalProfile, value: bool) -> str:
    yes, no = profile.options("yes_no")[:2]
    return yes if value else no


def same_value(kind: FieldKind, expected: FieldValue, actual: FieldValue | None) -> bool:
    if kind is FieldKind.MULTISELECT and isinstance(expected, list) and isinstance(actual, list):
        return sorted(map(str, expected)) == sorted(map(str, actual))
    if kind is FieldKind.UPLOAD and isinstance(expected, Path):
        return isinstance(actual, str) and expected.name in actual
    return expected == actual


class Form:
    """A form on one page (or inside one section of it)."""

    def __init__(self, page: Page, profile: PortalProfile, *, upload_timeout_ms: float = 60_000) -> None:
        self.page = page
        self.profile = profile
        self.upload_timeout_ms = upload_timeout_ms

    def item(self, label: str, scope: Locator | None = None) -> Locator:
        return self._locate(label, scope)[0]

    def _locate(self, label: str, scope: Locator | None) -> tuple[Locator, FieldKind]:
        """The one form item labelled ``label`` and the kind of control it holds."""
        items = form_item(scope if scope is not None else self.page, self.profile.label(label), self.profile)
        count, kind = count_and_detect(items, self.profile)
        if count == 0:
            with contextlib.suppress(AssertionError):
                # Pages draw their forms after their data arrives: give the label time to appear.
                expect(items.first).to_be_visible()
            count, kind = count_and_detect(items, self.profile)
        if count != 1 or kind is None:
            where = "on the page" if scope is None else "in this section"
            raise NotOnScreen(f"found {count} fields labelled {self.profile.label(label)!r} {where}")
        return items, kind

    def on_screen(self, spec: FieldSpec, kind: FieldKind) -> FieldValue:
        """The bundle's value as the control shows it (是/否 for booleans on radios)."""
        if isinstance(spec.value, bool) and kind is FieldKind.RADIO:
            return _yes_no(self.profile, spec.value)
        return spec.value

    def fill(self, spec: FieldSpec, scope: Locator | None = None) -> FieldKind:
        item, kind = self._locate(spec.label, scope)
        self._set(item, kind, spec)
        return kind

    def read(self, spec: FieldSpec, kind: FieldKind, scope: Locator | None = None) -> FieldValue | None:
        return self._get(self.item(spec.label, scope), kind, spec)

    def fill_and_read(
        self, spec: FieldSpec, scope: Locator | None = None
    ) -> tuple[FieldKind, FieldValue | None]:
        """Fill the field, then read back what the page now shows in it (one lookup of the field)."""
        item, kind = self._locate(spec.label, scope)
        self._set(item, kind, spec)
        return kind, self._get(item, kind, spec)

    def _set(self, item: Locator, kind: FieldKind, spec: FieldSpec) -> None:
        value = self.on_screen(spec, kind)
        match kind, value:
            case FieldKind.TEXT | FieldKind.TEXTAREA, str():
                controls.set_text(item, value)
            case FieldKind.SELECT, str():
                controls.set_select(self.page, item, self.profile, value)
            case FieldKind.MULTISELECT, list():
                controls.set_multiselect(self.page, item, self.profile, [str(v) for v in value])
            case FieldKind.DATE, str():
                controls.set_date(self.page, item, self.profile, value)
            case FieldKind.RADIO, str():
                controls.set_radio(item, value)
            case FieldKind.CHECKBOX, bool():
                controls.set_checkbox(item, value)
            case FieldKind.UPLOAD, Path():
                progress.action(f"{self.profile.text('upload')} {spec.label}")
                controls.set_upload(item, self.profile, value, self.upload_timeout_ms)
            case FieldKind.ROWS, list():
                set_rows(self.page, item, self.profile, spec.row_placeholders, _rows_of(value))
            case _:
                raise NotOnScreen(
                    f"{spec.path}: the page shows a {kind} control under {spec.label!r}, "
                    f"which cannot take a {type(spec.value).__name__} value"
                )

    def _get(self, item: Locator, kind: FieldKind, spec: FieldSpec) -> FieldValue | None:
        match kind:
            case FieldKind.TEXT | FieldKind.TEXTAREA:
                return controls.read_text(item)
            case FieldKind.SELECT:
                return controls.read_select(item)
            case FieldKind.MULTISELECT:
                return controls.read_multiselect(item, self.profile)
            case FieldKind.DATE:
                return controls.read_date(item)
            case FieldKind.RADIO:
                return controls.read_radio(item)
            case FieldKind.CHECKBOX:
                return controls.read_checkbox(item)
            case FieldKind.UPLOAD:
                return controls.read_upload(item, self.profile)
            case FieldKind.ROWS:
                rows = read_rows(item, self.profile, spec.row_placeholders)
                return [row[0] for row in rows] if len(spec.row_placeholders) == 1 else list(rows)
            case _:
                raise NotOnScreen(f"{spec.path}: cannot read a {kind} control under {spec.label!r}")


def _rows_of(value: Sequence[object]) -> list[list[str]]:
    return [[str(c) for c in row] if isinstance(row, list) else [str(row)] for row in value]
