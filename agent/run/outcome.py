"""How far a filing got: the filing flow keeps it up to date, the runner turns it into the ``RunResult``."""

from __future__ import annotations

from dataclasses import dataclass, field

from agent.result import FieldCheck, RunError
from agent.status import RunStatus

__all__ = ["FilingOutcome"]


@dataclass
class FilingOutcome:
    """Filled in as the flow goes, so a run that fails half way still tells how far it came."""

    status: RunStatus = RunStatus.FAILED
    step_reached: str = "start"  # or a ledger Checkpoint value
    warnings: list[RunError] = field(default_factory=list)
    # One per field the portal showed differently; the run's ``ReadBackMismatch`` names the first of them.
    read_back_errors: list[RunError] = field(default_factory=list)
    # Every field read back on the portal, in the order of the confirmation page (for the report).
    fields: list[FieldCheck] = field(default_factory=list)
