from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from agent.batch.lock import RunLock
from agent.errors import LockHeld
from agent.exit_codes import ExitCode

ROOT = Path(__file__).resolve().parents[2]

# Holds the lock until stdin closes; "crash" exits without releasing, as a killed process would.
_HOLDER = """
import os, sys
from pathlib import Path
from agent.batch.lock import RunLock

lock = RunLock(Path(sys.argv[1]), command="batch nightly")
lock.acquire()
print("locked", os.getpid(), flush=True)
sys.stdin.readline()
if sys.argv[2] == "crash":
    os._exit(9)
lock.release()
"""


def start_holder(path: Path, how: str) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path), how],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    word, pid = proc.stdout.readline().split()
    assert word == "locked"
    return proc, int(pid)


@pytest.fixture
def lock_path(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "state" / "run.lock"


def test_second_process_gets_lock_held_naming_the_holder(lock_path: Path) -> None:
    proc, pid = start_holder(lock_path, "release")
    try:
        with pytest.raises(LockHeld) as info, RunLock(lock_path):
            pass
        message = str(info.value)
        assert f"pid {pid}" in message and "started 20" in message and "batch nightly" in message
        assert info.value.exit_code is ExitCode.LOCKED
    finally:
        proc.communicate("go\n", timeout=30)
    assert proc.returncode == 0
    assert lock_path.read_text() == ""  # a clean release empties the record
    with capture_logs() as logs, RunLock(lock_path, command="batch"):
        pass
    assert logs == []


def test_lock_of_a_crashed_process_is_taken_over_and_logged(lock_path: Path) -> None:
    proc, pid = start_holder(lock_path, "crash")
    proc.communicate("go\n", timeout=30)
    assert proc.returncode == 9
    assert json.loads(lock_path.read_text())["pid"] == pid  # the dead holder's record is still there
    with capture_logs() as logs, RunLock(lock_path, command="batch retry") as lock:
        record = json.loads(lock.path.read_text())
        assert record["pid"] == os.getpid() and record["command"] == "batch retry"
    assert logs[0]["event"] == "stale_run_lock_taken_over" and logs[0]["pid"] == pid


def test_same_process_second_lock_is_refused(lock_path: Path) -> None:
    with RunLock(lock_path, command="first"), pytest.raises(LockHeld, match=f"pid {os.getpid()}"):
        RunLock(lock_path).acquire()
    with RunLock(lock_path):
        assert stat_mode(lock_path) == 0o600


def test_flock_held_but_recorded_pid_dead_is_not_taken_over(lock_path: Path) -> None:
    proc, _ = start_holder(lock_path, "release")
    try:
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
        record = json.loads(lock_path.read_text())
        lock_path.write_text(json.dumps(record | {"pid": int(dead.stdout)}))
        with pytest.raises(LockHeld, match="leftover child process"):
            RunLock(lock_path).acquire()
    finally:
        proc.communicate("go\n", timeout=30)


def test_not_reentrant(lock_path: Path) -> None:
    lock = RunLock(lock_path)
    with lock, pytest.raises(RuntimeError):
        lock.acquire()


def stat_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777
