"""From the bundle's field entries to what the widget drivers fill (values become screen text in
``flows.values``, once the page has said which kind of control holds them)."""

from __future__ import annotations

from agent.bundle import FormEntry
from flows.widgets import FieldSpec

__all__ = ["spec_of"]


def spec_of(entry: FormEntry, row_placeholders: tuple[str, ...] = ()) -> FieldSpec:
    return FieldSpec(path=entry.path, label=entry.label, value=entry.value, row_placeholders=row_placeholders)
