"""How a bundle field carries its portal label, and how flows read a section field by field.

A model field is declared once, with ``portal_field("算法简介", "textarea", max_chars=200)``; the label,
the control kind, the vocabulary and the limits all live in that one declaration. Validation, error
messages, the ``init`` skeleton and the flows read them from there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import BaseModel, Field

__all__ = [
    "ExtraFile",
    "FieldMeta",
    "FormEntry",
    "Kind",
    "format_path",
    "iter_fields",
    "kind_of",
    "label_of",
    "meta_of",
    "portal_field",
    "toml_key",
]

# "section" is a nested table (its fields are iterated on their own); "tree" is the product tree of
# step 3; the rest are the control kinds the widget drivers know (flows/widgets registers one driver
# per kind: this is the one vocabulary both sides use).
Kind = Literal[
    "text",
    "textarea",
    "select",
    "multiselect",
    "cascader",
    "date",
    "radio",
    "checkbox",
    "upload",
    "rows",
    "section",
    "tree",
]
# Format checks a text field may ask for, implemented in ``agent.bundle.checks``.
Check = Literal["uscc", "id_number", "certificate", "mobile", "email", "url", "nav_path", "account"]

YES, NO = "是", "否"
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class FieldMeta:
    label: str
    kind: Kind
    vocab: str | None = None  # key of the profile's [vocab] table
    max_chars: int | None = None
    check: Check | None = None
    hint: str = ""


@dataclass(frozen=True)
class ExtraFile:
    """An ``extra`` attachment: ``{ file = "attachments/x.pdf" }``."""

    file: str


@dataclass(frozen=True)
class FormEntry:
    """One field as a flow fills it: find the control by ``label`` and set ``value`` with the ``kind`` driver.

    Values are what the screen shows: 是/否 for booleans, option texts for choices, ``date`` for dates,
    absolute ``Path`` for uploads, a list of ``{label: text}`` dicts for rows of several columns.
    """

    path: str
    label: str
    value: Any
    kind: Kind
    vocab: str | None = None
    extra: bool = False  # declared in the bundle's ``extra`` table, not in the model


def toml_key(key: str) -> str:
    """A key as TOML writes it: bare when it can be, quoted otherwise (every Chinese label)."""
    return key if _BARE_KEY.fullmatch(key) else f'"{key}"'


def format_path(loc: Sequence[str | int]) -> str:
    """``("products", "select", 0, "path")`` -> ``products.select[0].path``; non-ASCII keys are quoted."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{toml_key(part)}" if text else toml_key(part)
    return text


def portal_field(
    label: str,
    kind: Kind,
    *,
    default: Any = ...,
    vocab: str | None = None,
    max_chars: int | None = None,
    check: Check | None = None,
    hint: str = "",
    **constraints: Any,
) -> Any:
    """A pydantic ``Field`` that remembers its on-screen label and control kind."""
    extra: dict[str, Any] = {"label": label, "kind": kind}
    if vocab is not None:
        extra["vocab"] = vocab
    if max_chars is not None:
        extra["max_chars"] = max_chars
    if check is not None:
        extra["check"] = check
    if hint:
        extra["hint"] = hint
    if "default_factory" in constraints:
        return Field(description=hint or None, json_schema_extra=extra, **constraints)
    return Field(default, description=hint or None, json_schema_extra=extra, **constraints)


def meta_of(model: type[BaseModel], name: str) -> FieldMeta:
    info = model.model_fields[name]
    raw = info.json_schema_extra
    if not isinstance(raw, dict) or "label" not in raw:
        raise KeyError(f"{model.__name__}.{name} was not declared with portal_field()")
    return FieldMeta(
        label=cast(str, raw["label"]),
        kind=cast(Kind, raw["kind"]),
        vocab=cast("str | None", raw.get("vocab")),
        max_chars=cast("int | None", raw.get("max_chars")),
        check=cast("Check | None", raw.get("check")),
        hint=cast(str, raw.get("hint", "")),
    )


def label_of(model: type[BaseModel], name: str) -> str:
    """The canonical portal label: ``label_of(AlgorithmData, "intro") == "算法简介"``."""
    return meta_of(model, name).label


def kind_of(model: type[BaseModel], name: str) -> Kind:
    return meta_of(model, name).kind


def screen_value(value: Any, kind: Kind, directory: Path | None) -> Any:
    """A model value as the portal shows it."""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, ExtraFile):
        value = value.file
    if kind == "upload" and isinstance(value, str) and directory is not None:
        return (directory / value).resolve()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, BaseModel):
        row = type(value)
        return {
            label_of(row, n): screen_value(getattr(value, n), kind_of(row, n), directory)
            for n in row.model_fields
        }
    if isinstance(value, list):
        return [screen_value(v, kind, directory) for v in value]
    return value


def extra_kind(value: Any) -> Kind:
    """The control an ``extra`` value fills: "text" covers both one-line inputs and text areas."""
    if isinstance(value, bool):
        return "radio"
    if isinstance(value, date):
        return "date"
    if isinstance(value, list):
        return "multiselect"
    if isinstance(value, ExtraFile):
        return "upload"
    return "text"


def iter_fields(section: BaseModel, prefix: str, directory: Path | None = None) -> Iterator[FormEntry]:
    """The fields of one section in model order, then its ``extra`` entries; nested sections are skipped.

    Optional fields left out of the bundle are skipped too: there is nothing to fill.
    """
    model = type(section)
    for name in model.model_fields:
        if name == "extra":
            continue
        meta = meta_of(model, name)
        value = getattr(section, name)
        if meta.kind == "section" or value is None:
            continue
        yield FormEntry(
            path=f"{prefix}.{name}" if prefix else name,
            label=meta.label,
            value=screen_value(value, meta.kind, directory),
            kind=meta.kind,
            vocab=meta.vocab,
        )
    extras: dict[str, Any] = getattr(section, "extra", None) or {}
    for label, value in extras.items():
        kind = extra_kind(value)
        yield FormEntry(
            path=f"{prefix}.extra.{toml_key(label)}" if prefix else f"extra.{toml_key(label)}",
            label=label,
            value=screen_value(value, kind, directory),
            kind=kind,
            extra=True,
        )
