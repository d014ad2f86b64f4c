"""Bundle problems as users read them: the bundle path, the portal label, what is wrong and how to fix it.

Exceptions::

    BundleInvalid   -- load_bundle() found problems; .errors lists every one of them
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from agent.bundle.base import ERROR_TYPE, toml_type
from agent.bundle.fields import format_path, meta_of
from agent.redact import redact_text

__all__ = ["BundleError", "BundleInvalid", "BundleWarning", "format_path", "mask_personal", "translate"]


_ID_15 = re.compile(r"(?<![0-9A-Za-z])(\d{4})(\d{7})(\d{4})(?![0-9A-Za-z])")  # first-generation ID cards
_ANY_MOBILE = re.compile(r"(?<![0-9A-Za-z])(1\d{2})(\d{4})(\d{4})(?![0-9A-Za-z])")  # 1 and 10 digits


def mask_personal(text: str) -> str:
    """``agent.redact``'s masking, plus the shapes a mistyped bundle value takes: 15-digit IDs, 1xx mobiles.

    ``\\d`` matches full-width and other-script digits too, so those are masked as well.
    """
    text = redact_text(text)
    text = _ID_15.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)
    return _ANY_MOBILE.sub(lambda m: m.group(1) + "****" + m.group(3), text)


@dataclass(frozen=True)
class BundleError:
    """One problem. Every field is masked on creation: a value typed into the wrong field (an e-mail as
    版本号, an ID number as an ``extra`` key) is shown in its path, its label or its message."""

    path: str  # bundle path, e.g. "algorithm.data.intro"; "filing.toml" for the file itself
    label: str  # the portal label, e.g. "算法简介"; "" when the problem is not one field's
    message: str  # what is wrong, then " — " and how to fix it

    def __post_init__(self) -> None:
        for name in ("path", "label", "message"):
            object.__setattr__(self, name, mask_personal(getattr(self, name)))

    def __str__(self) -> str:
        where = f"{self.path} ({self.label})" if self.label else self.path
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class BundleWarning(BundleError):
    """Something the portal's reviewers would query, in a bundle that is valid all the same."""


class BundleInvalid(Exception):
    def __init__(self, errors: Sequence[BundleError]) -> None:
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} problem(s) in the bundle")


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model inside ``X``, ``X | None`` or ``list[X]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list):
        for arg in typing.get_args(annotation):
            found = _model_of(arg)
            if found is not None:
                return found
    return None


@dataclass(frozen=True)
class _Place:
    path: str
    label: str
    owner: type[BaseModel] | None  # the model holding the last key, if the key is a field or unknown
    section_label: str


def _locate(root: type[BaseModel], loc: Sequence[str | int]) -> _Place:
    model: type[BaseModel] | None = root
    label = section_label = ""
    owner: type[BaseModel] | None = None
    in_extra = False
    for part in loc:
        if isinstance(part, int):
            continue
        owner = model
        if in_extra:
            label, model = part, None  # an extra entry is keyed by its label
        elif model is not None and part in model.model_fields:
            meta = meta_of(model, part)
            in_extra = part == "extra"
            label = section_label if in_extra else meta.label
            if meta.kind in ("section", "tree") and not in_extra:
                section_label = meta.label
            model = _model_of(model.model_fields[part].annotation)
        else:
            model = None
    return _Place(format_path(loc), label, owner, section_label)


def _got(error: ErrorDetails) -> str:
    return toml_type(error.get("input"))


def _parent(loc: Sequence[str | int]) -> str:
    parent = format_path(loc[:-1])
    return f"[{parent}]" if parent else "the top of filing.toml"


def _message(error: ErrorDetails, place: _Place, loc: Sequence[str | int]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    key = str(loc[-1]) if loc else ""
    if kind == ERROR_TYPE:
        return str(ctx["message"])
    if kind == "missing":
        return f"is required — add {key} to {_parent(loc)}"
    if kind == "extra_forbidden":
        known = list(place.owner.model_fields) if place.owner else []
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"remove it (known keys: {', '.join(known)})"
        return f"unknown key '{key}' — {hint}"
    if kind == "string_type":
        return f'must be a text in quotes, got {_got(error)} — write {key} = "…"'
    if kind == "bool_type":
        return f"must be true (是) or false (否), got {_got(error)} — write {key} = true or {key} = false"
    if kind in ("float_type", "int_type", "finite_number"):
        return f"must be a number, got {_got(error)} — write e.g. {key} = 1200"
    if kind == "list_type":
        return f'must be a list, got {_got(error)} — write {key} = ["…"]'
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"must be a table, got {_got(error)} — write it as [{place.path}] with its keys below"
    if kind == "greater_than_equal":
        return f"must be {ctx.get('ge', 0):g} or more, got {error.get('input')} — correct the value"
    if kind == "too_short":
        need, has = ctx.get("min_length", 1), ctx.get("actual_length", 0)
        return f"needs at least {need} entr{'y' if need == 1 else 'ies'}, has {has} — add one"
    if kind == "too_long":
        most, has = ctx.get("max_length"), ctx.get("actual_length")
        return f"has {has} entries, at most {most} allowed — remove {int(has or 0) - int(most or 0)}"
    return f"{error['msg']} — correct the value"


def translate(exc: ValidationError, root: type[BaseModel]) -> list[BundleError]:
    errors: list[BundleError] = []
    for error in exc.errors():
        loc = list(error["loc"])
        place = _locate(root, loc)
        label = place.section_label if error["type"] == "extra_forbidden" else place.label
        errors.append(BundleError(place.path, label, _message(error, place, loc)))
    return errors
