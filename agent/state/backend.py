"""Where the ledger and saved sessions live: the state directory by default, PostgreSQL for the queue.

With ``[queue] database_url`` unset (the default) the ledger is the SQLite file in the state directory
and sessions are 0600 JSON files; with it set, both live in that database (sessions encrypted, see
``agent.state.pg_sessions``), so every worker on every machine sees the same ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from playwright.sync_api import StorageState

from agent.settings import Settings
from agent.state import session_store
from agent.state.ledger import Ledger, RunLedger

if TYPE_CHECKING:
    from agent.state.pg_sessions import PostgresSessions

__all__ = ["clear_session", "database_url", "load_session", "open_ledger", "save_session"]


def database_url(settings: Settings) -> str | None:
    url = settings.queue.database_url
    return url.get_secret_value() if url is not None else None


def open_ledger(settings: Settings) -> RunLedger:
    url = database_url(settings)
    if url is None:
        return Ledger(settings.ledger_path)
    from agent.state.pg_ledger import PostgresLedger

    return PostgresLedger(url)


def _sessions(url: str) -> PostgresSessions:
    from agent.state.pg_sessions import PostgresSessions, session_cipher

    return PostgresSessions(url, session_cipher())


def load_session(settings: Settings, account_name: str) -> str | StorageState | None:
    """The account's saved session for ``new_context(storage_state=...)``, or None."""
    url = database_url(settings)
    if url is not None:
        return cast("StorageState | None", _sessions(url).load(account_name))
    path = settings.account(account_name).session_file
    found = session_store.load_path(path) if path is not None else None
    return str(found) if found is not None else None


def save_session(settings: Settings, account_name: str, context: session_store.StorageStateSource) -> str:
    """Save the context's session for the account; returns where (a file, or the database)."""
    url = database_url(settings)
    if url is not None:
        _sessions(url).save(account_name, context.storage_state())
        return "the queue database (encrypted)"
    path: Path | None = settings.account(account_name).session_file
    if path is None:
        return "nowhere (the account has no session_file)"
    return str(session_store.save(context, path))


def clear_session(settings: Settings, account_name: str) -> None:
    url = database_url(settings)
    if url is not None:
        _sessions(url).clear(account_name)
        return
    path = settings.account(account_name).session_file
    if path is not None:
        session_store.clear(path)
