from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from agent.errors import AlreadySubmitted, AmbiguousSubmission
from agent.exit_codes import ExitCode
from agent.state.ledger import InvalidTransition, Ledger, SqlLedger, bundle_key_for
from agent.state.pg_ledger import PostgresLedger
from agent.status import LedgerStatus

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", "postgres"])
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> SqlLedger:
    """Every behaviour holds for both backends: the SQLite file and PostgreSQL (a throwaway server)."""
    if request.param == "sqlite":
        return Ledger(tmp_path / "state" / "ledger.sqlite3")
    return PostgresLedger(request.getfixturevalue("pg_url"))


def target(ledger: SqlLedger) -> str:
    """What another thread or process opens the same ledger with: the file's path or the database URL."""
    if isinstance(ledger, PostgresLedger):
        return ledger.url
    assert isinstance(ledger, Ledger)
    return str(ledger.path)


def reopen(ledger: SqlLedger) -> SqlLedger:
    return PostgresLedger(ledger.url) if isinstance(ledger, PostgresLedger) else Ledger(Path(target(ledger)))


def ready(ledger: SqlLedger, key: str, run_id: str) -> None:
    ledger.record_checkpoint(key, run_id, "entity", "running", account="demo-provider", algorithm_name="智绘")
    ledger.record_checkpoint(key, run_id, "step3", "saved", draft_ref="智绘")
    ledger.record_checkpoint(key, run_id, "confirm", "ready")


def test_file_is_wal_and_private_directory(ledger: SqlLedger) -> None:
    import sqlite3

    if not isinstance(ledger, Ledger):
        pytest.skip("a SQLite file only")
    with sqlite3.connect(ledger.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert ledger.path.parent.stat().st_mode & 0o077 == 0


def test_checkpoints_fields_and_attempts(ledger: SqlLedger, tmp_path: Path) -> None:
    key = bundle_key_for(tmp_path / "bundles" / ".." / "bundles" / "a")
    assert key == str((tmp_path / "bundles" / "a").resolve())
    assert ledger.get(key) is None
    run = ledger.begin_run("file")
    entry = ledger.record_checkpoint(
        key, run, "entity", "running", content_hash="h1", account="demo-provider", algorithm_name="智绘写作"
    )
    assert (entry.status, entry.checkpoint, entry.attempts, entry.run_id) == (
        LedgerStatus.RUNNING,
        "entity",
        1,
        run,
    )
    entry = ledger.record_checkpoint(key, run, "step1", "saved", draft_ref="智绘写作")
    assert entry.content_hash == "h1" and entry.draft_ref == "智绘写作" and entry.attempts == 1
    entry = ledger.mark(key, run, "failed", error="timeout on step2")
    assert (
        entry.status is LedgerStatus.FAILED
        and entry.checkpoint == "step1"
        and entry.last_error == "timeout on step2"
    )
    run2 = ledger.begin_run("file")
    assert ledger.record_checkpoint(key, run2, "step1", "running").attempts == 2
    assert ledger.get(key) == ledger.entries()[0]
    assert [e.bundle_key for e in ledger.find_by_algorithm("demo-provider", "智绘写作")] == [key]
    assert ledger.find_by_algorithm("demo-supporter", "智绘写作") == []
    statuses = [e.status for e in ledger.events(key)]
    assert statuses == [LedgerStatus.RUNNING, LedgerStatus.SAVED, LedgerStatus.FAILED, LedgerStatus.RUNNING]
    ledger.record_checkpoint("other", run2, "step1", "running")
    assert len(ledger.events()) == 5 and ledger.events(key)[-1].run_id == run2


def test_unknown_field_is_rejected(ledger: SqlLedger) -> None:
    with pytest.raises(TypeError, match="colour"):
        ledger.record_checkpoint("k", None, "step1", "saved", colour="red")


def test_runs_are_recorded(ledger: SqlLedger) -> None:
    run = ledger.begin_run("batch fixtures/bundles")
    ledger.finish_run(run, {"submitted": 1, "failed": 0})
    (record,) = ledger.runs()
    assert record.run_id == run and record.command == "batch fixtures/bundles"
    assert record.summary == {"submitted": 1, "failed": 0} and record.finished is not None


def test_submission_guard_is_compare_and_set_and_sticky(ledger: SqlLedger) -> None:
    run = ledger.begin_run("file --submit")
    with pytest.raises(InvalidTransition):
        ledger.mark_submitting("k", run)  # never seen
    ledger.record_checkpoint("k", run, "step2", "saved")
    with pytest.raises(InvalidTransition):
        ledger.mark_submitting("k", run)  # not ready
    ready(ledger, "k", run)
    entry = ledger.mark_submitting("k", run)
    assert (entry.status, entry.checkpoint) == (LedgerStatus.SUBMITTING, "confirm")

    with pytest.raises(AmbiguousSubmission) as info:
        ledger.mark_submitting("k", run)
    assert info.value.exit_code is ExitCode.NEEDS_PERSON

    # A crash handler or a later run cannot move it back to a state that would submit again.
    for status in ("failed", "running", "ready", "needs_person", "saved", "pending"):
        entry = ledger.mark("k", run, status, error=f"tried {status}")
        assert entry.status is LedgerStatus.SUBMITTING and entry.last_error == f"tried {status}"
    assert ledger.record_checkpoint("k", run, "step1", "running").checkpoint == "confirm"

    assert ledger.mark("k", run, "submitted").status is LedgerStatus.SUBMITTED
    assert ledger.record_checkpoint("k", run, "step1", "ready").status is LedgerStatus.SUBMITTED
    with pytest.raises(AlreadySubmitted):
        ledger.mark_submitting("k", run)


def test_release_after_a_person_checked(ledger: SqlLedger) -> None:
    run = ledger.begin_run("file --submit")
    ready(ledger, "k", run)
    with pytest.raises(InvalidTransition):
        ledger.release("k", run, "nothing to release")
    ledger.mark_submitting("k", run)
    entry = ledger.release("k", run, "checked 草稿箱: still a draft")
    assert entry.status is LedgerStatus.READY and entry.last_error == "checked 草稿箱: still a draft"
    assert ledger.mark_submitting("k", run).status is LedgerStatus.SUBMITTING


def test_already_submitted_is_terminal(ledger: SqlLedger) -> None:
    ledger.record_checkpoint("k", None, "step1", "already_submitted")
    assert ledger.mark("k", None, "running").status is LedgerStatus.ALREADY_SUBMITTED
    with pytest.raises(AlreadySubmitted):
        ledger.mark_submitting("k", None)


def test_concurrent_threads(ledger: SqlLedger) -> None:
    run = ledger.begin_run("batch")
    for key in ("race", *(f"b{i}" for i in range(4))):
        ready(ledger, key, run)
    barrier = threading.Barrier(8)
    won: list[int] = []
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            own = reopen(ledger)
            barrier.wait()
            for i in range(20):
                own.record_checkpoint(f"t{n}", run, "step1", "saved", draft_ref=str(i))
                own.record_checkpoint("shared", run, "step2", "saved", draft_ref=f"{n}-{i}")
            try:
                own.mark_submitting("race", run)
                won.append(n)
            except AmbiguousSubmission:
                pass
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(won) == 1
    assert len(ledger.events("shared")) == 160
    assert all(ledger.get(f"t{n}").draft_ref == "19" for n in range(8))  # type: ignore[union-attr]


_PROCESS = """
import sys
from pathlib import Path
from agent.errors import AmbiguousSubmission
from agent.state.ledger import Ledger
from agent.state.pg_ledger import PostgresLedger

where = sys.argv[1]
ledger = PostgresLedger(where) if where.startswith("postgresql:") else Ledger(Path(where))
run = ledger.begin_run("proc " + sys.argv[2])
sys.stdin.readline()  # start together
for i in range(40):
    ledger.record_checkpoint("proc-" + sys.argv[2], run, "step1", "saved", draft_ref=str(i))
    ledger.record_checkpoint("shared", run, "step2", "saved")
try:
    ledger.mark_submitting("race", run)
    print("won")
except AmbiguousSubmission:
    print("lost")
"""


def test_two_processes(ledger: SqlLedger) -> None:
    ready(ledger, "race", ledger.begin_run("setup"))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _PROCESS, target(ledger), name],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outputs = sorted(proc.communicate(timeout=60)[0].strip() for proc in procs)
    assert [proc.returncode for proc in procs] == [0, 0]
    assert outputs == ["lost", "won"]
    assert len(ledger.events("shared")) == 80
    assert ledger.get("proc-a").draft_ref == ledger.get("proc-b").draft_ref == "39"  # type: ignore[union-attr]
    assert len(ledger.runs()) == 3
