"""Drivers for the portal's controls, native or Element-UI-style, found by visible label."""

from __future__ import annotations

from flows.widgets.collapse import open_section
from flows.widgets.form import FieldSpec, FieldValue, Form, same_value
from flows.widgets.kinds import FieldKind, count_and_detect
from flows.widgets.locate import exact_text, form_item, section_scope
from flows.widgets.tree import TreeDriver

__all__ = [
    "FieldKind",
    "FieldSpec",
    "FieldValue",
    "Form",
    "TreeDriver",
    "count_and_detect",
    "exact_text",
    "form_item",
    "open_section",
    "same_value",
    "section_scope",
]
