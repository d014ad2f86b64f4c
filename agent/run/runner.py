"""Filing one bundle: log in, make sure entity and products exist, fill each step, save, check, stop.

The run is idempotent: it always starts from the home page, finds the filing by 算法名称 (continuing
its draft, or learning it was already submitted) and works forward, so a run killed at any moment and
started again ends where an uninterrupted run would. 提交 happens only with both operator flags, once.
"""

from __future__ import annotations

import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import structlog
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError
from structlog.contextvars import bound_contextvars

from agent import progress
from agent.bundle import Bundle, BundleInvalid, load_bundle
from agent.errors import BeianError, LoginRequired, SessionExpired
from agent.exit_codes import ExitCode
from agent.logging import close_run_log, open_run_log
from agent.result import RunError, RunResult, RunStatus, Until
from agent.run.arrival import open_context, open_portal, page_context
from agent.run.browser import launched
from agent.run.evidence import EvidenceDir
from agent.run.filing_flow import FilingFlow
from agent.run.trace import TraceRecorder
from agent.settings import Settings
from agent.state.backend import open_ledger
from agent.state.ledger import RunLedger, Status, bundle_key_for

__all__ = ["RunOptions", "run_bundle"]

_log = structlog.get_logger(__name__)
_SESSION_RETRIES = 3


@dataclass(frozen=True)
class RunOptions:
    until: Until = Until.CONFIRM
    # Submission needs both: the operator asks for it and attests the content is true (CLI flags only).
    submit: bool = False
    confirm_truthful: bool = False
    headed: bool | None = None  # None: as the settings say


def _browser(
    settings: Settings, options: RunOptions, given: Browser | None
) -> AbstractContextManager[Browser]:
    headless = settings.browser.headless if options.headed is None else not options.headed
    b = settings.browser
    return launched(headless=headless, executable=b.executable, slow_mo_ms=b.slow_mo_ms, given=given)


def run_bundle(
    bundle_dir: Path,
    settings: Settings,
    options: RunOptions,
    *,
    ledger: RunLedger | None = None,
    run_id: str | None = None,
    browser: Browser | None = None,
) -> RunResult:
    """File one bundle and return how it ended; never raises for portal or bundle problems.

    ``browser``: a launched Chromium to open a fresh context in (batch workers share one per thread);
    None launches one for this run. ``ledger``/``run_id``: None opens the settings' ledger and begins
    a run of its own.
    """
    started = time.monotonic()
    result = RunResult(bundle=str(bundle_dir), status=RunStatus.FAILED, exit_code=ExitCode.FAILED)
    profile = settings.profile()
    try:
        bundle = load_bundle(bundle_dir, profile)
    except BundleInvalid as exc:
        result.errors = [RunError(e.message, e.path, e.label, "invalid") for e in exc.errors]
        return _finish(result, started)
    result.account, result.algorithm = bundle.account, bundle.filing.algorithm.name
    own_ledger = ledger is None
    ledger = ledger if ledger is not None else open_ledger(settings)
    run_id = run_id if run_id is not None else ledger.begin_run("submit")
    key = bundle_key_for(bundle_dir)
    entry = ledger.get(key)
    if entry is not None and entry.status in (Status.SUBMITTED, Status.ALREADY_SUBMITTED):
        result.status, result.exit_code = RunStatus.ALREADY_SUBMITTED, ExitCode.OK
        result.step_reached = entry.checkpoint or "submitted"
        return _finish(result, started)
    evidence = EvidenceDir.create(settings.paths.evidence_dir, bundle.directory.name)
    result.evidence_dir = str(evidence.path)
    log = _log.bind(
        bundle=bundle.directory.name, account=bundle.account, run_id=run_id, evidence=evidence.path.name
    )
    open_run_log(evidence.path.name, evidence.log_path)
    try:
        with bound_contextvars(evidence=evidence.path.name), _browser(settings, options, browser) as live:
            result.browser_version = live.version
            _drive(bundle, settings, options, live, ledger, run_id, key, evidence, result)
    except BeianError as exc:
        result.errors.append(RunError(str(exc), kind=type(exc).__name__))
        result.exit_code = exc.exit_code
        ledger.mark(key, run_id, _failure_status(exc), error=str(exc))
        progress.stage_failed(str(exc))
        log.error("run_failed", error=str(exc), error_type=type(exc).__name__)
    except (PlaywrightError, AssertionError) as exc:
        # AssertionError: an ``expect`` on the page ran out of time (the page never showed what it should).
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        result.errors.append(RunError(message, kind="browser"))
        ledger.mark(key, run_id, Status.FAILED, error=message)
        progress.stage_failed(message)
        log.error("run_failed", error=message, error_type="browser")
    finally:
        log.info("run_finished", status=result.status.value, step_reached=result.step_reached)
        close_run_log(evidence.path.name)
        evidence.write_result(result.to_json())
        evidence.seal()
        if own_ledger:
            ledger.finish_run(run_id, {result.status.value: 1})
    return _finish(result, started)


def _failure_status(exc: BeianError) -> Status:
    return Status.NEEDS_PERSON if exc.exit_code is ExitCode.NEEDS_PERSON else Status.FAILED


def _finish(result: RunResult, started: float) -> RunResult:
    result.duration_s = time.monotonic() - started
    return result


def _drive(
    bundle: Bundle,
    settings: Settings,
    options: RunOptions,
    browser: Browser,
    ledger: RunLedger,
    run_id: str,
    key: str,
    evidence: EvidenceDir,
    result: RunResult,
) -> None:
    context = open_context(browser, settings, bundle.account)
    trace = TraceRecorder(context, evidence, settings.browser.trace)
    try:
        page = context.new_page()
        ctx = page_context(page, settings)
        flow = FilingFlow(bundle, settings, options, ctx, ledger, run_id, key, evidence, result, trace)
        for attempt in range(1, _SESSION_RETRIES + 1):
            try:
                open_portal(page, settings)
                flow.run()
                return
            except SessionExpired:
                if attempt == _SESSION_RETRIES:
                    raise
                structlog.get_logger(__name__).warning("session_expired_resuming", attempt=attempt)
                flow.forget_session()
        raise LoginRequired("the portal kept asking for a new login")
    finally:
        trace.close()
        context.close()
