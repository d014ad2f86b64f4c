"""The base of every bundle model: the rules a field's ``portal_field`` declaration asks for.

Checks run inside pydantic validation so that pydantic collects every problem of the whole bundle in one
pass; a rule that fails raises ``PydanticCustomError("bundle", …)`` whose message is final.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from agent.bundle import checks
from agent.bundle.attachments import attachment_problem, same_file_problem
from agent.bundle.fields import ExtraFile, FieldMeta, meta_of, portal_field
from agent.bundle.text import foreign_digits_problem, invisible_problem
from agent.profile import PortalProfile, default_profile

__all__ = [
    "ERROR_TYPE",
    "ExtraValue",
    "PortalDate",
    "PortalModel",
    "Section",
    "distinct_attachment",
    "fail",
    "toml_type",
]

ERROR_TYPE = "bundle"
ID_CARD = "居民身份证"  # GB 11643 applies to this certificate type only
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Checks whose values are numbers and codes typed from a card or licence: ASCII digits only.
_DIGIT_CHECKS = ("uscc", "id_number", "mobile", "certificate")


_TOML_TYPES = {
    "str": "a text",
    "int": "an integer",
    "float": "a number",
    "bool": "true/false",
    "list": "a list",
    "dict": "a table",
    "date": "a date",
    "datetime": "a date and time",
    "time": "a time",
}


def toml_type(value: Any) -> str:
    """How TOML calls the type of a parsed value."""
    return _TOML_TYPES.get(type(value).__name__, type(value).__name__)


def fail(message: str) -> PydanticCustomError:
    return PydanticCustomError(ERROR_TYPE, "{message}", {"message": message})


def _profile(info: ValidationInfo) -> PortalProfile:
    context = info.context or {}
    profile = context.get("profile")
    return profile if isinstance(profile, PortalProfile) else default_profile()


def _directory(info: ValidationInfo) -> Path | None:
    directory = (info.context or {}).get("directory")
    return directory if isinstance(directory, Path) else None


def _parse_date(value: Any) -> Any:
    if isinstance(value, datetime):
        raise fail("has a time of day — give the date only, e.g. 2023-08-01")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        # date.fromisoformat also takes 20230520, 2023-W20-1 and 2023-140: the portal takes none of them.
        text = value.strip()
        try:
            if not _ISO_DATE.fullmatch(text):
                raise ValueError(text)
            return date.fromisoformat(text)
        except ValueError:
            raise fail(f"'{value}' is not a date — write it as YYYY-MM-DD, e.g. 2023-08-01") from None
    raise fail("must be a date — write it as YYYY-MM-DD, e.g. 2023-08-01")


PortalDate = Annotated[date, BeforeValidator(_parse_date)]


def _extra_value(value: Any, info: ValidationInfo) -> Any:
    shapes = 'a text, a list of option texts, a date, true/false (是/否) or { file = "attachments/x.pdf" }'
    if isinstance(value, bool | str | date) and not isinstance(value, datetime):
        if isinstance(value, str):
            problem = invisible_problem(value, multi_line=True)  # an extra text may be a text area
            if problem:
                raise fail(problem)
            if not value.strip():
                raise fail("is empty — fill it in or remove the entry")
        return value
    if isinstance(value, list):
        if all(isinstance(v, str) and v.strip() for v in value) and value:
            problem = _list_problem(value)
            if problem:
                raise fail(problem)
            return list(value)
        raise fail('must be a non-empty list of option texts, e.g. ["文本", "图像"]')
    if isinstance(value, dict):
        if set(value) == {"file"} and isinstance(value["file"], str):
            directory = _directory(info)
            problem = attachment_problem(directory, value["file"]) if directory else None
            if problem:
                raise fail(problem)
            return ExtraFile(value["file"])
        raise fail('an attachment is written { file = "attachments/x.pdf" } — use exactly that one key')
    raise fail(f"is {toml_type(value)}, which no portal field takes — write {shapes}")


ExtraValue = Annotated[Any, AfterValidator(_extra_value)]


def _vocab_problem(values: list[str], meta: FieldMeta, profile: PortalProfile) -> str | None:
    assert meta.vocab is not None
    options = profile.options(meta.vocab)
    bad = [v for v in values if v not in options]
    if not bad:
        return None
    shown = ", ".join(f"'{v}'" for v in bad)
    verb = "is not an option" if len(bad) == 1 else "are not options"
    hints = [m for v in bad for m in difflib.get_close_matches(v, options, n=1, cutoff=0.5)]
    advice = f"did you mean '{hints[0]}'? " if len(bad) == 1 and hints else ""
    return (
        f"{shown} {verb} of {meta.label} — {advice}choose from: {', '.join(options)} "
        f"(or add it to [vocab] {meta.vocab} in the portal profile)"
    )


def _list_problem(values: Sequence[str]) -> str | None:
    for value in values:
        problem = invisible_problem(value)
        if problem:
            return f"an entry {problem}"
    seen: set[str] = set()
    for value in values:
        if value.strip() in seen:
            return f"'{value}' is listed twice — remove one"
        seen.add(value.strip())
    return None


def _row_key(row: BaseModel, fields: Sequence[str]) -> tuple[str, ...]:
    key = []
    for name in fields:
        value = getattr(row, name)
        text = "" if value is None else str(value).strip()
        if name == "path":  # "首页>AI写作" and "首页 > AI写作" are the same place on the portal
            text = " > ".join(step.strip() for step in text.split(">"))
        key.append(text)
    return tuple(key)


def _rows_problem(rows: Sequence[PortalModel]) -> str | None:
    fields = type(rows[0]).identity
    if not fields:
        return None
    first: dict[tuple[str, ...], int] = {}
    for index, row in enumerate(rows):
        key = _row_key(row, fields)
        if key in first:
            shown = ", ".join(k for k in key if k)
            return f"'{shown}' is listed twice ([{first[key]}] and [{index}]) — remove one"
        first[key] = index
    return None


def _extra_keys_problem(keys: Sequence[str]) -> str | None:
    for key in keys:
        if not key.strip():
            return (
                "has an entry with an empty label — write the field's on-screen label as the key, "
                'e.g. "策略描述"'
            )
        problem = invisible_problem(key)
        if problem:
            return f"the label '{key}' {problem}"
    return None


def distinct_attachment(value: str, info: ValidationInfo, model: type[BaseModel], first: str) -> str:
    """A field validator's body: the attachment ``value`` must not be the file of the field ``first``."""
    directory = _directory(info)
    other = info.data.get(first)  # absent when the first field failed its own checks
    if directory is not None and isinstance(other, str):
        problem = same_file_problem(directory, other, value, f"{first} ({meta_of(model, first).label})")
        if problem:
            raise fail(problem)
    return value


def _text_problem(value: str, meta: FieldMeta, info: ValidationInfo) -> str | None:
    invisible = invisible_problem(value, multi_line=meta.kind == "textarea")
    if invisible:
        return invisible
    if meta.check in _DIGIT_CHECKS:
        foreign = foreign_digits_problem(value)
        if foreign:
            return foreign
    if meta.kind == "upload":
        directory = _directory(info)
        return attachment_problem(directory, value) if directory else None
    if not value.strip():
        return "is empty — fill it in"
    if meta.max_chars is not None:
        count = checks.count_chars(value)
        if count > meta.max_chars:
            over = count - meta.max_chars
            return f"{count} characters, at most {meta.max_chars} allowed — shorten it by {over}"
    match meta.check:
        case "uscc":
            return checks.uscc_problem(value)
        case "id_number":
            return checks.id_number_problem(value) if info.data.get("id_type") == ID_CARD else None
        case "mobile":
            return checks.mobile_problem(value)
        case "email":
            return checks.email_problem(value)
        case "url":
            return checks.url_problem(value)
        case "nav_path":
            return checks.nav_path_problem(value)
        case "account":
            ok = all(c.isascii() and (c.isalnum() or c in "._-") for c in value)
            return (
                None
                if ok
                else f"'{value}' must be an account name from the settings (letters, digits, . _ -)"
            )
    return None


class PortalModel(BaseModel):
    """Unknown keys are errors; TOML types are taken as written (no "1" for 1, no "yes" for true)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    # The fields that make two rows of a list of this model the same row (a duplicate); () for none.
    identity: ClassVar[tuple[str, ...]] = ()

    @field_validator("*", mode="after")
    @classmethod
    def _portal_rules(cls, value: Any, info: ValidationInfo) -> Any:
        assert info.field_name is not None
        meta = meta_of(cls, info.field_name)
        problem: str | None = None
        if info.field_name == "extra" and isinstance(value, dict):
            taken = {meta_of(cls, n).label: n for n in cls.model_fields if n != "extra"}
            clashes = [label for label in value if label in taken]
            problem = _extra_keys_problem(list(value))
            if problem is None and clashes:
                field = taken[clashes[0]]
                problem = f"'{clashes[0]}' is already the field {field} of this section — set {field} instead"
        elif isinstance(value, str):
            problem = _text_problem(value, meta, info)
            if problem is None and meta.vocab:
                problem = _vocab_problem([value], meta, _profile(info))
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            if any(not v.strip() for v in value):
                problem = "has an empty entry — fill it in or remove it"
            else:
                problem = _list_problem(value)
            if problem is None and meta.vocab:
                problem = _vocab_problem(value, meta, _profile(info))
            if problem is None and len(value) > 1 and _profile(info).single_choice(meta.label):
                problem = (
                    f"lists {len(value)} options, but the portal offers {meta.label} as a single choice "
                    "([choices] single in the portal profile) — keep one"
                )
        elif isinstance(value, list) and value and all(isinstance(v, PortalModel) for v in value):
            problem = _rows_problem(value)
        if problem:
            raise fail(problem)
        return value


class Section(PortalModel):
    """A form section: it may carry ``extra`` fields keyed by their on-screen label."""

    extra: dict[str, ExtraValue] = portal_field(
        "extra",
        "section",
        default_factory=dict,
        hint="fields not modelled here, keyed by their on-screen label",
    )
