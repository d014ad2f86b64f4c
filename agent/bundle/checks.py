"""Format checks for the values a filing carries. Each ``*_problem`` returns ``None`` or what is wrong.

Messages never repeat an identity number, phone or e-mail in clear: they go to terminals and CI logs.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from urllib.parse import urlsplit

__all__ = [
    "count_chars",
    "email_problem",
    "id_check_digit",
    "id_number_problem",
    "mask",
    "mobile_problem",
    "nav_path_problem",
    "url_problem",
    "uscc_check_char",
    "uscc_problem",
]

# GB 32100-2015: 31 characters (no I, O, S, V, Z) and the weights 3^i mod 31.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11643-1999: ISO 7064 MOD 11-2.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

_MOBILE = re.compile(r"1[3-9][0-9]{9}")  # [0-9], not \d: \d takes full-width digits
_EMAIL = re.compile(
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
_ZWJ = "\u200d"


def mask(value: str) -> str:
    """Keep enough of a personal number to recognise it, hide the rest: ``1101**********1234``.

    ``agent.redact`` masks well-formed numbers only; the numbers reported here are malformed ones.
    """
    head = 3 if len(value) <= 11 else 4  # 138****8000 for phones, as agent.redact shows them
    if len(value) <= head + 4:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - 4) + value[-4:]


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    if len(code) != 18:
        return f"has {len(code)} characters, a 统一社会信用代码 has 18 — copy it from the business licence"
    if code != code.upper():
        return "must use capital letters — write it in upper case"
    bad = sorted({c for c in code if c not in USCC_CHARS})
    if bad:
        shown = ", ".join(repr(c) for c in bad)
        return f"contains {shown}, never used in the code (no I, O, S, V, Z) — check it against the licence"
    if not (code[2:8].isascii() and code[2:8].isdigit()):
        return (
            "characters 3–8 must be digits (the administrative division code) — check it against the licence"
        )
    if uscc_check_char(code[:17]) != code[17]:
        return (
            "its check character (the 18th) does not match (GB 32100-2015) — the code is mistyped; check it"
        )
    return None


def id_check_digit(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_number_problem(number: str, today: date | None = None) -> str | None:
    """A 居民身份证 number (GB 11643): 17 digits, a check digit 0–9 or X, and a real birth date."""
    shown = mask(number)
    if (
        len(number) != 18
        or not (number[:17].isascii() and number[:17].isdigit())
        or number[17] not in "0123456789Xx"
    ):
        return f"{shown} is not 18 characters of 17 digits and a final digit or X — copy it from the ID card"
    if number[17] == "x":
        return f"{shown} ends in a lower-case x — write a capital X"
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return f"{shown} holds no valid birth date (characters 7–14) — the number is mistyped; check it"
    if born.year < 1900 or born > (today or date.today()):
        return f"{shown} holds an impossible birth date — the number is mistyped; check it"
    if id_check_digit(number[:17]) != number[17]:
        return f"{shown} has a wrong check digit (GB 11643) — the number is mistyped; check it"
    return None


def mobile_problem(number: str) -> str | None:
    if _MOBILE.fullmatch(number):
        return None
    return (
        f"{mask(number)} is not an 11-digit mainland mobile number (1[3-9] and 9 digits) — e.g. 13800138000"
    )


def email_problem(address: str) -> str | None:
    if _EMAIL.fullmatch(address):
        return None
    local, at, domain = address.partition("@")
    shown = f"{local[:1]}***{at}{domain}"  # the style of agent.redact.mask_email, which skips malformed ones
    return f"{shown} is not an e-mail address — write it as name@example.com"


def url_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() for c in url)
    ):
        return f"'{url}' is not an http(s) URL — write it in full, e.g. https://www.example.com/app"
    return None


def nav_path_problem(path: str) -> str | None:
    steps = [step.strip() for step in path.split(">")]
    if any(not step for step in steps):
        return f"'{path}' has an empty step — join the navigation steps with ' > ', e.g. '首页 > AI写作'"
    return None


def _joins_previous(ch: str) -> bool:
    """True for code points a reader does not count on their own: they modify the one before."""
    cp = ord(ch)
    return (
        unicodedata.category(ch) in ("Mn", "Me", "Mc")  # combining marks, incl. variation selectors
        or 0x1F3FB <= cp <= 0x1F3FF  # emoji skin tones
        or 0xE0020 <= cp <= 0xE007F  # emoji tag sequences (subdivision flags)
    )


def count_chars(text: str) -> int:
    """Characters as a person counts them: one per user-perceived character.

    An approximation of Unicode extended grapheme clusters (UAX #29) without a dependency: combining
    marks, variation selectors, skin tones and tags join the character before; a zero-width joiner joins
    the characters on both sides (👨‍👩‍👧 is one); two regional indicators are one flag; CR LF is one.
    Each Chinese character is one. Hangul jamo sequences are not merged (the portal's texts are Chinese).
    """
    count = 0
    previous = ""
    pending_flag = False
    for ch in text:
        if count and (
            previous == _ZWJ or ch == _ZWJ or _joins_previous(ch) or (previous == "\r" and ch == "\n")
        ):
            previous = ch
            continue
        if 0x1F1E6 <= ord(ch) <= 0x1F1FF:
            if pending_flag:
                pending_flag = False
                previous = ch
                continue
            pending_flag = True
        else:
            pending_flag = False
        count += 1
        previous = ch
    return count
