"""The one place a bundle value becomes text to type, text to expect on a page, or a comparison.

Everything that depends on how the portal writes values comes from the profile: the 是/否 option texts
(``[vocab] yes_no``), the separator between list items in read-only tables and between the levels of
a region (``[messages] list_separator``, ``cascader_separator``), the empty mark, and unit suffixes
shown after a number (``[units]``, by label).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from agent.bundle.fields import NO, YES, Kind
from agent.profile import PortalProfile

__all__ = [
    "FieldValue",
    "cascader_levels",
    "display",
    "same",
    "screen_value",
    "shown_as",
]

FieldValue = str | bool | Path | list[str] | list[list[str]]


def _yes_no(profile: PortalProfile, value: bool) -> str:
    yes, no = profile.options("yes_no")[:2]
    return yes if value else no


def screen_value(value: object, kind: Kind | None, profile: PortalProfile) -> FieldValue:
    """What to put into a control of ``kind``: 是/否 for booleans (the profile's texts), ISO dates…"""
    if isinstance(value, bool):
        return _yes_no(profile, value) if kind == "radio" else value
    if kind == "radio" and value in (YES, NO):
        # The bundle model writes 是/否 itself; the portal may write them otherwise.
        return _yes_no(profile, value == YES)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Path | str):
        return value
    if isinstance(value, list):
        if all(isinstance(v, dict) for v in value):
            return [[str(c) for c in row.values()] for row in value]
        if all(isinstance(v, list) for v in value):
            return [[str(c) for c in row] for row in value]
        return [str(v) for v in value]
    return str(value)


def cascader_levels(value: str, profile: PortalProfile) -> list[str]:
    """The labels to pick level by level: "浙江省/杭州市/西湖区" -> [浙江省, 杭州市, 西湖区]."""
    separator = profile.message("cascader_separator")
    return [part.strip() for part in value.split(separator) if part.strip()]


def same(kind: Kind, expected: FieldValue, actual: FieldValue | None, profile: PortalProfile) -> bool:
    """Whether the page shows the value (order-free for multiple choices, by file name for uploads)."""
    if kind == "multiselect" and isinstance(expected, list) and isinstance(actual, list):
        return sorted(map(str, expected)) == sorted(map(str, actual))
    if kind == "upload" and isinstance(expected, Path):
        return isinstance(actual, str) and expected.name in actual
    if kind == "cascader" and isinstance(expected, str) and isinstance(actual, str):
        return cascader_levels(expected, profile) == cascader_levels(actual, profile)
    return expected == actual


def display(value: object, profile: PortalProfile, label: str | None = None) -> str:
    """A bundle value as a read-only table shows it: names of files, lists joined, units appended."""
    if isinstance(value, bool):
        return _yes_no(profile, value)
    if isinstance(value, Path):
        return value.name
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        if not value:
            return profile.message("empty_value")
        return profile.message("list_separator").join(_item(v) for v in value)
    text = str(value)
    if text == "":
        return profile.message("empty_value")
    if value in (YES, NO):
        text = _yes_no(profile, value == YES)
    unit = profile.units.get(label, "") if label is not None else ""
    return f"{text} {unit}" if unit else text


def _item(value: object) -> str:
    if isinstance(value, dict):
        return "：".join(str(v) for v in value.values())
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "：".join(str(v) for v in value)
    return str(value)


def shown_as(expected: str, shown: str) -> bool:
    """Whether a read-only table's text shows ``expected`` (spacing aside)."""
    return "".join(expected.split()) == "".join(shown.split())
