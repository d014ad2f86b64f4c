"""The ledger's record columns: added to an older ledger in place, submission evidence and time kept."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from agent.state.ledger import Ledger
from agent.status import LedgerStatus

OLD_SCHEMA = """
CREATE TABLE bundles (
    bundle_key TEXT PRIMARY KEY, content_hash TEXT, account TEXT, algorithm_name TEXT, draft_ref TEXT,
    checkpoint TEXT, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
    updated_at TEXT NOT NULL, run_id TEXT);
CREATE TABLE runs (
    run_id TEXT PRIMARY KEY, command TEXT NOT NULL, started TEXT NOT NULL, finished TEXT, summary TEXT,
    pid INTEGER NOT NULL, host TEXT NOT NULL);
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT, bundle_key TEXT NOT NULL, checkpoint TEXT,
    status TEXT NOT NULL, error TEXT, at TEXT NOT NULL);
INSERT INTO bundles (bundle_key, account, algorithm_name, checkpoint, status, updated_at)
VALUES ('/b/old', 'acct', '旧算法', 'confirm', 'ready', '2026-01-02T03:04:05+00:00');
"""


def test_an_older_ledger_gains_the_new_columns_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(OLD_SCHEMA)
    ledger = Ledger(path)
    old = ledger.get("/b/old")
    assert old is not None and old.algorithm_name == "旧算法" and old.entity_name is None
    entry = ledger.record_checkpoint(
        "/b/old", "r1", "confirm", "ready", entity_name="某公司", role="服务提供者"
    )
    assert entry.entity_name == "某公司" and entry.role == "服务提供者"
    Ledger(path)  # opening again adds nothing twice
    assert ledger.events()[-1].status is LedgerStatus.READY


def test_submission_evidence_and_time_are_recorded(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite3")
    ledger.record_checkpoint("k", "r1", "confirm", "ready", evidence_dir="/ev/1-ready")
    ledger.record_checkpoint("other", "r1", "step1", "saved", evidence_dir="/ev/0-draft")
    ledger.mark_submitting("k", "r2", evidence_dir="/ev/2-click")
    assert ledger.get("k").submitted_at is None  # type: ignore[union-attr]
    done = ledger.record_checkpoint("k", "r3", "submitted", "submitted", evidence_dir="/ev/3-seen")
    assert done.submitted_at is not None and done.evidence_dir == "/ev/3-seen"
    assert ledger.submission_evidence() == {"/ev/2-click", "/ev/3-seen"}
    assert ledger.submission_runs() == {"r2", "r3"}
    again = ledger.record_checkpoint("k", "r4", "submitted", "submitted")
    assert again.submitted_at == done.submitted_at  # the first confirmation's time stays
