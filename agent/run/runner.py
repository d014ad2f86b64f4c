"""Filing one bundle: log in, make sure entity and products exist, fill each step, save, check, stop.

The run is idempotent: it always starts from the home page, finds the filing by 算法名称 (continuing
its draft, or learning it was already submitted) and works forward, so a run killed at any moment and
started again ends where an uninterrupted run would. 提交 happens only with both operator flags, once.

The runner owns the browser, the session and the ``RunResult``; a plan (``agent.run.plans``) does the
filing and hands back its ``FilingOutcome``.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import structlog
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError
from structlog.contextvars import bound_contextvars

from agent import progress
from agent.bundle import Bundle, BundleInvalid, load_bundle
from agent.errors import (
    BeianError,
    BrowserError,
    LoginRequired,
    ReadBackMismatch,
    RunInterrupted,
    SessionExpired,
    from_browser,
    located,
)
from agent.exit_codes import ExitCode
from agent.logging import close_run_log, open_run_log
from agent.result import RunError, RunResult
from agent.run.arrival import portal_session
from agent.run.browser import launched
from agent.run.context import RunContext, RunOptions
from agent.run.evidence import EvidenceDir
from agent.run.failure import ApiLog, capture_failure
from agent.run.outcome import FilingOutcome
from agent.run.plans import NEW_FILING, Filing, FilingPlan
from agent.run.trace import TraceRecorder
from agent.run.where import where_now
from agent.settings import Settings
from agent.state.backend import clear_session, open_ledger
from agent.state.ledger import RunLedger, bundle_key_for
from agent.status import LEDGER_DONE, RunStatus, ledger_status_after_failure

__all__ = ["RunOptions", "run_bundle"]

_log = structlog.get_logger(__name__)
_SESSION_RETRIES = 3
# The ledger knows the filing as submitted; what the portal did with it since, only ``sync`` reads.
_CHANGED_SINCE = (
    "the bundle changed since it was submitted: if the portal returned the filing (已退回), run "
    "`beian-agent sync` and then submit again; if it was approved, file the change with "
    "`beian-agent change`"
)


def run_bundle(
    target: Bundle | Path,
    settings: Settings,
    options: RunOptions,
    *,
    ledger: RunLedger | None = None,
    run_id: str | None = None,
    browser: Browser | None = None,
    plan: FilingPlan = NEW_FILING,
) -> RunResult:
    """File one bundle and return how it ended; never raises for portal or bundle problems.

    ``target``: the loaded ``Bundle`` (loaded once per run by the caller), or, for callers that only
    have a path, its directory: it is loaded here and an invalid bundle becomes a failed result.
    ``browser``: a launched Chromium to open a fresh context in (batch workers share one per thread);
    None launches one for this run. ``ledger``/``run_id``: None opens the settings' ledger and begins
    a run of its own.
    """
    started = time.monotonic()
    shown = target.shown if isinstance(target, Bundle) else str(target)
    result = RunResult(bundle=shown, status=RunStatus.FAILED, exit_code=ExitCode.FAILED)
    try:
        bundle = target if isinstance(target, Bundle) else load_bundle(target, settings.profile())
    except BundleInvalid as exc:
        result.errors = [RunError(e.message, e.path, e.label, "invalid") for e in exc.errors]
        return _finish(result, started)
    result.account, result.algorithm = bundle.account, bundle.filing.algorithm.name
    own_ledger = ledger is None
    ledger = ledger if ledger is not None else open_ledger(settings)
    # A run is named after its command: submit for a new filing (and its resubmission), change, cancel.
    run_id = (
        run_id
        if run_id is not None
        else ledger.begin_run("submit" if plan.kind == NEW_FILING.kind else plan.kind)
    )
    key = plan.ledger_key(bundle_key_for(bundle.directory if isinstance(target, Bundle) else target), bundle)
    entry = ledger.get(key)
    if entry is not None and entry.status in LEDGER_DONE:
        result.status, result.exit_code = RunStatus.ALREADY_SUBMITTED, ExitCode.OK
        result.step_reached = entry.checkpoint or "submitted"
        if plan.kind == NEW_FILING.kind and entry.content_hash not in (None, bundle.content_hash()):
            result.warnings.append(RunError(_CHANGED_SINCE))
        if own_ledger:
            ledger.finish_run(run_id, {result.status.value: 1})
        return _finish(result, started)
    evidence = EvidenceDir.create(settings.paths.evidence_dir, bundle.directory.name)
    result.evidence_dir = str(evidence.path)
    log = _log.bind(
        bundle=bundle.directory.name, account=bundle.account, run_id=run_id, evidence=evidence.path.name
    )
    open_run_log(evidence.path.name, evidence.log_path)
    progress.start_run()
    outcome = FilingOutcome()
    failure: BeianError | None = None
    interrupted = False
    try:
        with (
            bound_contextvars(evidence=evidence.path.name),
            launched(settings, headed=options.headed, given=browser) as live,
        ):
            result.browser_version = live.version
            outcome = _drive(bundle, settings, options, live, ledger, run_id, key, evidence, log, plan)
    except _Failed as failed:
        outcome, failure = failed.outcome, failed.error
    except (BeianError, PlaywrightError, AssertionError) as exc:
        failure = from_browser(exc)  # the browser did not start
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM where the command turns it into one
        interrupted = True
        failure = RunInterrupted("interrupted; the next run resumes from the last saved step")
        raise
    finally:
        if failure is not None:
            if not interrupted:  # an interrupted run's ledger stays at its last checkpoint: it resumes
                ledger.mark(key, run_id, ledger_status_after_failure(failure.exit_code), error=str(failure))
            progress.stage_failed(str(failure))
            log.error("run_failed", error=str(failure), error_type=failure.kind)
        _apply(result, outcome, failure)
        log.info("run_finished", status=result.status.value, step_reached=result.step_reached)
        close_run_log(evidence.path.name)
        _finish(result, started)
        if interrupted:
            result.exit_code = ExitCode.INTERRUPTED
        evidence.write_result(result.to_json())
        evidence.seal()
        if own_ledger:
            ledger.finish_run(run_id, {result.status.value: 1})
    return result


class _Failed(Exception):
    """Carries the outcome so far past the browser's context managers, with the error that ended it."""

    def __init__(self, outcome: FilingOutcome, error: BeianError):
        super().__init__(str(error))
        self.outcome, self.error = outcome, error


def _apply(result: RunResult, outcome: FilingOutcome, failure: BeianError | None) -> None:
    """The one place a filing's outcome (and the error that ended it) becomes the ``RunResult``."""
    result.status, result.step_reached = outcome.status, outcome.step_reached
    result.warnings = list(outcome.warnings)
    where = f"{failure.page}: " if failure is not None and failure.page else ""
    # Each field that differs, named with the page it was read on (as every error is).
    result.errors = [replace(e, message=where + e.message) for e in outcome.read_back_errors]
    result.fields = list(outcome.fields)
    result.exit_code = ExitCode.FAILED if outcome.status is RunStatus.FAILED else ExitCode.OK
    if failure is None:
        return
    # A read-back failure is reported as the fields that differ, each once; the exception names the first.
    if not (isinstance(failure, ReadBackMismatch) and outcome.read_back_errors):
        result.errors.append(RunError(str(failure), failure.path, failure.label, failure.kind))
    if not isinstance(failure, BrowserError):
        result.exit_code = failure.exit_code


def _finish(result: RunResult, started: float) -> RunResult:
    result.duration_s = time.monotonic() - started
    return result


def _forget_session(settings: Settings, account_name: str) -> None:
    clear_session(settings, account_name)


def _drive(
    bundle: Bundle,
    settings: Settings,
    options: RunOptions,
    browser: Browser,
    ledger: RunLedger,
    run_id: str,
    key: str,
    evidence: EvidenceDir,
    log: structlog.typing.FilteringBoundLogger,
    plan: FilingPlan,
) -> FilingOutcome:
    with portal_session(browser, settings, bundle.account) as session:
        trace = TraceRecorder(session.context, evidence, settings.browser.trace)
        filing: Filing | None = None
        api: ApiLog | None = None
        failed = True
        try:
            trace.resume()  # the whole run is recorded; personal values are masked when it is written
            api = ApiLog(session.page, settings.profile().site["api_prefix"])
            run = RunContext(
                bundle, settings, options, session.ctx, ledger, run_id, key, evidence, trace, log
            )
            filing = plan.start(run)
            for attempt in range(1, _SESSION_RETRIES + 1):
                try:
                    session.open()
                    done = filing.run()
                    failed = False
                    return done
                except SessionExpired:
                    if attempt == _SESSION_RETRIES:
                        raise
                    log.warning("session_expired_resuming", attempt=attempt)
                    _forget_session(settings, bundle.account)
            raise LoginRequired("the portal kept asking for a new login")
        except (BeianError, PlaywrightError, AssertionError) as exc:
            here = where_now(bundle, settings.profile())
            error = located(from_browser(exc), here.page, here.action)
            # Evidence is taken now, while the page still shows what went wrong.
            capture_failure(session.page, evidence, error, where=here, api=api)
            raise _Failed(filing.outcome if filing is not None else FilingOutcome(), error) from exc
        except KeyboardInterrupt:
            here = where_now(bundle, settings.profile())
            capture_failure(session.page, evidence, "interrupted", where=here, api=api)
            raise
        finally:
            trace.close(failed=failed)
