"""Three worker processes, 12 bundles over 4 accounts, one mock portal, one throwaway PostgreSQL.

Shows what the queue promises: every bundle ends ready and stored field by field as the bundle says;
two jobs of one account never overlap (from the per-attempt start and end times in ``beian.job_runs``);
enqueueing the same bundles again adds no job; a worker killed (SIGKILL, its whole process group, browser
included) just after a draft was saved leaves a job another worker resumes, without a second draft.

The test waits on PostgreSQL notifications (a trigger on the tables the workers write), not on timers.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from agent.bundle import load_bundle
from agent.run.rehearsal import provision
from agent.state.ledger import bundle_key_for
from agent.state.pg_ledger import PostgresLedger
from agent.state.pg_sessions import KEY_VARIABLE, new_key
from agent.status import LedgerStatus
from bench.bundles import PROVIDER, SUPPORTER, read_bundle, variant
from fixtures.mock_portal import DEMO_PASSWORD, MockPortal
from tests.batch.e2e_helpers import CLI, child_env
from tests.e2e.helpers import RETRY, TIMEOUTS, filing_problems, the_one_filing

pytestmark = pytest.mark.e2e

# Two seeded accounts and two the test adds to the mock (``provision``), with their 主体信息 filed.
MIX = (
    (PROVIDER, "demo-provider"),
    (SUPPORTER, "demo-supporter"),
    (PROVIDER, "demo-queue-a"),
    (SUPPORTER, "demo-queue-b"),
)
ACCOUNTS = tuple(account for _, account in MIX)
WORKERS = 3
DEADLINE_S = 300

_NOTIFY = """
CREATE FUNCTION public.beian_test_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('beian_test', json_build_object('table', TG_TABLE_NAME, 'row', row_to_json(NEW))::text);
    RETURN NULL;
END $$;
CREATE TRIGGER notify_events AFTER INSERT ON beian.events FOR EACH ROW EXECUTE FUNCTION beian_test_notify();
CREATE TRIGGER notify_runs AFTER INSERT OR UPDATE ON beian.job_runs
    FOR EACH ROW EXECUTE FUNCTION beian_test_notify();
CREATE TRIGGER notify_jobs AFTER UPDATE ON public.procrastinate_jobs
    FOR EACH ROW EXECUTE FUNCTION beian_test_notify();
"""


def write_config(tmp_path: Path, portal_url: str, pg_url: str) -> Path:
    lines = [
        "[portal]", f'base_url = "{portal_url}"', "",
        "[paths]", 'state_dir = "state"', 'evidence_dir = "evidence"', "",
        "[timeouts]", *(f"{k} = {v}" for k, v in TIMEOUTS.items()), "",
        "[retry]", *(f"{k} = {v}" for k, v in RETRY.items()), "",
        "[queue]", f'database_url = "{pg_url}"', "stalled_after_s = 4", "attempts = 2", "",
    ]  # fmt: skip
    for account in ACCOUNTS:
        lines += [f"[accounts.{account}]", f'username = "{account}"', f'password = "{DEMO_PASSWORD}"', ""]
    config = tmp_path / "beian-agent.toml"
    config.write_text("\n".join(lines), encoding="utf-8")
    return config


class Workers:
    """Worker processes, each the leader of its own process group (so a kill takes its browser too)."""

    def __init__(self, config: Path, logs: Path, env: dict[str, str]):
        self.config, self.logs, self.env = config, logs, env
        self.procs: dict[int, subprocess.Popen[bytes]] = {}

    def start(self, n: int) -> None:
        log = (self.logs / f"worker-{n}.log").open("wb")
        proc = subprocess.Popen(
            [CLI, "queue", "worker", "--config", str(self.config)],
            cwd=self.config.parent, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.procs[proc.pid] = proc

    def kill(self, pid: int) -> None:
        os.killpg(pid, signal.SIGKILL)
        self.procs.pop(pid).wait(timeout=30)

    def check_alive(self) -> None:
        for pid, proc in self.procs.items():
            assert proc.poll() is None, f"worker {pid} exited with {proc.returncode}:\n{self.tail()}"

    def tail(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}"
            for log in sorted(self.logs.glob("*.log"))
        )

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for pid, proc in self.procs.items():
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(pid, signal.SIGKILL)
                proc.wait(timeout=30)


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Callable[[Path, dict[str, str]], Workers]]:
    made: list[Workers] = []

    def make(config: Path, env: dict[str, str]) -> Workers:
        logs = tmp_path / "logs"
        logs.mkdir(exist_ok=True)
        made.append(Workers(config, logs, env))
        return made[-1]

    yield make
    for w in made:
        w.stop()


def enqueue(config: Path, env: dict[str, str], bundles: Path) -> list[dict[str, Any]]:
    done = subprocess.run(
        [CLI, "queue", "enqueue", str(bundles), "--config", str(config), "--json"],
        cwd=config.parent, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    items: list[dict[str, Any]] = json.loads(done.stdout)
    return items


def job_statuses(conn: psycopg.Connection[Any]) -> list[str]:
    rows = conn.execute(
        "SELECT status::text FROM procrastinate_jobs WHERE task_name = 'beian.file_bundle' ORDER BY id"
    ).fetchall()
    return [r[0] for r in rows]


def test_three_workers_twelve_bundles_four_accounts_one_killed_mid_filing(
    tmp_path: Path, portal: MockPortal, pg_url: str, workers: Callable[[Path, dict[str, str]], Workers]
) -> None:
    bundle_dirs = [
        variant(
            src,
            tmp_path / "bundles" / f"q-{i:02d}",
            name=f"{read_bundle(src)['algorithm']['name']}-q{i:02d}",
            account=account,
        )
        # One account's bundles queued one after another: without the account lock, workers would take them
        # together.
        for i, (src, account) in enumerate(m for m in MIX for _ in range(3))
    ]
    bundles = {bundle_key_for(d): load_bundle(d) for d in bundle_dirs}
    assert sorted({b.account for b in bundles.values()}) == sorted(ACCOUNTS)
    provision(portal.url, list(bundles.values()))
    config = write_config(tmp_path, portal.url, pg_url)
    env = child_env() | {KEY_VARIABLE: new_key()}

    # Queued once; a second enqueue while they wait adds nothing.
    first = enqueue(config, env, tmp_path / "bundles")
    assert sorted(i["outcome"] for i in first) == ["queued"] * 12
    again = enqueue(config, env, tmp_path / "bundles")
    assert sorted(i["outcome"] for i in again) == ["already_queued"] * 12

    listen = psycopg.connect(pg_url, autocommit=True)
    listen.execute(_NOTIFY.encode())
    listen.execute("LISTEN beian_test")
    query = psycopg.connect(pg_url, autocommit=True)
    assert job_statuses(query) == ["todo"] * 12

    pool = workers(config, env)
    for n in range(WORKERS):
        pool.start(n)
    deadline = time.monotonic() + DEADLINE_S

    def next_notification() -> dict[str, Any] | None:
        pool.check_alive()
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"not done in {DEADLINE_S}s: {job_statuses(query)}\n{pool.tail()}"
        for note in listen.notifies(timeout=min(remaining, 5.0), stop_after=1):
            payload: dict[str, Any] = json.loads(note.payload)
            return payload
        return None

    # Kill the worker filing the first bundle whose draft has just been saved (step 1 in 草稿箱).
    killed_key = None
    while killed_key is None:
        note = next_notification()
        if (
            note
            and note["table"] == "events"
            and (note["row"]["checkpoint"], note["row"]["status"])
            == (
                "step1",
                "saved",
            )
        ):
            killed_key = note["row"]["bundle_key"]
    (pid,) = {
        r[0]
        for r in query.execute(
            "SELECT pid FROM beian.job_runs WHERE bundle_key = %s AND finished IS NULL", (killed_key,)
        ).fetchall()
    }
    pool.kill(pid)

    while job_statuses(query) != ["succeeded"] * 12:
        assert "failed" not in job_statuses(query), pool.tail()
        next_notification()
    pool.stop()

    # Every bundle ready, one filing each, stored as the bundle says.
    ledger = PostgresLedger(pg_url)
    entries = {e.bundle_key: e for e in ledger.entries()}
    assert {k: entries[k].status for k in bundles} == dict.fromkeys(bundles, LedgerStatus.READY)
    for bundle in bundles.values():
        assert filing_problems(bundle, the_one_filing(portal, bundle)) == []

    # Never two jobs of one account at the same time.
    rows = query.execute(
        "SELECT job_id, bundle_key, account, pid, started, finished, outcome, evidence_dir "
        "FROM beian.job_runs ORDER BY started"
    ).fetchall()
    assert all(r[5] is not None for r in rows)
    for account in ACCOUNTS:
        mine = [r for r in rows if r[2] == account]
        for before, after in itertools.pairwise(mine):
            assert before[5] <= after[4], f"{account}: {before[1]} and {after[1]} overlapped"
    side_by_side = [
        (a[2], b[2])
        for a, b in itertools.combinations(rows, 2)
        if a[2] != b[2] and a[4] < b[5] and b[4] < a[5]
    ]
    assert side_by_side, "the workers never filed two accounts at once"

    # The killed attempt was handed to another worker, which resumed the draft (no second filing).
    killed = [r for r in rows if r[1] == killed_key]
    assert [r[6] for r in killed] == ["worker_lost", "ready"], killed
    assert killed[0][0] == killed[1][0] and killed[1][3] != pid
    assert len(the_one_filing(portal, bundles[killed_key])["sections"]) > 0
    assert all(Path(r[7]).is_dir() for r in rows if r[6] == "ready")

    # Done bundles are not queued again.
    third = enqueue(config, env, tmp_path / "bundles")
    assert sorted(i["outcome"] for i in third) == ["done"] * 12
    assert len(job_statuses(query)) == 12
    listen.close()
    query.close()
