"""Every folder the agent owns is 0700 and every file in it 0600, even under ``umask 000``."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from agent.batch.export import write_csv
from agent.files import private_dir, seal_tree, write_private
from agent.run.evidence import EvidenceDir
from agent.state.ledger import Ledger


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _open_umask() -> Iterator[None]:
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def test_evidence_root_dir_and_files_are_private(tmp_path: Path) -> None:
    ev = EvidenceDir.create(tmp_path / "deep" / "evidence", "b")
    assert mode(tmp_path / "deep" / "evidence") == 0o700
    assert mode(ev.path) == 0o700 and mode(ev.screenshots_dir) == 0o700
    # As Playwright leaves them: created with the umask's mode.
    shot = ev.screenshot_path("step1")
    shot.write_bytes(b"png")
    ev.trace_path.write_bytes(b"zip")
    assert mode(shot) == 0o666
    ev.write_result({"status": "ready"})
    ev.seal()
    for path in (shot, ev.trace_path, ev.result_path):
        assert mode(path) == 0o600, path


def test_an_existing_wide_folder_is_tightened(tmp_path: Path) -> None:
    wide = tmp_path / "evidence"
    wide.mkdir(mode=0o777)
    assert mode(wide) == 0o777
    private_dir(wide)
    assert mode(wide) == 0o700
    EvidenceDir.create(wide, "b")
    assert mode(wide) == 0o700


def test_ledger_and_its_wal_files_are_private(tmp_path: Path) -> None:
    state = tmp_path / "state"
    ledger = Ledger(state / "ledger.sqlite3")
    assert mode(state) == 0o700
    # -wal and -shm exist while a connection is open (SQLite removes them with the last one).
    with closing(sqlite3.connect(ledger.path)) as reader:
        reader.execute("SELECT count(*) FROM bundles").fetchall()
        ledger.record_checkpoint("k", "r", "step1", "running")
        files = [p for p in state.iterdir() if p.name.startswith("ledger.sqlite3")]
        assert {p.name for p in files} >= {"ledger.sqlite3", "ledger.sqlite3-wal", "ledger.sqlite3-shm"}
        for path in files:
            assert mode(path) == 0o600, path


def test_reports_and_exports_are_private(tmp_path: Path) -> None:
    report_dir = tmp_path / "evidence" / "batch-x"
    write_private(report_dir / "report.html", b"<html>")
    assert mode(report_dir) == 0o700 and mode(report_dir / "report.html") == 0o600
    write_csv([], report_dir / "filings.csv")
    assert mode(report_dir / "filings.csv") == 0o600


def test_seal_tree_does_not_follow_symlinks(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("x")
    outside.chmod(0o644)
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "sub" / "f").write_text("x")
    (tree / "link").symlink_to(outside)
    seal_tree(tree)
    assert mode(tree / "sub") == 0o700 and mode(tree / "sub" / "f") == 0o600
    assert mode(outside) == 0o644
