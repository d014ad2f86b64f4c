"""Characters a reader cannot see or a form cannot take: invisible characters and non-ASCII digits.

A zero-width space makes ``"\\u200b"`` look empty and two equal-looking names differ; a bidi control
reorders what is shown; a control character breaks the portal's forms. None belongs in a filing.
"""

from __future__ import annotations

import unicodedata

__all__ = ["foreign_digits_problem", "invisible_problem"]

# Zero-width and word-joining characters, bidi controls, the byte order mark, the soft hyphen, and the
# other format characters that render as nothing.
_INVISIBLE = frozenset(
    [
        0x00AD,
        0x061C,
        0x180E,
        0xFEFF,
        *range(0x200B, 0x2010),
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2065),
        *range(0x2066, 0x2070),
    ]
)
_ZWJ = 0x200D
_MULTI_LINE = frozenset("\n\t")


def _emoji_side(ch: str) -> bool:
    return unicodedata.category(ch) in ("So", "Sk") or ch == "\ufe0f"


def _allowed_joiner(text: str, index: int) -> bool:
    """A zero-width joiner between two emoji builds one emoji (👨‍👩‍👧): that one is visible and meant."""
    return 0 < index < len(text) - 1 and _emoji_side(text[index - 1]) and _emoji_side(text[index + 1])


def invisible_problem(text: str, *, multi_line: bool = False) -> str | None:
    """``None``, or which invisible or control character ``text`` holds and where (1-based)."""
    for index, ch in enumerate(text):
        cp = ord(ch)
        if multi_line and ch in _MULTI_LINE:
            continue
        if multi_line and ch == "\r" and text[index + 1 : index + 2] == "\n":
            continue
        control = cp < 0x20 or 0x7F <= cp <= 0x9F
        if control or (cp in _INVISIBLE and not (cp == _ZWJ and _allowed_joiner(text, index))):
            name = unicodedata.name(ch, "control character")
            allowed = "" if not multi_line else " (line breaks and tabs are fine here)"
            return (
                f"contains the invisible character U+{cp:04X} ({name}) at position {index + 1} — "
                f"delete it; retype the value if you cannot see where it is{allowed}"
            )
    return None


def foreign_digits_problem(text: str) -> str | None:
    """``None``, or the complaint that ``text`` writes a digit other than ASCII 0-9 (e.g. full-width)."""
    for ch in text:
        if not ch.isascii() and (ch.isdigit() or unicodedata.category(ch) == "Nd"):
            return (
                f"is written with '{ch}' (U+{ord(ch):04X}), a full-width or other-script digit — "
                "use ASCII digits 0-9"
            )
    return None
