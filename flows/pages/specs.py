"""From the bundle's field entries to what the widget drivers fill."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from agent.bundle import FormEntry
from flows.widgets import FieldSpec, FieldValue

__all__ = ["spec_of"]


def _value(value: object) -> FieldValue:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Path | str | bool):
        return value
    if isinstance(value, list):
        if all(isinstance(v, dict) for v in value):
            return [[str(c) for c in row.values()] for row in value]
        return [str(v) for v in value]
    return str(value)


def spec_of(entry: FormEntry, row_placeholders: tuple[str, ...] = ()) -> FieldSpec:
    return FieldSpec(
        path=entry.path, label=entry.label, value=_value(entry.value), row_placeholders=row_placeholders
    )
