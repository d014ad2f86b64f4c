"""What each job did, beside procrastinate's own job table: one row per attempt in ``beian.job_runs``.

A row records which machine and process ran the bundle, when it started and finished (to the
microsecond, so overlaps can be checked), how it ended and where its evidence went. An attempt whose
worker died has no ``finished`` until the stalled-job check hands the job to another worker and closes
the row as ``worker_lost``.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime

from agent.errors import SettingsError
from agent.settings import Settings
from agent.state.backend import database_url
from agent.state.pg_ledger import connect
from agent.status import JOB_COLUMNS, JobOutcome, job_column

__all__ = [
    "TASK_NAME",
    "JobRun",
    "close_lost",
    "finished",
    "job_runs",
    "require_url",
    "started",
    "status_by_account",
]

TASK_NAME = "beian.file_bundle"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class JobRun:
    job_id: int
    bundle_key: str
    account: str
    algorithm_name: str
    host: str
    pid: int
    started: str
    finished: str | None
    outcome: str | None
    evidence_dir: str | None
    error: str | None


def started(url: str, job_id: int, bundle_key: str, account: str, algorithm: str) -> int:
    with connect(url) as conn:
        row = conn.execute(
            "INSERT INTO job_runs (job_id, bundle_key, account, algorithm_name, host, pid, started) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
            (job_id, bundle_key, account, algorithm, socket.gethostname(), os.getpid(), _now()),
        ).fetchone()
    assert row is not None
    return int(row["id"])


def finished(url: str, record: int, outcome: JobOutcome, evidence_dir: str | None, error: str | None) -> None:
    with connect(url) as conn:
        conn.execute(
            "UPDATE job_runs SET finished = %s, outcome = %s, evidence_dir = %s, error = %s WHERE id = %s",
            (_now(), outcome.value, evidence_dir, error, record),
        )


def close_lost(url: str, job_id: int) -> None:
    """The worker running ``job_id`` is gone: close its open attempt before the job runs again."""
    with connect(url) as conn:
        conn.execute(
            "UPDATE job_runs SET finished = %s, outcome = %s WHERE job_id = %s AND finished IS NULL",
            (_now(), JobOutcome.WORKER_LOST.value, job_id),
        )


def job_runs(url: str) -> list[JobRun]:
    with connect(url) as conn:
        rows = conn.execute(
            "SELECT job_id, bundle_key, account, algorithm_name, host, pid, started, finished, outcome, "
            "evidence_dir, error FROM job_runs ORDER BY id"
        ).fetchall()
    return [JobRun(**row) for row in rows]


def status_by_account(url: str) -> dict[str, dict[str, int]]:
    """Each bundle counted once, by its latest job: waiting, running, done, failed per account."""
    with connect(url) as conn:
        rows = conn.execute(
            "SELECT DISTINCT ON (args->>'identity') args->>'account' AS account, status::text AS status "
            "FROM procrastinate_jobs WHERE task_name = %s ORDER BY args->>'identity', id DESC",
            (TASK_NAME,),
        ).fetchall()
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        per = counts.setdefault(row["account"], dict.fromkeys(JOB_COLUMNS, 0))
        per[job_column(row["status"])] += 1
    return dict(sorted(counts.items()))


def require_url(settings: Settings) -> str:
    url = database_url(settings)
    if url is None:
        raise SettingsError(
            "the queue needs a PostgreSQL database: set [queue] database_url in the config, "
            "BEIAN_QUEUE__DATABASE_URL, or give --database-url"
        )
    return url
