"""The one status vocabulary and its translations (``agent.status``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.exit_codes import ExitCode
from agent.profile import load_profile
from agent.status import (
    BATCH_OK,
    JOB_COLUMNS,
    LEDGER_DONE,
    LEDGER_STICKY,
    BatchOutcome,
    EnqueueOutcome,
    JobColumn,
    JobOutcome,
    LedgerStatus,
    PortalState,
    RunStatus,
    batch_outcome,
    batch_outcome_zh,
    enqueue_outcome,
    job_column,
    job_outcome,
    ledger_label_zh,
    ledger_status_after_failure,
    portal_state,
    portal_text,
)

ROOT = Path(__file__).resolve().parents[2]


def test_every_run_status_has_a_batch_outcome_of_the_same_name() -> None:
    for status in RunStatus:
        outcome, note, _ = batch_outcome(status, ExitCode.OK, confirm_asked=False)
        assert outcome.value == status.value and note == ""


@pytest.mark.parametrize(
    ("status", "code", "confirm", "expected"),
    [
        (RunStatus.READY, ExitCode.OK, True, (BatchOutcome.READY, ExitCode.OK)),
        (RunStatus.SAVED, ExitCode.OK, False, (BatchOutcome.SAVED, ExitCode.OK)),
        (RunStatus.SAVED, ExitCode.OK, True, (BatchOutcome.FAILED, ExitCode.FAILED)),
        (RunStatus.FAILED, ExitCode.OK, False, (BatchOutcome.FAILED, ExitCode.FAILED)),
        (RunStatus.FAILED, ExitCode.NEEDS_PERSON, False, (BatchOutcome.NEEDS_PERSON, ExitCode.NEEDS_PERSON)),
        (
            RunStatus.READY,
            ExitCode.PORTAL_UNREACHABLE,
            True,
            (BatchOutcome.FAILED, ExitCode.PORTAL_UNREACHABLE),
        ),
    ],
)
def test_batch_outcome(
    status: RunStatus, code: ExitCode, confirm: bool, expected: tuple[BatchOutcome, ExitCode]
) -> None:
    outcome, _, exit_code = batch_outcome(status, code, confirm_asked=confirm)
    assert (outcome, exit_code) == expected


def test_ok_sets() -> None:
    assert {s.value for s in RunStatus} - {BatchOutcome(o).value for o in BATCH_OK} == {"failed"}
    assert BatchOutcome.SKIPPED in BATCH_OK and BatchOutcome.NOT_RUN not in BATCH_OK
    assert LEDGER_DONE < LEDGER_STICKY and LedgerStatus.SUBMITTING in LEDGER_STICKY


def test_failed_run_ledger_status() -> None:
    assert ledger_status_after_failure(ExitCode.NEEDS_PERSON) is LedgerStatus.NEEDS_PERSON
    assert ledger_status_after_failure(ExitCode.FAILED) is LedgerStatus.FAILED


def test_ledger_label_zh_names_the_ledger_statuses_and_passes_other_texts_through() -> None:
    assert ledger_label_zh(LedgerStatus.SUBMITTING) == "提交结果待核实"
    assert ledger_label_zh("ready") == "待提交（已到确认提交）"
    assert ledger_label_zh("已通过") == "已通过"


def test_job_columns() -> None:
    assert JOB_COLUMNS == ("waiting", "running", "done", "failed")
    assert job_column("todo") is JobColumn.WAITING and job_column("cancelled") is JobColumn.FAILED
    assert job_column("something new") is JobColumn.FAILED


def test_portal_states_round_trip_through_the_profile() -> None:
    profile = load_profile(None)
    texts = {portal_text(state, profile) for state in PortalState}
    assert len(texts) == len(PortalState), "two portal states share a text: they could not be told apart"
    for state in PortalState:
        assert portal_state(portal_text(state, profile), profile) is state
    assert portal_state("not a status", profile) is None


@pytest.mark.parametrize(
    "override", sorted((ROOT / "fixtures" / "profiles").glob("*.toml")), ids=lambda p: p.stem
)
def test_portal_states_stay_distinct_under_every_variant_profile(override: Path) -> None:
    profile = load_profile(override)
    assert len({portal_text(state, profile) for state in PortalState}) == len(PortalState)


def test_every_batch_outcome_has_a_chinese_name() -> None:
    assert all(batch_outcome_zh(o) != o.value for o in BatchOutcome)
    assert batch_outcome_zh("something else") == "something else"


def test_every_ledger_verdict_has_an_enqueue_outcome() -> None:
    assert enqueue_outcome(BatchOutcome.SKIPPED) is EnqueueOutcome.DONE
    assert enqueue_outcome(BatchOutcome.NEEDS_PERSON) is EnqueueOutcome.NEEDS_PERSON


def test_every_run_status_is_a_job_outcome() -> None:
    assert {job_outcome(s) for s in RunStatus} == set(JobOutcome) - {
        JobOutcome.SKIPPED,
        JobOutcome.WORKER_LOST,
    }
