"""The ledger in PostgreSQL, for workers on several machines: same tables, same state machine as SQLite.

Used when ``[queue] database_url`` is set (see ``agent.state.backend.open_ledger``). The tables live in
the ``beian`` schema of that database, beside procrastinate's own ``procrastinate_*`` tables. Each
operation opens its own connection and runs in one transaction; the bundle's row is read ``FOR UPDATE``
before any change, so the compare-and-set of ``mark_submitting`` holds across machines as it holds across
processes with SQLite's ``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row

from agent.state.ledger import SqlLedger, Tx

__all__ = ["SCHEMA_NAME", "PostgresLedger", "connect", "ensure_schema"]

SCHEMA_NAME = "beian"
# Any constant shared by every process: it serialises schema creation (CREATE ... IF NOT EXISTS races).
_SCHEMA_LOCK = 0x6265_6961_6E00

_SCHEMA = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA_NAME};
CREATE TABLE IF NOT EXISTS {SCHEMA_NAME}.bundles (
    bundle_key TEXT PRIMARY KEY, content_hash TEXT, account TEXT, algorithm_name TEXT, draft_ref TEXT,
    checkpoint TEXT, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
    updated_at TEXT NOT NULL, run_id TEXT);
CREATE INDEX IF NOT EXISTS bundles_by_algorithm ON {SCHEMA_NAME}.bundles (account, algorithm_name);
CREATE TABLE IF NOT EXISTS {SCHEMA_NAME}.runs (
    run_id TEXT PRIMARY KEY, command TEXT NOT NULL, started TEXT NOT NULL, finished TEXT, summary TEXT,
    pid INTEGER NOT NULL, host TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS {SCHEMA_NAME}.events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, run_id TEXT, bundle_key TEXT NOT NULL,
    checkpoint TEXT, status TEXT NOT NULL, error TEXT, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS {SCHEMA_NAME}.sessions (
    account TEXT PRIMARY KEY, token BYTEA NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS {SCHEMA_NAME}.job_runs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, job_id BIGINT NOT NULL, bundle_key TEXT NOT NULL,
    account TEXT NOT NULL, algorithm_name TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL,
    started TEXT NOT NULL, finished TEXT, outcome TEXT, evidence_dir TEXT, error TEXT);
ALTER TABLE {SCHEMA_NAME}.bundles ADD COLUMN IF NOT EXISTS role TEXT;
ALTER TABLE {SCHEMA_NAME}.bundles ADD COLUMN IF NOT EXISTS entity_name TEXT;
ALTER TABLE {SCHEMA_NAME}.bundles ADD COLUMN IF NOT EXISTS products TEXT;
ALTER TABLE {SCHEMA_NAME}.bundles ADD COLUMN IF NOT EXISTS purpose TEXT;
ALTER TABLE {SCHEMA_NAME}.bundles ADD COLUMN IF NOT EXISTS portal_status TEXT;
ALTER TABLE {SCHEMA_NAME}.bundles ADD COLUMN IF NOT EXISTS filing_number TEXT;
ALTER TABLE {SCHEMA_NAME}.bundles ADD COLUMN IF NOT EXISTS submitted_at TEXT;
ALTER TABLE {SCHEMA_NAME}.bundles ADD COLUMN IF NOT EXISTS evidence_dir TEXT;
ALTER TABLE {SCHEMA_NAME}.events ADD COLUMN IF NOT EXISTS evidence_dir TEXT;
ALTER TABLE {SCHEMA_NAME}.bundles ADD COLUMN IF NOT EXISTS opinion TEXT;
ALTER TABLE {SCHEMA_NAME}.bundles ADD COLUMN IF NOT EXISTS reviewed_at TEXT;
ALTER TABLE {SCHEMA_NAME}.bundles ADD COLUMN IF NOT EXISTS approved_hash TEXT;
ALTER TABLE {SCHEMA_NAME}.bundles ADD COLUMN IF NOT EXISTS synced_at TEXT;
CREATE TABLE IF NOT EXISTS {SCHEMA_NAME}.portal_history (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, bundle_key TEXT NOT NULL, run_id TEXT,
    portal_status TEXT NOT NULL, filing_number TEXT, opinion TEXT, portal_at TEXT, seen_at TEXT NOT NULL)
"""


def connect(url: str) -> psycopg.Connection[dict[str, Any]]:
    """A connection whose unqualified table names are the ledger's (procrastinate's stay reachable)."""
    conn = psycopg.connect(url, autocommit=True, row_factory=dict_row)
    conn.execute(f"SET search_path TO {SCHEMA_NAME}, public")
    return conn


def ensure_schema(url: str) -> None:
    """Create the ledger's tables if they are missing; safe to run from many processes at once."""
    with connect(url) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
        for statement in filter(str.strip, _SCHEMA.split(";")):
            conn.execute(statement.encode())


class _PostgresTx:
    def __init__(self, conn: psycopg.Connection[dict[str, Any]]):
        self._conn = conn

    def rows(self, query: str, *params: object) -> list[Mapping[str, Any]]:
        cursor = self._conn.execute(query.replace("?", "%s").encode(), params)
        return list(cursor.fetchall()) if cursor.description is not None else []

    def row_for_update(self, bundle_key: str) -> Mapping[str, Any] | None:
        rows = self.rows("SELECT * FROM bundles WHERE bundle_key = ? FOR UPDATE", bundle_key)
        return rows[0] if rows else None


class PostgresLedger(SqlLedger):
    def __init__(self, url: str):
        self.url = url
        ensure_schema(url)

    @contextmanager
    def _tx(self) -> Iterator[Tx]:
        with connect(self.url) as conn, conn.transaction():
            yield _PostgresTx(conn)
