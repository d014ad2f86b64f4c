"""Every status the agent speaks of, and each translation between them, written once.

Five vocabularies, one per question:

- ``RunStatus``: how one run of one bundle ended (``submit --json``, ``result.json``);
- ``LedgerStatus``: where a bundle stands across runs (the ledger's state machine);
- ``BatchOutcome``: one bundle's line in a batch report (a run's status, or why it never ran);
- ``EnqueueOutcome``: what ``queue enqueue`` did with a bundle;
- ``JobOutcome``: how one queue job's attempt ended (``beian.job_runs``);
- ``JobColumn``: how ``queue status`` counts procrastinate's jobs;
- ``PortalState``: what the portal's 备案信息 list shows; its on-screen texts live in the profile.

The translations between them are the functions below; nothing else maps one vocabulary onto another.
"""

from __future__ import annotations

from enum import StrEnum

from agent.exit_codes import ExitCode
from agent.profile import PortalProfile

__all__ = [
    "BATCH_OK",
    "JOB_COLUMNS",
    "LEDGER_DONE",
    "LEDGER_STICKY",
    "RUN_OK",
    "BatchOutcome",
    "EnqueueOutcome",
    "JobColumn",
    "JobOutcome",
    "LedgerStatus",
    "PortalState",
    "RunStatus",
    "batch_outcome",
    "batch_outcome_zh",
    "enqueue_outcome",
    "job_column",
    "job_outcome",
    "ledger_label_zh",
    "ledger_status_after_failure",
    "portal_state",
    "portal_text",
]


class RunStatus(StrEnum):
    SAVED = "saved"  # every step filled and saved to 草稿箱; the confirmation page not reached
    READY = "ready"  # at the confirmation page, everything saved and checked
    SUBMITTED = "submitted"
    ALREADY_SUBMITTED = "already_submitted"
    FAILED = "failed"


class LedgerStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    SAVED = "saved"
    READY = "ready"
    SUBMITTING = "submitting"
    SUBMITTED = "submitted"
    ALREADY_SUBMITTED = "already_submitted"
    FAILED = "failed"
    NEEDS_PERSON = "needs_person"
    RETURNED = "returned"  # the portal shows the filing 已退回: it may be corrected and resubmitted


class BatchOutcome(StrEnum):
    READY = "ready"  # at the confirmation page in this run
    SAVED = "saved"  # saved to 草稿箱 (``--until draft``)
    SUBMITTED = "submitted"
    ALREADY_SUBMITTED = "already_submitted"
    SKIPPED = "skipped"  # the ledger says it is done: submitted, or ready/saved with the same content
    FAILED = "failed"
    INVALID = "invalid"  # validation failed; never run
    NEEDS_PERSON = "needs_person"  # a submission was started and its outcome is unknown
    NOT_RUN = "not_run"  # not started: login needed for its account, portal unreachable, or interrupted


class EnqueueOutcome(StrEnum):
    QUEUED = "queued"
    ALREADY_QUEUED = "already_queued"  # a job for the same account and 算法名称 is waiting or running
    DONE = "done"  # the ledger says it is done (``BatchOutcome.SKIPPED``)
    NEEDS_PERSON = "needs_person"
    INVALID = "invalid"


class JobOutcome(StrEnum):
    SAVED = "saved"
    READY = "ready"
    SUBMITTED = "submitted"
    ALREADY_SUBMITTED = "already_submitted"
    FAILED = "failed"
    SKIPPED = "skipped"  # the ledger said it was done when the job started
    WORKER_LOST = "worker_lost"  # the worker stopped answering; the job went to another


class JobColumn(StrEnum):
    WAITING = "waiting"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class PortalState(StrEnum):
    """A filing's state in 备案信息; each value is the profile's ``[messages]`` key of its text."""

    DRAFT = "status_draft"
    PENDING = "status_pending"
    APPROVED = "status_approved"
    IN_REVIEW = "status_in_review"
    RETURNED = "status_returned"
    CHANGING = "status_changing"
    CHANGE_PENDING = "status_change_pending"
    CANCELLED = "status_cancelled"


# Runs that did what was asked of them (the queue retries or fails the others).
RUN_OK: frozenset[RunStatus] = frozenset(
    {RunStatus.READY, RunStatus.SAVED, RunStatus.SUBMITTED, RunStatus.ALREADY_SUBMITTED}
)
BATCH_OK: frozenset[BatchOutcome] = frozenset(
    {
        BatchOutcome.READY,
        BatchOutcome.SAVED,
        BatchOutcome.SUBMITTED,
        BatchOutcome.ALREADY_SUBMITTED,
        BatchOutcome.SKIPPED,
    }
)
# The portal has the filing: never filed again.
LEDGER_DONE: frozenset[LedgerStatus] = frozenset({LedgerStatus.SUBMITTED, LedgerStatus.ALREADY_SUBMITTED})
# Once 提交 was clicked the ledger leaves these only by an explicit, audited transition.
LEDGER_STICKY: frozenset[LedgerStatus] = LEDGER_DONE | {LedgerStatus.SUBMITTING}
JOB_COLUMNS: tuple[JobColumn, ...] = tuple(JobColumn)

_BATCH_OF_RUN = {
    RunStatus.READY: BatchOutcome.READY,
    RunStatus.SAVED: BatchOutcome.SAVED,
    RunStatus.SUBMITTED: BatchOutcome.SUBMITTED,
    RunStatus.ALREADY_SUBMITTED: BatchOutcome.ALREADY_SUBMITTED,
    RunStatus.FAILED: BatchOutcome.FAILED,
}
# procrastinate's job statuses, as ``queue status`` shows them.
_JOB_COLUMN = {
    "todo": JobColumn.WAITING,
    "doing": JobColumn.RUNNING,
    "succeeded": JobColumn.DONE,
    "failed": JobColumn.FAILED,
    "cancelled": JobColumn.FAILED,
    "aborted": JobColumn.FAILED,
}
# A batch report line's outcome as the HTML report shows it.
_BATCH_ZH: dict[str, str] = {
    BatchOutcome.READY: "已到确认提交，待提交",
    BatchOutcome.SAVED: "已保存至草稿箱",
    BatchOutcome.SUBMITTED: "已提交",
    BatchOutcome.ALREADY_SUBMITTED: "此前已提交",
    BatchOutcome.SKIPPED: "无需重跑",
    BatchOutcome.FAILED: "失败",
    BatchOutcome.INVALID: "材料不合格，未填报",
    BatchOutcome.NEEDS_PERSON: "需人工核实",
    BatchOutcome.NOT_RUN: "未运行",
}
# What the ledger's verdict on a bundle means to ``queue enqueue`` (the ledger only skips or stops).
_ENQUEUE_OF_BATCH = {
    BatchOutcome.SKIPPED: EnqueueOutcome.DONE,
    BatchOutcome.NEEDS_PERSON: EnqueueOutcome.NEEDS_PERSON,
    BatchOutcome.INVALID: EnqueueOutcome.INVALID,
}
# The ledger's statuses as the Chinese export and report show them.
_LEDGER_ZH: dict[str, str] = {
    LedgerStatus.PENDING: "待填报",
    LedgerStatus.RUNNING: "填报中",
    LedgerStatus.SAVED: "已保存至草稿箱",
    LedgerStatus.READY: "待提交（已到确认提交）",
    LedgerStatus.SUBMITTING: "提交结果待核实",
    LedgerStatus.SUBMITTED: "已提交",
    LedgerStatus.ALREADY_SUBMITTED: "此前已提交",
    LedgerStatus.FAILED: "失败",
    LedgerStatus.NEEDS_PERSON: "需人工核实",
}


def batch_outcome(
    status: RunStatus, exit_code: ExitCode, *, confirm_asked: bool
) -> tuple[BatchOutcome, str, ExitCode]:
    """A run's line in a batch report: its outcome, a note, and the exit code it counts with.

    A run that stopped at the draft when the confirmation page was asked for (``confirm_asked``) failed;
    so did one whose exit code is not OK, and a failure never counts as OK.
    """
    outcome, note = _BATCH_OF_RUN[status], ""
    if exit_code is ExitCode.NEEDS_PERSON:
        outcome = BatchOutcome.NEEDS_PERSON
    elif outcome is not BatchOutcome.FAILED and exit_code is not ExitCode.OK:
        outcome = BatchOutcome.FAILED
    elif outcome is BatchOutcome.SAVED and confirm_asked:
        outcome, note = BatchOutcome.FAILED, "saved as a draft but the confirmation page was not reached"
    if outcome is BatchOutcome.FAILED and exit_code is ExitCode.OK:
        exit_code = ExitCode.FAILED
    return outcome, note, exit_code


def batch_outcome_zh(outcome: str) -> str:
    """The Chinese name of a batch outcome (any other text as it is)."""
    return _BATCH_ZH.get(outcome, outcome)


def enqueue_outcome(outcome: BatchOutcome) -> EnqueueOutcome:
    """What ``queue enqueue`` reports for a bundle the ledger says not to run (``ledger_decision``)."""
    return _ENQUEUE_OF_BATCH[outcome]


def job_outcome(status: RunStatus) -> JobOutcome:
    """The ``job_runs`` outcome of an attempt that ran its bundle."""
    return JobOutcome(status.value)


def ledger_status_after_failure(exit_code: ExitCode) -> LedgerStatus:
    """What the ledger records for a run that raised: a person must look, or it simply failed."""
    return LedgerStatus.NEEDS_PERSON if exit_code is ExitCode.NEEDS_PERSON else LedgerStatus.FAILED


def ledger_label_zh(status: str) -> str:
    """The Chinese name of a ledger status; any other text (e.g. the portal's own) as it is."""
    return _LEDGER_ZH.get(status, status)


def job_column(status: str) -> JobColumn:
    """The ``queue status`` column of a procrastinate job status (unknown ones count as failed)."""
    return _JOB_COLUMN.get(status, JobColumn.FAILED)


def portal_text(state: PortalState, profile: PortalProfile) -> str:
    """The text the portal shows for ``state``."""
    return profile.message(state.value)


def portal_state(text: str, profile: PortalProfile) -> PortalState | None:
    """The state behind a status text of 备案信息, or None for a text the profile does not know."""
    for state in PortalState:
        if profile.message(state.value) == text:
            return state
    return None
