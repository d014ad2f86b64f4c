"""Drivers for the portal's controls, native or Element UI, found by visible label.

One driver per widget kind (``flows.widgets.registry``), each behind the small protocol of
``flows.widgets.driver``: detect, set, read, compare.
"""

from __future__ import annotations

from flows.widgets.collapse import open_section
from flows.widgets.driver import Control, Driver, Marker
from flows.widgets.form import FieldSpec, FieldValue, Filled, Form
from flows.widgets.locate import (
    by_role,
    exact_text,
    form_item,
    readable,
    readable_line,
    role_name,
    section_scope,
)
from flows.widgets.registry import DRIVERS, count_and_detect, driver_for
from flows.widgets.tree import TreeDriver

__all__ = [
    "DRIVERS",
    "Control",
    "Driver",
    "FieldSpec",
    "FieldValue",
    "Filled",
    "Form",
    "Marker",
    "TreeDriver",
    "by_role",
    "count_and_detect",
    "driver_for",
    "exact_text",
    "form_item",
    "open_section",
    "readable",
    "readable_line",
    "role_name",
    "section_scope",
]
