"""Many bundles in one unattended run: the lock, per-account serialisation, bounded parallelism.

``run_batch`` takes the run lock of the state directory, plans (``agent.batch_plan``), then hands whole
account groups to at most ``concurrency`` worker threads. A worker runs its group's bundles one after
the other, because the portal keeps one session per entity; different accounts run side by side, each
worker in its own Playwright instance and browser (the sync API is bound to the thread that started it),
each bundle in a fresh browser context opened by the runner.

One bundle's failure never stops the others. Two failures do stop what cannot succeed: once an account
needs a login, its remaining bundles are not started; once the portal is unreachable, no new bundle is
started. Those bundles are reported ``not_run``, and the next run picks them up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import structlog
from playwright.sync_api import Browser

from agent.batch_plan import BatchItem, BatchPlan, Outcome, discover_bundles, plan_batch
from agent.browser import launch_options
from agent.bundle import Bundle
from agent.errors import SettingsError
from agent.exit_codes import ExitCode
from agent.ledger import Ledger, bundle_key_for
from agent.lock import RunLock
from agent.profile import PortalProfile
from agent.result import RunResult, RunStatus, Until
from agent.runner import RunOptions, run_bundle
from agent.settings import Settings

__all__ = [
    "BatchObserver",
    "BatchOptions",
    "BatchReport",
    "BrowserFactory",
    "Runner",
    "batch_exit_code",
    "launch_chromium",
    "run_batch",
]

_log = structlog.get_logger(__name__)


class Runner(Protocol):
    def __call__(
        self,
        bundle_dir: Path,
        settings: Settings,
        options: RunOptions,
        *,
        ledger: Ledger | None = None,
        run_id: str | None = None,
        browser: Browser | None = None,
    ) -> RunResult: ...


BrowserFactory = Callable[[Settings], AbstractContextManager[Browser | None]]


class BatchObserver(Protocol):
    """Progress: told the plan, and each bundle's start and end (from worker threads)."""

    def planned(self, plan: BatchPlan) -> None: ...
    def started(self, bundle: Bundle) -> None: ...
    def finished(self, item: BatchItem) -> None: ...


@dataclass(frozen=True)
class BatchOptions:
    until: Until = Until.CONFIRM
    concurrency: int = 2
    recheck: bool = False  # run bundles the ledger has at the asked-for stage with the same content

    def to_json(self) -> dict[str, Any]:
        return {"until": self.until.value, "concurrency": self.concurrency, "recheck": self.recheck}


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
        counts = {outcome.value: 0 for outcome in Outcome}
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


@contextmanager
def launch_chromium(settings: Settings) -> Iterator[Browser]:
    """One Playwright instance and browser for the calling thread."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        options = launch_options(headless=settings.browser.headless, executable=settings.browser.executable)
        browser = playwright.chromium.launch(slow_mo=settings.browser.slow_mo_ms, **options)
        try:
            yield browser
        finally:
            browser.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def run_batch(
    paths: Sequence[Path],
    settings: Settings,
    options: BatchOptions,
    *,
    runner: Runner = run_bundle,
    browsers: BrowserFactory = launch_chromium,
    observer: BatchObserver | None = None,
    profile: PortalProfile | None = None,
    stop: threading.Event | None = None,
    command: str = "batch",
) -> BatchReport:
    """Validate, plan and run every bundle under ``paths``; raises ``LockHeld`` if a run holds the lock.

    ``stop`` (set from a signal handler) lets the bundles in flight finish and starts no new one.
    """
    bundle_dirs = discover_bundles(paths)
    if not bundle_dirs:
        shown = ", ".join(str(p) for p in paths)
        raise SettingsError(f"no bundles found in {shown} — a bundle is a directory holding filing.toml")
    with RunLock(settings.lock_path, command=command):
        ledger = Ledger(settings.ledger_path)
        plan = plan_batch(
            bundle_dirs, settings, ledger, until=options.until, profile=profile, recheck=options.recheck
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
        scheduler = _Scheduler(plan, settings, options, ledger, run_id, runner, browsers, observer, stop)
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


class _Scheduler:
    def __init__(
        self,
        plan: BatchPlan,
        settings: Settings,
        options: BatchOptions,
        ledger: Ledger,
        run_id: str,
        runner: Runner,
        browsers: BrowserFactory,
        observer: BatchObserver | None,
        stop: threading.Event | None,
    ) -> None:
        self.plan, self.settings, self.options = plan, settings, options
        self.ledger, self.run_id, self.runner, self.browsers = ledger, run_id, runner, browsers
        self.observer = observer
        self.stop = stop or threading.Event()
        self.browser_versions: set[str] = set()
        self._lock = threading.Lock()
        self._items: dict[str, BatchItem] = {item.bundle: item for item in plan.decided}
        # Biggest groups first: the longest serial chains start early, so the batch ends sooner.
        self._queue = sorted(plan.groups, key=lambda k: -len(plan.groups[k]))
        self._login_needed: dict[str, str] = {}
        self._unreachable: str | None = None

    def run(self) -> bool:
        if self.observer is not None:
            self.observer.planned(self.plan)
        workers = [
            threading.Thread(target=self._work, name=f"batch-worker-{n}", daemon=True)
            for n in range(min(self.options.concurrency, len(self._queue)))
        ]
        for worker in workers:
            worker.start()
        interrupted = False
        try:
            for worker in workers:
                # A timed join keeps the main thread able to take KeyboardInterrupt.
                while worker.is_alive():
                    worker.join(0.2)
        except KeyboardInterrupt:
            interrupted = True
            self.stop.set()
            _log.warning("batch_interrupted", note="finishing the bundles in flight; none is started")
            for worker in workers:
                worker.join()
        return interrupted or self.stop.is_set()

    def items_in_order(self) -> list[BatchItem]:
        with self._lock:
            return [self._items[key] for key in self.plan.order if key in self._items]

    def _next_group(self) -> list[Bundle] | None:
        with self._lock:
            return self.plan.groups[self._queue.pop(0)] if self._queue else None

    def _record(self, item: BatchItem) -> None:
        with self._lock:
            self._items[item.bundle] = item
        if self.observer is not None:
            self.observer.finished(item)

    def _work(self) -> None:
        stack = ExitStack()
        browser: Browser | None = None
        launched = False
        try:
            while (group := self._next_group()) is not None:
                if launched and browser is not None and not browser.is_connected():
                    # A crashed browser would fail every bundle after it: start a new one.
                    stack.close()
                    launched = False
                if not launched and not self._blocked(group[0]):
                    try:
                        browser = stack.enter_context(self.browsers(self.settings))
                        launched = True
                        if browser is not None:
                            with self._lock:
                                self.browser_versions.add(browser.version)
                    except Exception as exc:
                        _log.exception("browser_launch_failed")
                        stack.close()
                        for bundle in group:
                            self._record(_item(bundle, Outcome.FAILED, f"the browser did not start: {exc}"))
                        continue
                for bundle in group:
                    self._run_one(bundle, browser)
        finally:
            stack.close()

    def _blocked(self, bundle: Bundle) -> tuple[str, ExitCode] | None:
        if self.stop.is_set():
            return "interrupted before it started; the next run does it", ExitCode.INTERRUPTED
        with self._lock:
            if self._unreachable is not None:
                return f"not started: the portal is unreachable ({self._unreachable})", (
                    ExitCode.PORTAL_UNREACHABLE
                )
            login = self._login_needed.get(bundle.account)
        if login is not None:
            return login, ExitCode.LOGIN_REQUIRED
        return None

    def _run_one(self, bundle: Bundle, browser: Browser | None) -> None:
        blocked = self._blocked(bundle)
        if blocked is not None:
            note, code = blocked
            self._record(_item(bundle, Outcome.NOT_RUN, note, exit_code=code))
            return
        if self.observer is not None:
            self.observer.started(bundle)
        clock = time.monotonic()
        with structlog.contextvars.bound_contextvars(bundle=str(bundle.directory), account=bundle.account):
            try:
                result = self.runner(
                    bundle.directory,
                    self.settings,
                    RunOptions(until=self.options.until),
                    ledger=self.ledger,
                    run_id=self.run_id,
                    browser=browser,
                )
            except Exception as exc:
                # The runner reports portal and bundle problems itself; this is a bug, isolated here.
                _log.exception("bundle_run_crashed")
                item = _item(bundle, Outcome.FAILED, f"internal error: {type(exc).__name__}: {exc}")
                item.duration_s = time.monotonic() - clock
                self._record(item)
                return
        item = _from_result(bundle, result, self.options.until)
        if item.exit_code is ExitCode.LOGIN_REQUIRED:
            with self._lock:
                self._login_needed[bundle.account] = (
                    f"not started: account {bundle.account} needs a login — run `beian-agent login` "
                    "for it on a machine with a screen, then re-run the batch"
                )
        elif item.exit_code is ExitCode.PORTAL_UNREACHABLE:
            with self._lock:
                self._unreachable = item.errors[0]["message"] if item.errors else "no answer"
        self._record(item)


def _item(bundle: Bundle, outcome: Outcome, note: str, *, exit_code: ExitCode | None = None) -> BatchItem:
    failed = outcome is Outcome.FAILED
    return BatchItem(
        bundle=bundle_key_for(bundle.directory),
        outcome=outcome,
        account=bundle.account,
        algorithm=bundle.filing.algorithm.name,
        content_hash=bundle.content_hash(),
        note=note,
        errors=[{"kind": "error", "path": None, "label": None, "message": note}] if failed else [],
        exit_code=exit_code if exit_code is not None else (ExitCode.FAILED if failed else ExitCode.OK),
    )


_OUTCOME_OF = {
    RunStatus.READY: Outcome.READY,
    RunStatus.SAVED: Outcome.SAVED,
    RunStatus.SUBMITTED: Outcome.SUBMITTED,
    RunStatus.ALREADY_SUBMITTED: Outcome.ALREADY_SUBMITTED,
    RunStatus.FAILED: Outcome.FAILED,
}


def _from_result(bundle: Bundle, result: RunResult, until: Until) -> BatchItem:
    outcome, note, code = _OUTCOME_OF[result.status], "", result.exit_code
    if code is ExitCode.NEEDS_PERSON:
        outcome = Outcome.NEEDS_PERSON
    elif outcome is not Outcome.FAILED and code is not ExitCode.OK:
        outcome = Outcome.FAILED
    elif outcome is Outcome.SAVED and until is Until.CONFIRM:
        outcome, note = Outcome.FAILED, "saved as a draft but the confirmation page was not reached"
    if outcome is Outcome.FAILED and code is ExitCode.OK:
        code = ExitCode.FAILED
    return BatchItem(
        bundle=bundle_key_for(bundle.directory),
        outcome=outcome,
        account=result.account or bundle.account,
        algorithm=result.algorithm or bundle.filing.algorithm.name,
        content_hash=bundle.content_hash(),
        note=note,
        step_reached=result.step_reached,
        duration_s=result.duration_s,
        evidence_dir=result.evidence_dir,
        browser_version=result.browser_version,
        errors=[e.to_json() for e in result.errors],
        exit_code=code,
    )
