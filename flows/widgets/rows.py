"""Repeated rows behind a "+ 添加" button (技术服务访问方式, 技术服务对象).

Rows have no labels of their own, so their controls are found by placeholder, as a person reads them.
"""

from __future__ import annotations

from collections.abc import Sequence

from playwright.sync_api import Locator, Page, expect

from agent.bundle.fields import Kind
from agent.errors import NotOnScreen
from agent.profile import PortalProfile
from flows.values import FieldValue
from flows.widgets.driver import Control, Marker, SameValue
from flows.widgets.locate import by_role
from flows.widgets.select import choose_option

__all__ = ["ROWS", "read_rows", "set_rows"]


def _rows(item: Locator, profile: PortalProfile, first_placeholder: str) -> Locator:
    # A row is the smallest block around one occurrence of its first control.
    control = item.get_by_placeholder(first_placeholder, exact=True)
    return control.locator("xpath=ancestor::*[.//button][1]")


def _add_button(item: Locator, profile: PortalProfile) -> Locator:
    return by_role(item, "button", profile.text("add_row"))


def _controls(row: Locator, placeholders: Sequence[str]) -> list[Locator]:
    return [row.get_by_placeholder(p, exact=True) for p in placeholders]


def set_rows(
    page: Page,
    item: Locator,
    profile: PortalProfile,
    placeholders: Sequence[str],
    values: Sequence[Sequence[str]],
) -> None:
    """Make the rows read ``values``: add or remove rows, then fill each control by its placeholder."""
    rows = _rows(item, profile, placeholders[0])
    while rows.count() < len(values):
        before = rows.count()
        _add_button(item, profile).click()
        expect(rows).to_have_count(before + 1)
    while rows.count() > len(values):
        before = rows.count()
        by_role(rows.last, "button", profile.text("remove_row")).click()
        expect(rows).to_have_count(before - 1)
    for index, row_values in enumerate(values):
        row = rows.nth(index)  # rows are positional by nature: the portal keeps them in order
        controls = zip(placeholders, _controls(row, placeholders), row_values, strict=True)
        for control_placeholder, control, value in controls:
            if control.get_attribute("readonly") is not None:
                own_input = page.get_by_placeholder(control_placeholder, exact=True)
                select = row.locator(profile.selector("select")).filter(has=own_input)
                choose_option(page, select, profile, value)
            else:
                control.fill(value)
                control.blur()


def read_rows(item: Locator, profile: PortalProfile, placeholders: Sequence[str]) -> list[list[str]]:
    rows = _rows(item, profile, placeholders[0])
    return [[c.input_value() for c in _controls(rows.nth(i), placeholders)] for i in range(rows.count())]


class _Rows(SameValue):
    kind: Kind = "rows"

    def detect(self, profile: PortalProfile) -> Marker:
        return Marker("button", profile.text("add_row"))

    def set(self, control: Control, value: FieldValue) -> None:
        if not isinstance(value, list) or not control.row_placeholders:
            raise NotOnScreen(f"repeated rows take a list of rows and their placeholders, not {value!r}")
        rows = [[str(c) for c in row] if isinstance(row, list) else [str(row)] for row in value]
        set_rows(control.page, control.item, control.profile, control.row_placeholders, rows)

    def read(self, control: Control) -> FieldValue | None:
        rows = read_rows(control.item, control.profile, control.row_placeholders)
        return [row[0] for row in rows] if len(control.row_placeholders) == 1 else list(rows)


ROWS = _Rows()
