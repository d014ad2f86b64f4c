"""What the run commands print besides their result: the live view on a terminal, and which log lines.

On a terminal the operator sees the live stage view and only warnings and errors among the log lines
(``-v`` info, ``-vv`` debug); without one (cron, CI, pipes) the log is JSON lines at the configured
level and there is no live view. ``--quiet`` leaves only the result, ``--json`` the JSON result. The
run's ``log.jsonl`` gets every event whatever is shown (``agent.logging``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Annotated

import typer
from playwright.sync_api import Error as PlaywrightError
from rich.console import Console

from agent import progress
from agent.errors import BeianError
from agent.exit_codes import ExitCode
from agent.live import LiveView, StageBoard
from agent.logging import configure_logging
from agent.progress import Stage, reporting_to
from agent.settings import Settings

__all__ = [
    "QuietOption",
    "VerboseOption",
    "fail",
    "failures_exit",
    "live_progress",
    "setup_output",
    "stream_level",
]

VerboseOption = Annotated[
    int,
    typer.Option("-v", "--verbose", count=True, help="Show log lines on the terminal: -v info, -vv debug."),
]
QuietOption = Annotated[
    bool, typer.Option("-q", "--quiet", help="Print only the result: no live view, no log lines.")
]


def stream_level(settings: Settings, *, verbose: int, quiet: bool, terminal: bool) -> str:
    """The lowest level of log line printed on stderr."""
    if quiet:
        return "CRITICAL"
    if verbose:
        return "DEBUG" if verbose > 1 else "INFO"
    if "level" in settings.logging.model_fields_set or not terminal:
        return settings.logging.level  # asked for in the config, or a log file read later
    return "WARNING"  # the live view tells where the run is


def setup_output(settings: Settings, *, verbose: int = 0, quiet: bool = False, as_json: bool = False) -> bool:
    """Configure logging for a run command; True if the live view should be drawn."""
    terminal = sys.stderr.isatty()
    level = stream_level(settings, verbose=verbose, quiet=quiet, terminal=terminal)
    configure_logging(level, settings.logging.json_output)
    return terminal and not quiet and not as_json


@contextmanager
def live_progress(enabled: bool, header: str, titles: Mapping[Stage, str]) -> Iterator[None]:
    """Draw the stage view on stderr and send this thread's progress to it, if ``enabled``."""
    if not enabled:
        yield
        return
    with LiveView(StageBoard(header, titles), Console(stderr=True)) as view, reporting_to(view.feed):
        yield


def fail(message: str, code: ExitCode) -> typer.Exit:
    """Print ``message`` as the command's error and give the exit to raise."""
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(int(code))


@contextmanager
def failures_exit() -> Iterator[None]:
    """A command's portal work: an error ends the live view's stage as failed, then exits with its code."""
    try:
        yield
    except BeianError as exc:
        progress.stage_failed(str(exc))
        raise fail(str(exc), exc.exit_code) from None
    except PlaywrightError as exc:
        # Only the first line: the rest is Playwright's call log, which may quote what was typed.
        message = str(exc).splitlines()[0] if str(exc) else "the browser failed"
        progress.stage_failed(message)
        raise fail(message, ExitCode.FAILED) from None
