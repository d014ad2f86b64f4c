"""The filing decision, from the portal's list and the ledger entry alone: every case without a browser."""

from __future__ import annotations

import pytest

from agent.run.decide import CREATING, Action, Decision, ProfileStatuses, decide
from agent.state.ledger import LedgerEntry
from agent.status import LedgerStatus
from flows.pages.filings import FilingRow

NAME = "智能写作算法"
STATUSES = ProfileStatuses(draft="草稿", empty="-")


def _entry(status: LedgerStatus, draft_ref: str | None = None) -> LedgerEntry:
    return LedgerEntry(
        bundle_key="/bundles/a", content_hash="h", account="acme", algorithm_name=NAME, draft_ref=draft_ref,
        checkpoint=None, status=status, attempts=1, last_error=None, updated_at="now", run_id="r1",
    )  # fmt: skip


def _row(name: str, status: str = "草稿") -> FilingRow:
    return FilingRow(name=name, status=status, step="第一步")


def test_nothing_on_the_portal_and_no_ledger_entry_creates() -> None:
    assert decide([], None, NAME, STATUSES) == Decision(Action.CREATE)


def test_other_filings_do_not_count() -> None:
    rows = [_row("另一个算法"), _row("第三个算法", "待审核")]
    assert decide(rows, _entry(LedgerStatus.RUNNING), NAME, STATUSES) == Decision(Action.CREATE)


def test_one_draft_with_the_name_is_continued() -> None:
    decision = decide([_row(NAME), _row("另一个算法")], _entry(LedgerStatus.SAVED), NAME, STATUSES)
    assert decision == Decision(Action.CONTINUE_DRAFT, draft_name=NAME, drafts=1)


def test_an_unnamed_draft_is_adopted_after_a_run_killed_while_creating() -> None:
    rows = [_row("-"), _row("另一个算法")]
    decision = decide(rows, _entry(LedgerStatus.RUNNING, draft_ref=CREATING), NAME, STATUSES)
    assert decision == Decision(Action.ADOPT_UNNAMED, draft_name="-")


def test_an_empty_name_cell_counts_as_unnamed() -> None:
    decision = decide([_row("")], _entry(LedgerStatus.RUNNING, draft_ref=CREATING), NAME, STATUSES)
    assert decision.action is Action.ADOPT_UNNAMED
    assert decision.draft_name == ""


@pytest.mark.parametrize(
    ("rows", "draft_ref"),
    [
        ([_row("-")], None),  # the ledger never saw 新增备案 clicked: the unnamed draft is someone else's
        ([_row("-")], NAME),
        ([_row("-"), _row("")], CREATING),  # two unnamed drafts: which one is ours is unknown
        ([_row("-", "待审核")], CREATING),  # not a draft
    ],
)
def test_an_unnamed_draft_is_left_alone_unless_it_is_surely_ours(
    rows: list[FilingRow], draft_ref: str | None
) -> None:
    assert decide(rows, _entry(LedgerStatus.RUNNING, draft_ref), NAME, STATUSES).action is Action.CREATE


@pytest.mark.parametrize("status", ["待审核", "已通过", "审核不通过"])
def test_any_status_but_draft_is_already_submitted(status: str) -> None:
    decision = decide([_row(NAME, status)], _entry(LedgerStatus.READY), NAME, STATUSES)
    assert decision == Decision(Action.ALREADY_SUBMITTED)


def test_submitted_with_no_ledger_entry_is_already_submitted() -> None:
    assert decide([_row(NAME, "待审核")], None, NAME, STATUSES).action is Action.ALREADY_SUBMITTED


def test_a_submitted_row_wins_over_a_leftover_draft() -> None:
    rows = [_row(NAME), _row(NAME, "待审核")]
    assert decide(rows, None, NAME, STATUSES).action is Action.ALREADY_SUBMITTED


def test_our_unclear_submit_that_went_through_is_submitted() -> None:
    decision = decide([_row(NAME, "待审核")], _entry(LedgerStatus.SUBMITTING), NAME, STATUSES)
    assert decision == Decision(Action.SUBMITTED)


def test_our_unclear_submit_that_did_not_go_through_is_released_and_continued() -> None:
    decision = decide([_row(NAME)], _entry(LedgerStatus.SUBMITTING), NAME, STATUSES)
    assert decision == Decision(Action.CONTINUE_DRAFT, draft_name=NAME, release_submitting=True, drafts=1)


def test_a_stale_submitting_with_no_draft_is_released_and_created_again() -> None:
    decision = decide([], _entry(LedgerStatus.SUBMITTING), NAME, STATUSES)
    assert decision == Decision(Action.CREATE, release_submitting=True)


def test_two_drafts_with_the_name_need_a_person() -> None:
    decision = decide([_row(NAME), _row(NAME)], _entry(LedgerStatus.SAVED), NAME, STATUSES)
    assert decision == Decision(Action.DUPLICATE_DRAFTS, drafts=2)


def test_duplicates_after_an_unclear_submit_still_release_it() -> None:
    decision = decide([_row(NAME)] * 3, _entry(LedgerStatus.SUBMITTING), NAME, STATUSES)
    assert decision == Decision(Action.DUPLICATE_DRAFTS, release_submitting=True, drafts=3)


def test_the_names_are_compared_exactly() -> None:
    rows = [_row(NAME + " "), _row(NAME[:-1])]
    assert decide(rows, None, NAME, STATUSES).action is Action.CREATE


RETURNING = ProfileStatuses(draft="草稿", empty="-", returned="已退回")


@pytest.mark.parametrize("status", [LedgerStatus.RETURNED, LedgerStatus.SUBMITTED, LedgerStatus.FAILED])
def test_a_returned_filing_is_continued_never_created_again(status: LedgerStatus) -> None:
    decision = decide([_row(NAME, "已退回")], _entry(status), NAME, RETURNING)
    assert decision == Decision(Action.CONTINUE_RETURNED, draft_name=NAME)


def test_a_returned_filing_with_no_ledger_entry_is_continued() -> None:
    decision = decide([_row("别的算法"), _row(NAME, "已退回")], None, NAME, RETURNING)
    assert decision.action is Action.CONTINUE_RETURNED


def test_our_unclear_resubmission_that_did_not_go_through_is_released() -> None:
    decision = decide([_row(NAME, "已退回")], _entry(LedgerStatus.SUBMITTING), NAME, RETURNING)
    assert decision == Decision(Action.CONTINUE_RETURNED, draft_name=NAME, release_submitting=True)


def test_our_resubmission_that_went_through_is_submitted() -> None:
    decision = decide([_row(NAME, "待审核")], _entry(LedgerStatus.SUBMITTING), NAME, RETURNING)
    assert decision == Decision(Action.SUBMITTED)
