"""Filing one bundle: log in, make sure entity and products exist, fill each step, save, check, stop.

(The implementation is being written; this module's public API is fixed.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser

from agent.ledger import Ledger
from agent.result import RunResult, Until
from agent.settings import Settings

__all__ = ["RunOptions", "run_bundle"]


@dataclass(frozen=True)
class RunOptions:
    until: Until = Until.CONFIRM
    # Submission needs both: the operator asks for it and attests the content is true (CLI flags only).
    submit: bool = False
    confirm_truthful: bool = False
    headed: bool | None = None  # None: as the settings say


def run_bundle(
    bundle_dir: Path,
    settings: Settings,
    options: RunOptions,
    *,
    ledger: Ledger | None = None,
    run_id: str | None = None,
    browser: Browser | None = None,
) -> RunResult:
    """File one bundle and return how it ended; never raises for portal or bundle problems.

    ``browser``: a launched Chromium to open a fresh context in (batch workers share one per thread);
    None launches one for this run. ``ledger``/``run_id``: None opens the settings' ledger and begins
    a run of its own.
    """
    raise NotImplementedError
