"""Filing kinds as plans: the runner opens the browser and the session, a plan does the filing.

The new filing (新增备案), 变更 and 注销 of an approved filing. Each plan names the ledger row its
checkpoints go to: the bundle's own for a new filing (and its resubmission after a return), a row per
changed content for a 变更, one row for the 注销.
"""

from __future__ import annotations

from typing import Protocol

from agent.bundle import Bundle
from agent.run.change_flow import CancelFlow, ChangeFlow
from agent.run.context import RunContext
from agent.run.filing_flow import FilingFlow
from agent.run.outcome import FilingOutcome
from agent.state.plan_keys import cancel_key, change_key

__all__ = ["NEW_FILING", "CancelPlan", "ChangePlan", "Filing", "FilingPlan", "NewFilingPlan"]


class Filing(Protocol):
    """One plan at work on one bundle; ``run`` may be called again after the session expired."""

    outcome: FilingOutcome

    def run(self) -> FilingOutcome: ...


class FilingPlan(Protocol):
    kind: str

    def ledger_key(self, bundle_key: str, bundle: Bundle) -> str: ...

    def start(self, ctx: RunContext) -> Filing: ...


class NewFilingPlan:
    kind = "new"

    def ledger_key(self, bundle_key: str, bundle: Bundle) -> str:
        return bundle_key

    def start(self, ctx: RunContext) -> Filing:
        return FilingFlow(ctx)


class ChangePlan:
    """变更 of the approved filing from the changed bundle; one ledger row per content filed."""

    kind = "change"

    def ledger_key(self, bundle_key: str, bundle: Bundle) -> str:
        return change_key(bundle_key, bundle.content_hash())

    def start(self, ctx: RunContext) -> Filing:
        return ChangeFlow(ctx)


class CancelPlan:
    """注销 of the approved filing with the operator's reason."""

    kind = "cancel"

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def ledger_key(self, bundle_key: str, bundle: Bundle) -> str:
        return cancel_key(bundle_key)

    def start(self, ctx: RunContext) -> Filing:
        return CancelFlow(ctx, self.reason)


NEW_FILING = NewFilingPlan()
