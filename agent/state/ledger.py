"""The run ledger: what happened to each bundle, in ``<state_dir>/ledger.sqlite3``.

One row per bundle (keyed by its resolved path), a row per run, and an append-only event log. Each
operation opens its own connection with a busy timeout and runs in one ``BEGIN IMMEDIATE`` transaction,
so threads and processes can share the file (WAL mode lets readers run beside a writer).

State machine (``status``; upper case = sticky)::

    pending ─► running ─► saved ─► ready ─► SUBMITTING ─► SUBMITTED
                  │         │        │
                  └─────────┴────────┴─► failed / needs_person ─► running ...
    any non-sticky status ─► ALREADY_SUBMITTED        (the portal already shows it submitted)
    SUBMITTING ─► ALREADY_SUBMITTED                    (a read-back found it filed)
    SUBMITTING ─► ready                                (``release``: a person found it not filed)

Nothing is ever submitted twice:

- ``mark_submitting`` is written (and committed) before the click on 提交, and only from ``ready``; it
  is a compare-and-set inside one transaction, so two runners cannot both pass it.
- ``submitting``, ``submitted`` and ``already_submitted`` are sticky: ``record_checkpoint``/``mark``
  asking for any other status keep the sticky status (the error is still recorded). A run that finds
  ``submitting`` therefore knows a crash may have happened after the click: the outcome is ambiguous
  and only a portal read-back or a person (``release``) moves it on.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import uuid
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import structlog

from agent.errors import AlreadySubmitted, AmbiguousSubmission, InvalidTransition

__all__ = [
    "STICKY",
    "Checkpoint",
    "InvalidTransition",
    "Ledger",
    "LedgerEntry",
    "LedgerEvent",
    "RunRecord",
    "Status",
    "bundle_key_for",
]


_log = structlog.get_logger(__name__)


class Status(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    SAVED = "saved"
    READY = "ready"
    SUBMITTING = "submitting"
    SUBMITTED = "submitted"
    ALREADY_SUBMITTED = "already_submitted"
    FAILED = "failed"
    NEEDS_PERSON = "needs_person"


class Checkpoint(StrEnum):
    ENTITY = "entity"
    PRODUCTS = "products"
    STEP1 = "step1"
    STEP2 = "step2"
    STEP3 = "step3"
    CONFIRM = "confirm"
    SUBMITTED = "submitted"


STICKY: frozenset[Status] = frozenset({Status.SUBMITTING, Status.SUBMITTED, Status.ALREADY_SUBMITTED})
_FIELDS = frozenset({"content_hash", "account", "algorithm_name", "draft_ref", "last_error"})


@dataclass(frozen=True)
class LedgerEntry:
    bundle_key: str
    content_hash: str | None
    account: str | None
    algorithm_name: str | None
    draft_ref: str | None
    checkpoint: str | None
    status: Status
    attempts: int
    last_error: str | None
    updated_at: str
    run_id: str | None


@dataclass(frozen=True)
class LedgerEvent:
    run_id: str | None
    bundle_key: str
    checkpoint: str | None
    status: Status
    error: str | None
    at: str


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    command: str
    started: str
    finished: str | None
    summary: dict[str, int] | None
    pid: int
    host: str


def bundle_key_for(bundle_dir: Path) -> str:
    return str(bundle_dir.resolve())


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


_SCHEMA = """
CREATE TABLE IF NOT EXISTS bundles (
    bundle_key TEXT PRIMARY KEY, content_hash TEXT, account TEXT, algorithm_name TEXT, draft_ref TEXT,
    checkpoint TEXT, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
    updated_at TEXT NOT NULL, run_id TEXT);
CREATE INDEX IF NOT EXISTS bundles_by_algorithm ON bundles (account, algorithm_name);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, command TEXT NOT NULL, started TEXT NOT NULL, finished TEXT, summary TEXT,
    pid INTEGER NOT NULL, host TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT, bundle_key TEXT NOT NULL, checkpoint TEXT,
    status TEXT NOT NULL, error TEXT, at TEXT NOT NULL);
"""


class Ledger:
    def __init__(self, path: Path, *, timeout_s: float = 30.0):
        self.path = path
        self._timeout_s = timeout_s
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with closing(self._connect()) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
        with self._tx() as conn:
            # Not executescript(): it commits on its own, outside the IMMEDIATE transaction.
            for statement in filter(str.strip, _SCHEMA.split(";")):
                conn.execute(statement)

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: transactions are begun explicitly, as IMMEDIATE, to take the write lock
        # up front instead of failing half-way with SQLITE_BUSY on lock upgrade.
        conn = sqlite3.connect(self.path, timeout=self._timeout_s, isolation_level=None)
        conn.row_factory = sqlite3.Row
        return conn

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with closing(self._connect()) as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _select(self, query: str, *params: object) -> list[sqlite3.Row]:
        with closing(self._connect()) as conn:
            return conn.execute(query, params).fetchall()

    def begin_run(self, command: str) -> str:
        run_id = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO runs (run_id, command, started, pid, host) VALUES (?, ?, ?, ?, ?)",
                (run_id, command, _now(), os.getpid(), socket.gethostname()),
            )
        return run_id

    def finish_run(self, run_id: str, summary: Mapping[str, int]) -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE runs SET finished = ?, summary = ? WHERE run_id = ?",
                (_now(), json.dumps(dict(summary), sort_keys=True), run_id),
            )

    def runs(self) -> list[RunRecord]:
        rows = self._select("SELECT * FROM runs ORDER BY started")
        return [RunRecord(**dict(r) | {"summary": json.loads(r["summary"] or "null")}) for r in rows]

    def get(self, bundle_key: str) -> LedgerEntry | None:
        rows = self._select("SELECT * FROM bundles WHERE bundle_key = ?", bundle_key)
        return _entry(rows[0]) if rows else None

    def find_by_algorithm(self, account: str, name: str) -> list[LedgerEntry]:
        """Bundles recorded for this account and algorithm name (the portal's key for a draft)."""
        query = "SELECT * FROM bundles WHERE account = ? AND algorithm_name = ? ORDER BY updated_at"
        return [_entry(r) for r in self._select(query, account, name)]

    def entries(self) -> list[LedgerEntry]:
        return [_entry(r) for r in self._select("SELECT * FROM bundles ORDER BY bundle_key")]

    def events(self, bundle_key: str | None = None) -> list[LedgerEvent]:
        rows = self._select(
            "SELECT run_id, bundle_key, checkpoint, status, error, at FROM events "
            "WHERE ?1 IS NULL OR bundle_key = ?1 ORDER BY id",
            bundle_key,
        )
        return [LedgerEvent(**dict(r) | {"status": Status(r["status"])}) for r in rows]

    def record_checkpoint(
        self, bundle_key: str, run_id: str | None, checkpoint: str | None, status: str, **fields: str | None
    ) -> LedgerEntry:
        """Record reaching ``checkpoint`` with ``status``; ``fields`` update the bundle's other columns."""
        unknown = set(fields) - _FIELDS
        if unknown:
            raise TypeError(f"unknown ledger field(s): {', '.join(sorted(unknown))}")
        with self._tx() as conn:
            return _write(conn, bundle_key, run_id, checkpoint, Status(status), fields)

    def mark(
        self, bundle_key: str, run_id: str | None, status: str, *, error: str | None = None
    ) -> LedgerEntry:
        """Change the status at the current checkpoint; ``error`` becomes ``last_error``."""
        with self._tx() as conn:
            row = _row(conn, bundle_key)
            checkpoint = row["checkpoint"] if row else None
            return _write(conn, bundle_key, run_id, checkpoint, Status(status), {"last_error": error})

    def mark_submitting(self, bundle_key: str, run_id: str | None) -> LedgerEntry:
        """Claim the right to click 提交 once. Commit this BEFORE the click; raises if it is not ``ready``."""
        with self._tx() as conn:
            row = _row(conn, bundle_key)
            if row is None:
                raise InvalidTransition(f"{bundle_key}: cannot submit a bundle the ledger has never seen")
            current = Status(row["status"])
            if current is Status.SUBMITTING:
                raise AmbiguousSubmission(
                    f"{bundle_key}: a submission was started by run {row['run_id']} at {row['updated_at']} "
                    "and its outcome is unknown; check the portal"
                )
            if current in (Status.SUBMITTED, Status.ALREADY_SUBMITTED):
                raise AlreadySubmitted(f"{bundle_key}: already submitted (run {row['run_id']})")
            if current is not Status.READY:
                raise InvalidTransition(f"{bundle_key}: cannot submit from status {current}")
            return _write(conn, bundle_key, run_id, Checkpoint.CONFIRM, Status.SUBMITTING, {})

    def release(self, bundle_key: str, run_id: str | None, note: str) -> LedgerEntry:
        """A person checked the portal: the started submission did not go through. Back to ``ready``."""
        with self._tx() as conn:
            row = _row(conn, bundle_key)
            if row is None or Status(row["status"]) is not Status.SUBMITTING:
                raise InvalidTransition(f"{bundle_key}: only a 'submitting' entry can be released")
            return _write(
                conn, bundle_key, run_id, Checkpoint.CONFIRM, Status.READY, {"last_error": note}, True
            )


def _write(
    conn: sqlite3.Connection,
    bundle_key: str,
    run_id: str | None,
    checkpoint: str | None,
    status: Status,
    fields: Mapping[str, Any],
    unstick: bool = False,
) -> LedgerEntry:
    now = _now()
    conn.execute(
        "INSERT OR IGNORE INTO bundles (bundle_key, status, updated_at) VALUES (?, ?, ?)",
        (bundle_key, Status.PENDING, now),
    )
    row = _row(conn, bundle_key)
    assert row is not None  # inserted just above, inside this transaction
    current = Status(row["status"])
    # Only a read-back may move ``submitting`` on (to a submitted state); nothing moves the others.
    leaves_sticky = current in STICKY and not (current is Status.SUBMITTING and status in STICKY)
    if leaves_sticky and not unstick:
        _log.warning("ledger_status_kept", bundle_key=bundle_key, kept=str(current), requested=str(status))
        status, checkpoint = current, row["checkpoint"]
    # A new attempt: entering ``running``, or a later run finding the one before it died while running.
    new_attempt = status is Status.RUNNING and (current is not Status.RUNNING or row["run_id"] != run_id)
    values = {k: v for k, v in fields.items() if k != "last_error"}
    error = fields.get("last_error")
    sets = "".join(f", {k} = ?" for k in values)
    conn.execute(
        "UPDATE bundles SET checkpoint = ?, status = ?, attempts = ?, last_error = ?, updated_at = ?, "
        f"run_id = ?{sets} WHERE bundle_key = ?",
        (checkpoint, status, row["attempts"] + new_attempt, error, now, run_id, *values.values(), bundle_key),
    )
    _event(conn, run_id, bundle_key, checkpoint, status, error)
    row = _row(conn, bundle_key)
    assert row is not None
    return _entry(row)


def _event(conn: sqlite3.Connection, *values: object) -> None:
    """Append (run_id, bundle_key, checkpoint, status, error) to the event log."""
    conn.execute(
        "INSERT INTO events (run_id, bundle_key, checkpoint, status, error, at) VALUES (?, ?, ?, ?, ?, ?)",
        (*values, _now()),
    )


def _row(conn: sqlite3.Connection, bundle_key: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM bundles WHERE bundle_key = ?", (bundle_key,)
    ).fetchone()
    return row


def _entry(row: sqlite3.Row) -> LedgerEntry:
    return LedgerEntry(**dict(row) | {"status": Status(row["status"])})
