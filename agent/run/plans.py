"""Filing kinds as plans: the runner opens the browser and the session, a plan does the filing.

Today there is one plan, the new filing (新增备案). 变更 and 注销 become plans of their own next to it,
each with its flow, without touching the runner.
"""

from __future__ import annotations

from typing import Protocol

from agent.run.context import RunContext
from agent.run.filing_flow import FilingFlow
from agent.run.outcome import FilingOutcome

__all__ = ["NEW_FILING", "Filing", "FilingPlan", "NewFilingPlan"]


class Filing(Protocol):
    """One plan at work on one bundle; ``run`` may be called again after the session expired."""

    outcome: FilingOutcome

    def run(self) -> FilingOutcome: ...


class FilingPlan(Protocol):
    kind: str

    def start(self, ctx: RunContext) -> Filing: ...


class NewFilingPlan:
    kind = "new"

    def start(self, ctx: RunContext) -> Filing:
        return FilingFlow(ctx)


NEW_FILING = NewFilingPlan()
