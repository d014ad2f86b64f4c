"""``beian-agent batch PATH...``: file many bundles, unattended, then report (see docs/batch.md)."""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer
from rich.console import Console

from agent.batch.entry import BatchObserver, BatchOptions, BatchReport, run_batch
from agent.batch.plan import discover_bundles, load_bundles
from agent.batch.report import LogProgress, RichProgress, print_summary, report_document, write_reports
from agent.bundle import Bundle
from agent.cli.options import ConfigOption, JsonOption, PortalUrlOption, StateDirOption
from agent.errors import BeianError, LockHeld
from agent.exit_codes import ExitCode
from agent.logging import configure_logging
from agent.result import Until
from agent.settings import Settings, load_settings

__all__ = ["batch", "register"]


def _fail(message: str, code: ExitCode) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(int(code))


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """systemd and CI stop jobs with SIGTERM: treat it like Ctrl-C, so the bundles in flight finish."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _observer(stack: ExitStack) -> BatchObserver:
    if sys.stderr.isatty():
        return stack.enter_context(RichProgress(Console(stderr=True)))
    return LogProgress()


def _login_hint(report: BatchReport) -> str:
    accounts = sorted(
        {i.account for i in report.items if i.exit_code is ExitCode.LOGIN_REQUIRED and i.account}
    )
    commands = "; ".join(f"beian-agent login --account {account}" for account in accounts)
    return (
        f"the saved session of {', '.join(accounts)} is no longer accepted and this run may not log in "
        f"unattended; log in again on a machine with a screen ({commands}), then re-run the batch"
    )


def batch(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Bundle directories, directories of bundles, or manifest files listing them."),
    ],
    concurrency: Annotated[
        int | None,
        typer.Option("--concurrency", min=1, help="Accounts run in parallel (default: [batch] concurrency)."),
    ] = None,
    until: Annotated[Until, typer.Option("--until", help="Stop at the draft or the confirmation page.")] = (
        Until.CONFIRM
    ),
    as_json: JsonOption = False,
    report_dir: Annotated[
        Path | None,
        typer.Option("--report", help="Directory for report.json and report.html (default: in evidence)."),
    ] = None,
    mock: Annotated[
        bool,
        typer.Option(
            "--mock", help="Rehearse against the embedded mock portal; nothing reaches the real one."
        ),
    ] = False,
    recheck: Annotated[
        bool,
        typer.Option("--recheck", help="Run bundles the ledger has as ready with the same content again."),
    ] = False,
    config: ConfigOption = None,
    state_dir: StateDirOption = None,
    portal_url: PortalUrlOption = None,
) -> None:
    """File many bundles unattended: validate all, run valid ones per account in parallel, report.

    Never prompts and never submits. Exit 0 all ready, 1 some failed or invalid, 2 usage, 3 a login is
    needed, 4 portal unreachable, 5 another run holds the lock, 6 a person must check, 130 interrupted.
    """
    try:
        settings = load_settings(
            config,
            paths__state_dir=state_dir,
            portal__base_url=portal_url,
            batch__concurrency=concurrency,
        )
    except BeianError as exc:
        raise _fail(str(exc), exc.exit_code) from None
    configure_logging(settings.logging.level, settings.logging.json_output)
    options = BatchOptions(until=until, concurrency=settings.batch.concurrency, recheck=recheck)
    try:
        with ExitStack() as stack:
            run_settings: Settings = settings
            loaded = None
            if mock:
                from agent.run.rehearsal import mock_rehearsal

                # Read once: the rehearsal provisions the valid ones, the batch plans and runs the same.
                loaded = load_bundles(discover_bundles(paths), None)
                valid = [b for b in loaded.values() if isinstance(b, Bundle)]
                run_settings = stack.enter_context(mock_rehearsal(valid, settings, state_dir=state_dir))
            observer = _observer(stack)
            with _sigterm_as_interrupt():
                report = run_batch(paths, run_settings, options, observer=observer, loaded=loaded)
            stack.close()  # the progress bar is gone before the summary prints
    except LockHeld as exc:
        raise _fail(f"{exc}; this run did nothing", ExitCode.LOCKED) from None
    except KeyboardInterrupt:
        raise _fail("interrupted before any bundle started", ExitCode.INTERRUPTED) from None
    except BeianError as exc:
        raise _fail(str(exc), exc.exit_code) from None
    directory = report_dir or run_settings.paths.evidence_dir / f"batch-{report.run_id}"
    json_path, html_path = write_reports(report, run_settings, directory)
    if as_json:
        document = report_document(report, run_settings, directory)
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print_summary(report)
    typer.echo(f"reports: {json_path} {html_path}", err=True)
    if report.exit_code is ExitCode.LOGIN_REQUIRED:
        typer.echo(f"Error: {_login_hint(report)}", err=True)
    raise typer.Exit(int(report.exit_code))


def register(app: typer.Typer) -> None:
    app.command("batch")(batch)
