"""变更 and 注销 of an approved filing, as plans of the run core (``agent.run.plans``).

Both start like a new filing (arrival, the session, evidence, checkpoints in the ledger under a key of
their own) and find the filing in 备案信息 by 算法名称:

- 变更 first lists what the bundle changes against the approved filing's 查看 page (nothing is written
  before), then 变更 → the prefilled wizard, filled and read back like a new filing; 提交 only with
  ``--submit --confirm-truthful``. A run killed half way finds 变更中 and continues with 继续变更; one killed
  after 提交 finds 变更审核中.
- 注销 opens the dialog, types the reason and ticks the commitment, reads the reason back, and clicks
  确定 only with both flags (otherwise 取消). A run killed after 确定 finds 已注销.
"""

from __future__ import annotations

from agent import progress
from agent.errors import AmbiguousSubmission, PortalRejected, ReadBackMismatch, SubmissionNotConfirmed
from agent.result import FieldCheck, RunError
from agent.run.context import RunContext
from agent.run.filing_flow import FilingFlow
from agent.run.outcome import FilingOutcome
from agent.state.ledger import Checkpoint
from agent.status import LedgerStatus, PortalState, RunStatus, portal_text
from flows.pages.change import CancelDialog, ChangeActions
from flows.pages.entity import display_text
from flows.pages.review import PortalFiling, ReviewListPage
from flows.pages.wizard import WizardPage

__all__ = ["CancelFlow", "ChangeFlow"]


class _OnApproved(FilingFlow):
    def _begin(self, done: PortalState) -> tuple[PortalFiling, bool] | None:
        """Arrive and find the filing, with whether the ledger has this plan's 提交 under way; ``None``
        when the portal already shows ``done`` (recorded as already submitted)."""
        self._arrive()
        self.trace.resume()
        found = self._listed()
        entry = self.ledger.get(self.key)
        submitting = entry is not None and entry.status is LedgerStatus.SUBMITTING
        if found.status == self._state(done):
            self._already_submitted(submitting)
            return None
        return found, submitting

    def _listed(self) -> PortalFiling:
        self.shell.open_entry("home_filings")
        found = ReviewListPage(self.ctx).find(self.name)
        if found is None:
            raise PortalRejected(f"备案信息 lists no submitted filing named {self.name!r}")
        return found

    def _state(self, state: PortalState) -> str:
        return portal_text(state, self.profile)

    def _refuse(self, found: PortalFiling, what: str) -> None:
        raise PortalRejected(
            f"{self.name!r} is {found.status} on the portal: {what} needs an approved filing "
            f"({self._state(PortalState.APPROVED)})"
        )


class ChangeFlow(_OnApproved):
    """变更: the approved filing refilled from the changed bundle."""

    def run(self) -> FilingOutcome:
        begun = self._begin(PortalState.CHANGE_PENDING)
        if begun is None:
            return self.outcome
        found, by_us = begun
        page = ChangeActions(self.ctx)
        if found.status == self._state(PortalState.CHANGING):
            if by_us:  # the portal still shows the 变更 open: our 提交 did not go through
                self.ledger.release(self.key, self.run_id, "the portal lists the 变更 as still open")
            page.continue_change(self.name)
        elif found.status == self._state(PortalState.APPROVED):
            if not self._list_changes(page):
                self.outcome.warnings.append(
                    RunError("the portal already shows this bundle: no 变更 to file")
                )
                self.outcome.status = RunStatus.READY
                return self.outcome
            self._checkpoint("change", LedgerStatus.RUNNING, draft_ref=found.filing_number)
            page.start_change(self.name)
        else:
            self._refuse(found, "变更")
        self._wizard(False)
        return self.outcome

    def _list_changes(self, page: ChangeActions) -> list[FieldCheck]:
        """What the bundle changes, against the approved filing's 查看 page; read only."""
        page.row_action(self.name, "view_filing")
        shown = WizardPage(self.ctx).confirmation_pairs()
        sep = self.profile.message("list_separator")
        changes = []
        for entry in self._summary_entries():
            label = self.profile.label(entry.label)
            expected = display_text(entry.value, sep)
            if label in shown and not shown[label].startswith(expected):
                changes.append(FieldCheck("change", entry.path, label, expected, shown[label], False))
        for change in changes:
            self.log.info("change_listed", path=change.path, label=change.label)
            progress.action(f"变更 {change.label}")
            self.outcome.warnings.append(
                RunError(
                    f"变更 {change.label}: {change.portal_value!r} → {change.bundle_value!r}", change.path
                )
            )
        self.shell.go_home()
        self.shell.open_entry("home_filings")
        return changes


class CancelFlow(_OnApproved):
    """注销: the dialog filled, read back, and confirmed only with both flags."""

    def __init__(self, run: RunContext, reason: str) -> None:
        super().__init__(run)
        self.reason = reason

    def run(self) -> FilingOutcome:
        begun = self._begin(PortalState.CANCELLED)
        if begun is None:
            return self.outcome
        found, submitting = begun
        if found.status != self._state(PortalState.APPROVED):
            self._refuse(found, "注销")
        if submitting:
            self.ledger.release(self.key, self.run_id, "the portal still lists the filing as approved")
        page = CancelDialog(self.ctx)
        self._checkpoint("cancel_dialog", LedgerStatus.RUNNING, draft_ref=found.filing_number)
        dialog = page.open(self.name)
        shown = page.fill(dialog, self.reason)
        self.outcome.fields.append(
            FieldCheck(
                "cancel",
                "reason",
                self.profile.text("cancel_reason"),
                self.reason,
                shown,
                shown == self.reason,
            )
        )
        if shown != self.reason:
            page.dismiss(dialog)
            raise ReadBackMismatch("reason", self.profile.text("cancel_reason"), self.reason, shown)
        self._checkpoint(Checkpoint.CONFIRM, LedgerStatus.READY)
        self._screenshot("cancel")
        self.outcome.status = RunStatus.READY
        if not self.options.submit:
            page.dismiss(dialog)
            return self.outcome
        if not self.options.confirm_truthful:
            page.dismiss(dialog)
            raise SubmissionNotConfirmed(
                "注销 needs --confirm-truthful: the operator attests the reason is true"
            )
        self.ledger.mark_submitting(self.key, self.run_id, evidence_dir=str(self.evidence.path.resolve()))
        page.confirm(dialog)
        self.shell.go_home()
        after = self._listed()
        if after.status != self._state(PortalState.CANCELLED):
            raise AmbiguousSubmission(
                f"注销 of {self.name!r} was confirmed but the portal lists it {after.status}"
            )
        self._checkpoint(Checkpoint.SUBMITTED, LedgerStatus.SUBMITTED)
        self.outcome.status = RunStatus.SUBMITTED
        self._screenshot("cancelled")
        return self.outcome
