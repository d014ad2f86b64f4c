"""Many bundles in one unattended run: the lock, per-account serialisation, bounded parallelism.

``run_batch`` takes the run lock of the state directory, plans (``agent.batch.plan``), then hands whole
account groups to at most ``concurrency`` worker threads. A worker runs its group's bundles one after
the other, because the portal keeps one session per entity; different accounts run side by side, each
worker in its own thread and Playwright instance (the sync API is bound to the thread that started it),
all of them connected to one Chromium for the whole batch (``agent.run.shared_browser``), each bundle in
a fresh browser context opened by the runner.

One bundle's failure never stops the others. Two failures do stop what cannot succeed: once an account
needs a login, its remaining bundles are not started; once the portal is unreachable, no new bundle is
started. Those bundles are reported ``not_run``, and the next run picks them up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import structlog

from agent.batch.lock import RunLock
from agent.batch.plan import BatchItem, plan_batch
from agent.batch.scheduler import BatchObserver, BatchOptions, BrowserFactory, Runner, Scheduler
from agent.bundle import Bundle, BundleInvalid, discover_bundles
from agent.errors import SettingsError
from agent.exit_codes import ExitCode
from agent.profile import PortalProfile
from agent.run.runner import run_bundle
from agent.run.shared_browser import SharedChromium
from agent.settings import Settings
from agent.state.backend import open_ledger
from agent.status import BatchOutcome

__all__ = [
    "BatchObserver",
    "BatchOptions",
    "BatchReport",
    "BrowserFactory",
    "Runner",
    "batch_exit_code",
    "run_batch",
]

_log = structlog.get_logger(__name__)


@dataclass
class BatchReport:
    run_id: str
    started: str
    finished: str
    duration_s: float
    options: BatchOptions
    items: list[BatchItem]  # in the order the bundles were given
    browser_versions: list[str] = field(default_factory=list)
    interrupted: bool = False

    @property
    def exit_code(self) -> ExitCode:
        return batch_exit_code(self.items, interrupted=self.interrupted)

    def summary(self) -> dict[str, int]:
        counts = {outcome.value: 0 for outcome in BatchOutcome}
        for item in self.items:
            counts[item.outcome.value] += 1
        return {"total": len(self.items), "ok": sum(i.ok for i in self.items), **counts}


# Most pressing first: what a person must do before anything else can succeed.
_EXIT_PRIORITY = (ExitCode.LOGIN_REQUIRED, ExitCode.PORTAL_UNREACHABLE, ExitCode.NEEDS_PERSON)


def batch_exit_code(items: Sequence[BatchItem], *, interrupted: bool = False) -> ExitCode:
    """130 interrupted, then 3 login, 4 unreachable, 6 needs a person, 1 any other failure, else 0."""
    if interrupted:
        return ExitCode.INTERRUPTED
    codes = {item.exit_code for item in items}
    for code in _EXIT_PRIORITY:
        if code in codes:
            return code
    return ExitCode.OK if all(item.ok for item in items) else ExitCode.FAILED


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def run_batch(
    paths: Sequence[Path],
    settings: Settings,
    options: BatchOptions,
    *,
    runner: Runner = run_bundle,
    browsers: BrowserFactory | None = None,
    observer: BatchObserver | None = None,
    profile: PortalProfile | None = None,
    stop: threading.Event | None = None,
    command: str = "batch",
    loaded: Mapping[Path, Bundle | BundleInvalid] | None = None,
) -> BatchReport:
    """Validate, plan and run every bundle under ``paths``; raises ``LockHeld`` if a run holds the lock.

    ``stop`` (set from a signal handler) lets the bundles in flight finish and starts no new one.
    ``loaded``: the bundles already read (``load_bundles``), so none is parsed twice.
    ``browsers``: None shares one Chromium between the workers (``SharedChromium``), started when the
    first bundle runs and stopped at the end.
    """
    bundle_dirs = discover_bundles(paths)
    if not bundle_dirs:
        shown = ", ".join(str(p) for p in paths)
        raise SettingsError(f"no bundles found in {shown} — a bundle is a directory holding filing.toml")
    with RunLock(settings.lock_path, command=command):
        ledger = open_ledger(settings)
        plan = plan_batch(
            bundle_dirs,
            settings,
            ledger,
            until=options.until,
            profile=profile,
            recheck=options.recheck,
            loaded=loaded,
        )
        run_id = ledger.begin_run(command)
        started, clock = _now(), time.monotonic()
        _log.info(
            "batch_started",
            run_id=run_id,
            bundles=len(plan.order),
            to_run=plan.to_run,
            accounts=len(plan.groups),
            **options.to_json(),
        )
        with SharedChromium(settings) as shared:
            factory = browsers if browsers is not None else shared.connected
            scheduler = Scheduler(plan, settings, options, ledger, run_id, runner, factory, observer, stop)
            interrupted = scheduler.run()
        report = BatchReport(
            run_id=run_id,
            started=started,
            finished=_now(),
            duration_s=time.monotonic() - clock,
            options=options,
            items=scheduler.items_in_order(),
            browser_versions=sorted(scheduler.browser_versions),
            interrupted=interrupted,
        )
        ledger.finish_run(run_id, report.summary())
    _log.info("batch_finished", run_id=run_id, exit_code=int(report.exit_code), **report.summary())
    return report
