"""Filing numbers as the CAC publishes them: ``网信算备`` + 21 digits + ``号``.

Digits 1–6 are the region code, 7–13 the entity (the same for all of one entity's filings), 14–15 the
category (01 = 生成合成), 16–17 the year, 18–21 a serial. Some pages print ``网信算备：…号``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["GENERATION_CATEGORY", "PREFIX", "FilingNumber", "check_filing_number", "parse_filing_number"]

PREFIX = "网信算备"
GENERATION_CATEGORY = "01"
_NUMBER = re.compile(r"^网信算备[:：]?\s*(\d+)号$")


@dataclass(frozen=True)
class FilingNumber:
    region: str
    entity: str
    category: str
    year: int
    serial: str

    @property
    def text(self) -> str:
        digits = f"{self.region}{self.entity}{self.category}{self.year % 100:02d}{self.serial}"
        return f"{PREFIX}{digits}号"


def check_filing_number(text: str) -> str | None:
    """What is wrong with ``text`` as a filing number of a 生成合成 algorithm, or None when nothing is."""
    shown = text.strip()
    if not shown.startswith(PREFIX):
        return f"{shown!r} does not start with {PREFIX}"
    if not shown.endswith("号"):
        return f"{shown!r} does not end with 号"
    found = _NUMBER.match(shown)
    if found is None or len(found.group(1)) != 21:
        return f"{shown!r} does not have 21 digits between {PREFIX} and 号"
    if found.group(1)[13:15] != GENERATION_CATEGORY:
        return f"{shown!r}: category digits 14–15 are {found.group(1)[13:15]}, not 01 (生成合成)"
    return None


def parse_filing_number(text: str) -> FilingNumber | None:
    """The parts of a well-formed number (the colon form read as the plain one); None when malformed."""
    if check_filing_number(text) is not None:
        return None
    found = _NUMBER.match(text.strip())
    assert found is not None  # checked above
    d = found.group(1)
    return FilingNumber(
        region=d[:6], entity=d[6:13], category=d[13:15], year=2000 + int(d[15:17]), serial=d[17:]
    )
