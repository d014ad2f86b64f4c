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
from rich.console import Console

from agent.live import LiveView, StageBoard
from agent.logging import configure_logging
from agent.progress import Stage, reporting_to
from agent.settings import Settings

__all__ = ["QuietOption", "VerboseOption", "live_progress", "setup_output", "stream_level"]

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
