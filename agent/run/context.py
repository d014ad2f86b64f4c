"""What one run of one bundle works with, gathered once: flows and plans take this, not ten arguments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from agent.result import Until

if TYPE_CHECKING:
    from structlog.typing import FilteringBoundLogger

    from agent.bundle import Bundle
    from agent.run.evidence import EvidenceDir
    from agent.run.trace import TraceRecorder
    from agent.settings import Settings
    from agent.state.ledger import Ledger
    from flows.pages.base import PageContext

__all__ = ["RunContext", "RunOptions"]


@dataclass(frozen=True)
class RunOptions:
    until: Until = Until.CONFIRM
    # Submission needs both: the operator asks for it and attests the content is true (CLI flags only).
    submit: bool = False
    confirm_truthful: bool = False
    headed: bool | None = None  # None: as the settings say


@dataclass(frozen=True)
class RunContext:
    bundle: Bundle
    settings: Settings
    options: RunOptions
    page: PageContext
    ledger: Ledger
    run_id: str
    bundle_key: str
    evidence: EvidenceDir
    trace: TraceRecorder
    logger: FilteringBoundLogger
