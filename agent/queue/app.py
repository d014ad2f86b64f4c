"""The procrastinate app: the filing task, the stalled-job check and the optional nightly enqueue.

Two guarantees come from procrastinate, not from code here: jobs deferred with the same ``lock`` (the
account) run one after another across every worker on every machine, because the portal keeps one
session per entity; a ``queueing_lock`` (account + algorithm name) refuses a second waiting job for the
same bundle.

A worker that dies mid-filing leaves its job ``doing`` under a worker whose heartbeat stops. The
``beian.retry_stalled`` periodic task (every few seconds, one instance at a time) hands such jobs back to
the queue; another worker takes it, and the runner, finding the 草稿箱 draft by 算法名称, resumes it
instead of starting a second one. Filing jobs go to the ``filing`` queue and housekeeping to its own, so
a check never waits behind hours of filing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import structlog
from procrastinate import App, JobContext, PsycopgConnector, RetryStrategy

from agent.batch.plan import ledger_decision
from agent.bundle import BundleInvalid, load_bundle
from agent.exit_codes import ExitCode
from agent.queue import records
from agent.queue.browsers import BrowserThreads
from agent.queue.enqueue import EnqueueItem, enqueue_async
from agent.queue.records import require_url
from agent.queue.sync import run_sync
from agent.result import RunResult, Until
from agent.run.runner import RunOptions, run_bundle
from agent.settings import Settings
from agent.state.pg_ledger import PostgresLedger
from agent.status import RUN_OK, EnqueueOutcome, JobOutcome, job_outcome

__all__ = [
    "FILING_QUEUE",
    "HOUSEKEEPING_QUEUE",
    "TASK_NAME",
    "FilingFailed",
    "TransientFailure",
    "build_app",
    "enqueue",
    "require_url",
]

_log = structlog.get_logger(__name__)

TASK_NAME = records.TASK_NAME
FILING_QUEUE = "filing"
HOUSEKEEPING_QUEUE = "housekeeping"
STALLED_CHECK_CRON = "*/5 * * * * *"  # croniter's sixth field: seconds
_RETRY_WAIT_S = 60
_TRANSIENT = {ExitCode.PORTAL_UNREACHABLE}


class FilingFailed(Exception):
    """The bundle cannot be filed as it is (invalid, needs a login or a person): not retried."""


class TransientFailure(Exception):
    """The portal or the browser failed in passing: retried after a pause, up to ``[queue] attempts``."""


def build_app(settings: Settings, browsers: BrowserThreads | None = None) -> App:
    """The app for ``settings``; ``browsers`` is needed only by a worker that files bundles."""
    url = require_url(settings)
    app = App(connector=PsycopgConnector(conninfo=url))
    retry = RetryStrategy(
        max_attempts=settings.queue.attempts - 1, wait=_RETRY_WAIT_S, retry_exceptions={TransientFailure}
    )

    @app.task(name=TASK_NAME, queue=FILING_QUEUE, pass_context=True, retry=retry)
    async def file_bundle(context: JobContext, bundle: str, account: str, identity: str, until: str) -> str:
        if browsers is None:
            raise RuntimeError("this process files no bundles; run `beian-agent queue worker`")
        assert context.job.id is not None
        return await _file(settings, url, browsers, context.job.id, Path(bundle), account, Until(until))

    @app.periodic(cron=STALLED_CHECK_CRON, periodic_id="stalled")
    @app.task(
        name="beian.retry_stalled",
        queue=HOUSEKEEPING_QUEUE,
        lock="beian.retry_stalled",
        queueing_lock="beian.retry_stalled",
    )
    async def retry_stalled(timestamp: int) -> int:
        stalled = list(
            await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=settings.queue.stalled_after_s)
        )
        for job in stalled:
            assert job.id is not None
            records.close_lost(url, job.id)
            await app.job_manager.retry_job(job)
            _log.warning(
                "queue_job_requeued", job_id=job.id, lock=job.lock, reason="worker stopped answering"
            )
        return len(stalled)

    if settings.queue.nightly_paths:

        @app.periodic(cron=settings.queue.nightly_cron, periodic_id="nightly")
        @app.task(name="beian.nightly", queue=HOUSEKEEPING_QUEUE, queueing_lock="beian.nightly")
        async def nightly(timestamp: int) -> int:
            items = await enqueue_async(app, settings, settings.queue.nightly_paths, until=Until.CONFIRM)
            queued = sum(item.outcome is EnqueueOutcome.QUEUED for item in items)
            _log.info("queue_nightly_enqueued", queued=queued, bundles=len(items))
            return queued

    return app


async def _file(
    settings: Settings,
    url: str,
    browsers: BrowserThreads,
    job_id: int,
    bundle_dir: Path,
    account: str,
    until: Until,
) -> str:
    ledger = PostgresLedger(url)
    key = str(bundle_dir)
    try:
        bundle = load_bundle(bundle_dir, settings.profile())
    except BundleInvalid as exc:
        raise FilingFailed(
            f"{bundle_dir}: the bundle is no longer valid ({len(exc.errors)} problem(s))"
        ) from None
    record = records.started(url, job_id, key, account, bundle.filing.algorithm.name)
    decision = ledger_decision(ledger.get(key), bundle.content_hash(), until)
    if decision is not None:
        records.finished(url, record, JobOutcome.SKIPPED, None, decision[1])
        return f"skipped: {decision[1]}"
    run_id = ledger.begin_run(f"queue job {job_id}")
    options = RunOptions(until=until)
    result: RunResult = await browsers.run(
        lambda browser: run_bundle(
            bundle_dir, settings, options, ledger=ledger, run_id=run_id, browser=browser
        )
    )
    ledger.finish_run(run_id, {result.status.value: 1})
    error = result.errors[0].message if result.errors else None
    records.finished(url, record, job_outcome(result.status), result.evidence_dir, error)
    if result.status in RUN_OK:
        return f"{result.status.value} (evidence {result.evidence_dir})"
    # The message names the bundle and its evidence only: portal text may quote personal data.
    message = (
        f"{bundle_dir}: {result.status.value} at {result.step_reached}, exit code {int(result.exit_code)}"
    )
    message += f"; evidence in {result.evidence_dir}"
    if result.exit_code in _TRANSIENT or any(e.kind == "browser" for e in result.errors):
        raise TransientFailure(message)
    raise FilingFailed(message)


def enqueue(settings: Settings, paths: Sequence[Path], *, until: Until = Until.CONFIRM) -> list[EnqueueItem]:
    """``queue enqueue``: open the app, defer what ``enqueue_async`` finds to do, close it."""

    async def run() -> list[EnqueueItem]:
        app = build_app(settings)
        async with app.open_async():
            return await enqueue_async(app, settings, paths, until=until)

    return run_sync(run())
