"""The run ledger: what happened to each bundle, in ``<state_dir>/ledger.sqlite3`` by default.

One row per bundle (keyed by its resolved path), a row per run, and an append-only event log. The state
machine below is written once (``SqlLedger``) over a small transaction interface (``Tx``); ``Ledger``
keeps it in SQLite and ``agent.state.pg_ledger.PostgresLedger`` in PostgreSQL for the queue's workers on
several machines. Callers type against ``RunLedger``. In SQLite each operation opens its own connection
with a busy timeout and runs in one ``BEGIN IMMEDIATE`` transaction, so threads and processes can share
the file (WAL mode lets readers run beside a writer).

State machine (``status``; upper case = sticky)::

    pending ─► running ─► saved ─► ready ─► SUBMITTING ─► SUBMITTED
                  │         │        │
                  └─────────┴────────┴─► failed / needs_person ─► running ...
    any non-sticky status ─► ALREADY_SUBMITTED        (the portal already shows it submitted)
    SUBMITTING ─► ALREADY_SUBMITTED                    (a read-back found it filed)
    SUBMITTING ─► ready                                (``release``: a person found it not filed)
    SUBMITTED / ALREADY_SUBMITTED ─► returned ─► running  (``record_portal``: the reviewer returned it)

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
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

import structlog

from agent.errors import AlreadySubmitted, AmbiguousSubmission, InvalidTransition
from agent.files import private_dir
from agent.status import LEDGER_STICKY, LedgerStatus

__all__ = [
    "Checkpoint",
    "InvalidTransition",
    "Ledger",
    "LedgerEntry",
    "LedgerEvent",
    "PortalEvent",
    "RunLedger",
    "RunRecord",
    "SqlLedger",
    "Tx",
    "bundle_key_for",
]


_log = structlog.get_logger(__name__)


class Checkpoint(StrEnum):
    ENTITY = "entity"
    PRODUCTS = "products"
    STEP1 = "step1"
    STEP2 = "step2"
    STEP3 = "step3"
    CONFIRM = "confirm"
    SUBMITTED = "submitted"


# Columns added after the first release, each with ``ALTER TABLE ... ADD COLUMN`` on opening an older
# ledger: what the CAC's filing lists show (role, entity, products, purpose), what the portal lists
# (status text, filing number), when 提交 was confirmed, and the evidence folder of the last checkpoint.
ADDED_COLUMNS = (
    "role",
    "entity_name",
    "products",
    "purpose",
    "portal_status",
    "filing_number",
    "submitted_at",
    "evidence_dir",
    "opinion",
    "reviewed_at",
    "approved_hash",
    "synced_at",
)
# What ``record_portal`` writes: the portal's own view of the filing, read by ``beian-agent sync``.
PORTAL_FIELDS = ("portal_status", "filing_number", "opinion", "submitted_at", "reviewed_at")
_FIELDS = frozenset(
    {"content_hash", "account", "algorithm_name", "draft_ref", "last_error", *ADDED_COLUMNS}
) - {"submitted_at", "opinion", "reviewed_at", "synced_at"}
# The statuses whose evidence shows a submission: the click on 提交 and its confirmation.
_SUBMISSION = (LedgerStatus.SUBMITTING, LedgerStatus.SUBMITTED)


@dataclass(frozen=True)
class LedgerEntry:
    bundle_key: str
    content_hash: str | None
    account: str | None
    algorithm_name: str | None
    draft_ref: str | None
    checkpoint: str | None
    status: LedgerStatus
    attempts: int
    last_error: str | None
    updated_at: str
    run_id: str | None
    role: str | None = None
    entity_name: str | None = None
    products: str | None = None
    purpose: str | None = None
    portal_status: str | None = None
    filing_number: str | None = None
    submitted_at: str | None = None
    evidence_dir: str | None = None
    opinion: str | None = None
    reviewed_at: str | None = None
    approved_hash: str | None = None  # the bundle's content hash when the portal first showed 已通过
    synced_at: str | None = None


@dataclass(frozen=True)
class PortalEvent:
    """One change the portal showed for a bundle's filing (status, number or opinion), as sync saw it."""

    bundle_key: str
    run_id: str | None
    portal_status: str
    filing_number: str | None
    opinion: str | None
    portal_at: str | None  # the date the portal gives for it (submitted, decided), as shown
    seen_at: str


@dataclass(frozen=True)
class LedgerEvent:
    run_id: str | None
    bundle_key: str
    checkpoint: str | None
    status: LedgerStatus
    error: str | None
    at: str
    evidence_dir: str | None = None


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
CREATE TABLE IF NOT EXISTS portal_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT, bundle_key TEXT NOT NULL, run_id TEXT, portal_status TEXT NOT NULL,
    filing_number TEXT, opinion TEXT, portal_at TEXT, seen_at TEXT NOT NULL);
"""


class RunLedger(Protocol):
    """What the runner, the batch and the queue need of a ledger; SQLite and PostgreSQL both provide it."""

    def begin_run(self, command: str) -> str: ...
    def finish_run(self, run_id: str, summary: Mapping[str, int]) -> None: ...
    def runs(self) -> list[RunRecord]: ...
    def get(self, bundle_key: str) -> LedgerEntry | None: ...
    def find_by_algorithm(self, account: str, name: str) -> list[LedgerEntry]: ...
    def entries(self) -> list[LedgerEntry]: ...
    def events(self, bundle_key: str | None = None) -> list[LedgerEvent]: ...
    def record_checkpoint(
        self, bundle_key: str, run_id: str | None, checkpoint: str | None, status: str, **fields: str | None
    ) -> LedgerEntry: ...
    def mark(
        self, bundle_key: str, run_id: str | None, status: str, *, error: str | None = None
    ) -> LedgerEntry: ...
    def mark_submitting(
        self, bundle_key: str, run_id: str | None, *, evidence_dir: str | None = None
    ) -> LedgerEntry: ...
    def release(self, bundle_key: str, run_id: str | None, note: str) -> LedgerEntry: ...
    def record_portal(
        self,
        bundle_key: str,
        run_id: str | None,
        *,
        portal_status: str,
        filing_number: str | None = None,
        opinion: str | None = None,
        submitted_at: str | None = None,
        reviewed_at: str | None = None,
        returned: bool = False,
        approved: bool = False,
    ) -> bool: ...
    def portal_history(self, bundle_key: str | None = None) -> list[PortalEvent]: ...


class Tx(Protocol):
    """One transaction of a backend: run a statement (``?`` placeholders), get its rows as mappings."""

    def rows(self, query: str, *params: object) -> list[Mapping[str, Any]]: ...

    def row_for_update(self, bundle_key: str) -> Mapping[str, Any] | None: ...


class SqlLedger(ABC):
    """The state machine, written once over ``Tx``; subclasses open connections and transactions."""

    @abstractmethod
    def _tx(self) -> AbstractContextManager[Tx]: ...

    def _select(self, query: str, *params: object) -> list[Mapping[str, Any]]:
        with self._tx() as tx:
            return tx.rows(query, *params)

    def begin_run(self, command: str) -> str:
        run_id = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
        with self._tx() as tx:
            tx.rows(
                "INSERT INTO runs (run_id, command, started, pid, host) VALUES (?, ?, ?, ?, ?)",
                run_id, command, _now(), os.getpid(), socket.gethostname(),
            )  # fmt: skip
        return run_id

    def finish_run(self, run_id: str, summary: Mapping[str, int]) -> None:
        with self._tx() as tx:
            tx.rows(
                "UPDATE runs SET finished = ?, summary = ? WHERE run_id = ?",
                _now(), json.dumps(dict(summary), sort_keys=True), run_id,
            )  # fmt: skip

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
        columns = "SELECT run_id, bundle_key, checkpoint, status, error, at, evidence_dir FROM events"
        if bundle_key is None:
            rows = self._select(f"{columns} ORDER BY id")
        else:
            rows = self._select(f"{columns} WHERE bundle_key = ? ORDER BY id", bundle_key)
        return [LedgerEvent(**dict(r) | {"status": LedgerStatus(r["status"])}) for r in rows]

    def submission_evidence(self) -> set[str]:
        """Evidence folders of a submission (the run that clicked 提交, the one that saw it go through)."""
        marks = ", ".join("?" for _ in _SUBMISSION)
        rows = self._select(
            "SELECT DISTINCT evidence_dir FROM events "
            f"WHERE evidence_dir IS NOT NULL AND status IN ({marks})",
            *_SUBMISSION,
        )
        return {r["evidence_dir"] for r in rows}

    def submission_runs(self) -> set[str]:
        """Runs during which a submission was made or confirmed (their batch reports are its record)."""
        marks = ", ".join("?" for _ in _SUBMISSION)
        rows = self._select(
            f"SELECT DISTINCT run_id FROM events WHERE run_id IS NOT NULL AND status IN ({marks})",
            *_SUBMISSION,
        )
        return {r["run_id"] for r in rows}

    def record_checkpoint(
        self, bundle_key: str, run_id: str | None, checkpoint: str | None, status: str, **fields: str | None
    ) -> LedgerEntry:
        """Record reaching ``checkpoint`` with ``status``; ``fields`` update the bundle's other columns."""
        unknown = set(fields) - _FIELDS
        if unknown:
            raise TypeError(f"unknown ledger field(s): {', '.join(sorted(unknown))}")
        with self._tx() as tx:
            return _write(tx, bundle_key, run_id, checkpoint, LedgerStatus(status), fields)

    def mark(
        self, bundle_key: str, run_id: str | None, status: str, *, error: str | None = None
    ) -> LedgerEntry:
        """Change the status at the current checkpoint; ``error`` becomes ``last_error``."""
        with self._tx() as tx:
            row = tx.row_for_update(bundle_key)
            checkpoint = row["checkpoint"] if row else None
            return _write(tx, bundle_key, run_id, checkpoint, LedgerStatus(status), {"last_error": error})

    def mark_submitting(
        self, bundle_key: str, run_id: str | None, *, evidence_dir: str | None = None
    ) -> LedgerEntry:
        """Claim the right to click 提交 once. Commit this BEFORE the click; raises if it is not ``ready``.

        ``evidence_dir``: the folder of the run about to click, recorded as evidence of the submission.
        """
        with self._tx() as tx:
            row = tx.row_for_update(bundle_key)
            if row is None:
                raise InvalidTransition(f"{bundle_key}: cannot submit a bundle the ledger has never seen")
            current = LedgerStatus(row["status"])
            if current is LedgerStatus.SUBMITTING:
                raise AmbiguousSubmission(
                    f"{bundle_key}: a submission was started by run {row['run_id']} at {row['updated_at']} "
                    "and its outcome is unknown; check the portal"
                )
            if current in (LedgerStatus.SUBMITTED, LedgerStatus.ALREADY_SUBMITTED):
                raise AlreadySubmitted(f"{bundle_key}: already submitted (run {row['run_id']})")
            if current is not LedgerStatus.READY:
                raise InvalidTransition(f"{bundle_key}: cannot submit from status {current}")
            fields = {"evidence_dir": evidence_dir} if evidence_dir is not None else {}
            return _write(tx, bundle_key, run_id, Checkpoint.CONFIRM, LedgerStatus.SUBMITTING, fields)

    def release(self, bundle_key: str, run_id: str | None, note: str) -> LedgerEntry:
        """A person checked the portal: the started submission did not go through. Back to ``ready``."""
        with self._tx() as tx:
            row = tx.row_for_update(bundle_key)
            if row is None or LedgerStatus(row["status"]) is not LedgerStatus.SUBMITTING:
                raise InvalidTransition(f"{bundle_key}: only a 'submitting' entry can be released")
            return _write(
                tx, bundle_key, run_id, Checkpoint.CONFIRM, LedgerStatus.READY, {"last_error": note}, True
            )

    def record_portal(
        self,
        bundle_key: str,
        run_id: str | None,
        *,
        portal_status: str,
        filing_number: str | None = None,
        opinion: str | None = None,
        submitted_at: str | None = None,
        reviewed_at: str | None = None,
        returned: bool = False,
        approved: bool = False,
    ) -> bool:
        """Record what the portal lists for the bundle's filing; True when it differs from the last time.

        A change of status, number or opinion is appended to ``portal_history``. ``returned``: the
        filing may be edited again, so the bundle leaves its sticky submitted state for ``returned``
        (a later ``submit`` refills and resubmits the same filing). ``approved``: the bundle's content
        hash is kept as the approved one, the base of the 变更 deadline.
        """
        now = _now()
        with self._tx() as tx:
            row = tx.row_for_update(bundle_key)
            if row is None:
                raise InvalidTransition(f"{bundle_key}: the ledger has never seen this bundle")
            last = tx.rows(
                "SELECT portal_status, filing_number, opinion FROM portal_history WHERE bundle_key = ? "
                "ORDER BY id DESC LIMIT 1",
                bundle_key,
            )
            shown = (portal_status, filing_number, opinion)
            changed = not last or tuple(last[0][k] for k in PORTAL_FIELDS[:3]) != shown
            if changed:
                tx.rows(
                    "INSERT INTO portal_history (bundle_key, run_id, portal_status, filing_number, opinion, "
                    "portal_at, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    bundle_key, run_id, portal_status, filing_number, opinion,
                    reviewed_at or submitted_at, now,
                )  # fmt: skip
            values: dict[str, Any] = {
                "portal_status": portal_status,
                "filing_number": filing_number or row["filing_number"],
                "opinion": opinion,
                "reviewed_at": reviewed_at or row["reviewed_at"],
                "synced_at": now,
            }
            if submitted_at:
                values["submitted_at"] = submitted_at
            if approved and not row["approved_hash"]:
                values["approved_hash"] = row["content_hash"]
            sets = ", ".join(f"{k} = ?" for k in values)
            tx.rows(f"UPDATE bundles SET {sets} WHERE bundle_key = ?", *values.values(), bundle_key)
            if returned and LedgerStatus(row["status"]) is not LedgerStatus.RETURNED:
                _write(
                    tx,
                    bundle_key,
                    run_id,
                    row["checkpoint"],
                    LedgerStatus.RETURNED,
                    {"last_error": opinion},
                    True,
                )
        return changed

    def portal_history(self, bundle_key: str | None = None) -> list[PortalEvent]:
        columns = "SELECT bundle_key, run_id, portal_status, filing_number, opinion, portal_at, seen_at"
        if bundle_key is None:
            rows = self._select(f"{columns} FROM portal_history ORDER BY id")
        else:
            rows = self._select(f"{columns} FROM portal_history WHERE bundle_key = ? ORDER BY id", bundle_key)
        return [PortalEvent(**dict(r)) for r in rows]


class _SqliteTx:
    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn

    def rows(self, query: str, *params: object) -> list[Mapping[str, Any]]:
        return list(self._conn.execute(query, params).fetchall())

    def row_for_update(self, bundle_key: str) -> Mapping[str, Any] | None:
        # BEGIN IMMEDIATE already holds the write lock of the whole file.
        rows = self.rows("SELECT * FROM bundles WHERE bundle_key = ?", bundle_key)
        return rows[0] if rows else None


class Ledger(SqlLedger):
    """The default ledger: a SQLite file in the state directory, no server needed."""

    def __init__(self, path: Path, *, timeout_s: float = 30.0):
        self.path = path
        self._timeout_s = timeout_s
        private_dir(path.parent)
        # Created 0600 before SQLite opens it: SQLite gives the -wal and -shm files the database's mode.
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        with closing(self._connect()) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
        with self._tx() as tx:
            # Not executescript(): it commits on its own, outside the IMMEDIATE transaction.
            for statement in filter(str.strip, _SCHEMA.split(";")):
                tx.rows(statement)
            _add_columns(tx, "bundles", ADDED_COLUMNS)
            _add_columns(tx, "events", ("evidence_dir",))
        for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if file.exists() and file.stat().st_mode & 0o777 != 0o600:
                file.chmod(0o600)

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: transactions are begun explicitly, as IMMEDIATE, to take the write lock
        # up front instead of failing half-way with SQLITE_BUSY on lock upgrade.
        conn = sqlite3.connect(self.path, timeout=self._timeout_s, isolation_level=None)
        conn.row_factory = sqlite3.Row
        return conn

    @contextmanager
    def _tx(self) -> Iterator[Tx]:
        with closing(self._connect()) as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteTx(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")


def _write(
    tx: Tx,
    bundle_key: str,
    run_id: str | None,
    checkpoint: str | None,
    status: LedgerStatus,
    fields: Mapping[str, Any],
    unstick: bool = False,
) -> LedgerEntry:
    now = _now()
    tx.rows(
        "INSERT INTO bundles (bundle_key, status, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (bundle_key) DO NOTHING",
        bundle_key, LedgerStatus.PENDING.value, now,
    )  # fmt: skip
    row = tx.row_for_update(bundle_key)
    assert row is not None  # inserted just above, inside this transaction
    current = LedgerStatus(row["status"])
    # Only a read-back may move ``submitting`` on (to a submitted state); nothing moves the others.
    leaves_sticky = current in LEDGER_STICKY and not (
        current is LedgerStatus.SUBMITTING and status in LEDGER_STICKY
    )
    if leaves_sticky and not unstick:
        _log.warning("ledger_status_kept", bundle_key=bundle_key, kept=str(current), requested=str(status))
        status, checkpoint = current, row["checkpoint"]
    # A new attempt: entering ``running``, or a later run finding the one before it died while running.
    new_attempt = status is LedgerStatus.RUNNING and (
        current is not LedgerStatus.RUNNING or row["run_id"] != run_id
    )
    values = {k: v for k, v in fields.items() if k != "last_error"}
    if status is LedgerStatus.SUBMITTED and current is not LedgerStatus.SUBMITTED:
        values["submitted_at"] = now
    error = fields.get("last_error")
    sets = "".join(f", {k} = ?" for k in values)
    tx.rows(
        "UPDATE bundles SET checkpoint = ?, status = ?, attempts = ?, last_error = ?, updated_at = ?, "
        f"run_id = ?{sets} WHERE bundle_key = ?",
        checkpoint, status.value, row["attempts"] + new_attempt, error, now, run_id, *values.values(),
        bundle_key,
    )  # fmt: skip
    tx.rows(
        "INSERT INTO events (run_id, bundle_key, checkpoint, status, error, evidence_dir, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        run_id, bundle_key, checkpoint, status.value, error, fields.get("evidence_dir"), _now(),
    )  # fmt: skip
    rows = tx.rows("SELECT * FROM bundles WHERE bundle_key = ?", bundle_key)
    return _entry(rows[0])


def _add_columns(tx: Tx, table: str, columns: tuple[str, ...]) -> None:
    """Add the TEXT columns a ledger written by an older version lacks (SQLite has no IF NOT EXISTS)."""
    present = {row["name"] for row in tx.rows(f"PRAGMA table_info({table})")}
    for column in columns:
        if column not in present:
            tx.rows(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")


def _entry(row: Mapping[str, Any]) -> LedgerEntry:
    return LedgerEntry(**dict(row) | {"status": LedgerStatus(row["status"])})
