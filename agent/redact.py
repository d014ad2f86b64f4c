"""Masking of secrets and personal data before anything is logged, written to evidence or shown.

What is masked, and how:

- mainland ID numbers (18 characters, 17 digits + digit/X): first 4 and last 4 kept, ``1101**********123X``.
  The first 4 are province and city, the last 4 a sequence and check character: enough for an operator to
  tell two people apart, while the birth date (characters 7-14) is never shown.
- mobile numbers (11 digits starting 13-19, optionally after +86): ``138****8000``.
- e-mail addresses: first character of the local part and the domain, ``a***@example.cn``.
- values under a sensitive key (password, token, cookie, session, secret, authorization, ...): ``***``.
- ``SecretStr`` values anywhere: ``***``.
- literal secrets registered at runtime (``register_secret``, e.g. configured passwords): ``***`` wherever
  they appear in free text, such as an exception message that echoes a form value.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from pydantic import SecretStr
from structlog.typing import EventDict, WrappedLogger

__all__ = [
    "MASK",
    "SENSITIVE_KEYS",
    "clear_secrets",
    "is_sensitive_key",
    "mask_email",
    "mask_id_number",
    "mask_mobile",
    "redact",
    "redact_processor",
    "redact_text",
    "register_secret",
]

MASK = "***"

SENSITIVE_KEYS: frozenset[str] = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "token",
        "cookie",
        "cookies",
        "authorization",
        "session",
        "secret",
        "apikey",
        "credential",
        "credentials",
        "captcha",
    }
)
# A key naming where a secret is kept is not itself a secret; operators need to see those paths.
_LOCATION_SUFFIXES = frozenset({"file", "path", "dir", "ttl"})
_WHOLE_KEYS = frozenset({"storage_state", "storagestate", "set-cookie", "api_key", "x-api-key"})

_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{4})(\d{10})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<![0-9A-Za-z])((?:\+?86[- ]?)?1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_EMAIL_RE = re.compile(r"(?<![\w.+-])([\w.+-])[\w.+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_CAMEL_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_KEY_SPLIT_RE = re.compile(r"[^a-z0-9]+")
# Shorter literals would mask ordinary words and digits all over the logs.
_MIN_SECRET_LEN = 4

_secrets_lock = threading.Lock()
_secrets: tuple[str, ...] = ()


def mask_id_number(value: str) -> str:
    return _ID_RE.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), value)


def mask_mobile(value: str) -> str:
    return _MOBILE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), value)


def mask_email(value: str) -> str:
    return _EMAIL_RE.sub(lambda m: f"{m.group(1)}{MASK}@{m.group(2)}", value)


def register_secret(*values: str | SecretStr | None) -> None:
    """Mask these literal values in every string from now on (process-wide)."""
    global _secrets
    new = {v.get_secret_value() if isinstance(v, SecretStr) else v for v in values if v is not None}
    new = {v for v in new if len(v) >= _MIN_SECRET_LEN}
    with _secrets_lock:
        # Longest first, so a secret containing another is replaced whole.
        _secrets = tuple(sorted(set(_secrets) | new, key=len, reverse=True))


def clear_secrets() -> None:
    global _secrets
    with _secrets_lock:
        _secrets = ()


def redact_text(text: str) -> str:
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return mask_email(mask_mobile(mask_id_number(text)))


def is_sensitive_key(key: str) -> bool:
    lowered = key.strip().lower()
    if lowered in _WHOLE_KEYS:
        return True
    words = [w for w in _KEY_SPLIT_RE.split(_CAMEL_RE.sub("_", key.strip()).lower()) if w]
    if not words or words[-1] in _LOCATION_SUFFIXES:
        return False
    return (
        any(w in SENSITIVE_KEYS for w in words) or lowered.replace("_", "").replace("-", "") in SENSITIVE_KEYS
    )


def redact(value: Any) -> Any:
    """A copy of ``value`` (any nesting of mappings, lists, tuples, sets, scalars) with secrets masked."""
    if isinstance(value, SecretStr):
        return MASK
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {_redact_key(k): (MASK if _key_hides(k, v) else redact(v)) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [redact(v) for v in value]
        return items if isinstance(value, list | set | frozenset) else tuple(items)
    if value is None or isinstance(value, bool | float):
        return value
    if isinstance(value, int | PurePath):
        text = str(value)
        masked = redact_text(text)
        return value if masked == text else masked
    # Unknown objects are rendered with str() by the log renderers anyway; mask that text if it needs it.
    try:
        text = str(value)
    except Exception:
        return value
    masked = redact_text(text)
    return value if masked == text else masked


def _key_hides(key: object, value: object) -> bool:
    return isinstance(key, str) and is_sensitive_key(key) and value is not None and value != ""


def _redact_key(key: Any) -> Any:
    return redact_text(key) if isinstance(key, str) else key


def redact_processor(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    """structlog processor: place it just before the renderer, after exceptions are rendered to data."""
    redacted: EventDict = redact(event_dict)
    return redacted
