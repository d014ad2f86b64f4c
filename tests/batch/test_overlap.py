"""Two scheduled runs on one state directory: the second is refused at once, in separate processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from agent.batch.lock import RunLock
from agent.exit_codes import ExitCode

from .conftest import make_bundle
from .e2e_helpers import child_env, run_cli, write_config

HOLDER = """
import sys
from pathlib import Path
from agent.batch.lock import RunLock
lock = RunLock(Path(sys.argv[1]), command="beian-agent batch /srv/beian/bundles")
lock.acquire()
print("held", flush=True)
sys.stdin.read()
lock.release()
"""


def test_a_second_run_is_refused_while_the_first_holds_the_lock(tmp_path: Path) -> None:
    make_bundle(tmp_path / "bundles", "demo-provider", "重叠算法")
    config = write_config(tmp_path)
    lock_file = tmp_path / "state" / "run.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock_file)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=child_env(),
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        result = run_cli("batch", str(tmp_path / "bundles"), "--config", str(config), cwd=tmp_path)
    finally:
        holder.communicate("")
    assert result.returncode == ExitCode.LOCKED
    assert f"another run holds the lock {lock_file}: pid {holder.pid}" in result.stderr
    assert (
        "(beian-agent batch /srv/beian/bundles)" in result.stderr and "this run did nothing" in result.stderr
    )
    assert result.stdout == ""
    assert not (tmp_path / "state" / "ledger.sqlite3").exists()  # refused before touching anything
    with RunLock(lock_file):  # released cleanly by the holder: free again
        pass
