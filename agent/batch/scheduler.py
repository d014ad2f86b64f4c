"""The workers of a batch: whole account groups per thread, each thread with its own Playwright.

A worker takes the next account group, gets its browser on first use from the factory (by default a
connection of its own to the batch's one Chromium, ``agent.run.shared_browser``; the Playwright sync API
is bound to the thread that started it), and runs the group's bundles one after the other. It records
each bundle's outcome as it ends and stops taking bundles when told to stop, when the bundle's account
needs a login, or when the portal is unreachable.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

import structlog
from playwright.sync_api import Browser

from agent import progress
from agent.batch.plan import BatchItem, BatchPlan
from agent.bundle import Bundle
from agent.exit_codes import ExitCode
from agent.progress import ProgressEvent, ProgressSink
from agent.result import RunResult, Until
from agent.run.runner import RunOptions
from agent.settings import Settings
from agent.state.ledger import RunLedger, bundle_key_for
from agent.status import BatchOutcome, batch_outcome

__all__ = ["BatchObserver", "BatchOptions", "BrowserFactory", "Runner", "Scheduler"]

_log = structlog.get_logger(__name__)


class Runner(Protocol):
    def __call__(
        self,
        bundle: Bundle,
        /,
        settings: Settings,
        options: RunOptions,
        *,
        ledger: RunLedger | None = None,
        run_id: str | None = None,
        browser: Browser | None = None,
    ) -> RunResult: ...


BrowserFactory = Callable[[Settings], AbstractContextManager[Browser | None]]


class BatchObserver(Protocol):
    """Progress: told the plan, each bundle's start and end, and its stages as it runs (``stage``,
    from the worker thread running it)."""

    def planned(self, plan: BatchPlan) -> None: ...
    def started(self, bundle: Bundle) -> None: ...
    def stage(self, bundle: Bundle, event: ProgressEvent) -> None: ...
    def finished(self, item: BatchItem) -> None: ...


@dataclass(frozen=True)
class BatchOptions:
    until: Until = Until.CONFIRM
    concurrency: int = 2
    recheck: bool = False  # run bundles the ledger has at the asked-for stage with the same content

    def to_json(self) -> dict[str, Any]:
        return {"until": self.until.value, "concurrency": self.concurrency, "recheck": self.recheck}


class Scheduler:
    def __init__(
        self,
        plan: BatchPlan,
        settings: Settings,
        options: BatchOptions,
        ledger: RunLedger,
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
                            self._record(
                                _item(bundle, BatchOutcome.FAILED, f"the browser did not start: {exc}")
                            )
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

    def _stage_sink(self, bundle: Bundle) -> ProgressSink | None:
        observer = self.observer
        return None if observer is None else partial(observer.stage, bundle)

    def _run_one(self, bundle: Bundle, browser: Browser | None) -> None:
        blocked = self._blocked(bundle)
        if blocked is not None:
            note, code = blocked
            self._record(_item(bundle, BatchOutcome.NOT_RUN, note, exit_code=code))
            return
        if self.observer is not None:
            self.observer.started(bundle)
        clock = time.monotonic()
        sink = self._stage_sink(bundle)
        with (
            structlog.contextvars.bound_contextvars(bundle=str(bundle.directory), account=bundle.account),
            # Installed in this worker thread only: each running bundle reports its own stages.
            progress.reporting_to(sink) if sink is not None else nullcontext(),
        ):
            try:
                result = self.runner(
                    bundle,
                    self.settings,
                    RunOptions(until=self.options.until),
                    ledger=self.ledger,
                    run_id=self.run_id,
                    browser=browser,
                )
            except Exception as exc:
                # The runner reports portal and bundle problems itself; this is a bug, isolated here.
                _log.exception("bundle_run_crashed")
                item = _item(bundle, BatchOutcome.FAILED, f"internal error: {type(exc).__name__}: {exc}")
                item.duration_s = time.monotonic() - clock
                self._record(item)
                return
        item = _from_result(bundle, result, self.options.until)
        if item.exit_code is ExitCode.LOGIN_REQUIRED:
            with self._lock:
                self._login_needed[bundle.account] = (
                    f"not started: account {bundle.account} needs a login — run `beian-agent login --account "
                    f"{bundle.account}` on a machine with a screen, then re-run the batch"
                )
        elif item.exit_code is ExitCode.PORTAL_UNREACHABLE:
            with self._lock:
                self._unreachable = item.errors[0]["message"] if item.errors else "no answer"
        self._record(item)


def _item(
    bundle: Bundle, outcome: BatchOutcome, note: str, *, exit_code: ExitCode | None = None
) -> BatchItem:
    failed = outcome is BatchOutcome.FAILED
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


def _from_result(bundle: Bundle, result: RunResult, until: Until) -> BatchItem:
    outcome, note, code = batch_outcome(result.status, result.exit_code, confirm_asked=until is Until.CONFIRM)
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
