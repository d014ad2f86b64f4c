"""Saved portal sessions in PostgreSQL, encrypted: for workers on several machines.

A session is as good as a password while it lasts, so the database only ever holds it encrypted with
Fernet (AES-128-CBC + HMAC-SHA256) under the key in the ``BEIAN_SESSION_KEY`` environment variable; the
key is never stored, printed or logged, and every machine running workers needs the same key. A token
that does not decrypt (another key, or tampered with) counts as no session: the run logs in again.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any

import structlog
from cryptography.fernet import Fernet, InvalidToken

from agent import redact
from agent.errors import SettingsError
from agent.state.pg_ledger import connect, ensure_schema

__all__ = ["KEY_VARIABLE", "PostgresSessions", "new_key", "session_cipher"]

KEY_VARIABLE = "BEIAN_SESSION_KEY"
_log = structlog.get_logger(__name__)


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def session_cipher() -> Fernet:
    """The Fernet cipher of ``BEIAN_SESSION_KEY``; ``SettingsError`` naming the fix when it is unusable."""
    key = os.environ.get(KEY_VARIABLE, "").strip()
    how = (
        f"set {KEY_VARIABLE} to the same key on every machine (make one with "
        "`beian-agent queue new-session-key`)"
    )
    if not key:
        raise SettingsError(
            f"sessions are kept in the queue database, encrypted, but {KEY_VARIABLE} is unset; {how}"
        )
    redact.register_secret(key)
    try:
        return Fernet(key.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise SettingsError(f"{KEY_VARIABLE} is not a Fernet key (32 url-safe base64 bytes); {how}") from None


class PostgresSessions:
    def __init__(self, url: str, cipher: Fernet):
        self._url = url
        self._cipher = cipher
        ensure_schema(url)

    def load(self, account: str) -> dict[str, Any] | None:
        with connect(self._url) as conn:
            row = conn.execute("SELECT token FROM sessions WHERE account = %s", (account,)).fetchone()
        if row is None:
            return None
        try:
            state: dict[str, Any] = json.loads(self._cipher.decrypt(bytes(row["token"])))
        except InvalidToken:
            _log.warning(
                "session_undecryptable", account=account, hint=f"was it saved with another {KEY_VARIABLE}?"
            )
            return None
        return state

    def save(self, account: str, state: dict[str, Any]) -> None:
        token = self._cipher.encrypt(json.dumps(state, ensure_ascii=False).encode("utf-8"))
        with connect(self._url) as conn:
            conn.execute(
                "INSERT INTO sessions (account, token, updated_at) VALUES (%s, %s, %s) "
                "ON CONFLICT (account) DO UPDATE "
                "SET token = EXCLUDED.token, updated_at = EXCLUDED.updated_at",
                (account, token, datetime.now(UTC).isoformat(timespec="seconds")),
            )
        _log.info("session_saved", account=account, store="database", cookies=len(state.get("cookies", [])))

    def clear(self, account: str) -> None:
        with connect(self._url) as conn:
            conn.execute("DELETE FROM sessions WHERE account = %s", (account,))
