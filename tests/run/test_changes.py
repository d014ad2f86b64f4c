"""The 变更 deadline warning: approved filings whose bundle changed, with working days left."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from agent.run.changes import pending_changes
from agent.state.deadlines import HolidayCalendar
from agent.state.ledger import LedgerEntry
from agent.state.plan_keys import change_key
from agent.status import LedgerStatus

CALENDAR = HolidayCalendar(
    frozenset({date(2026, 10, d) for d in range(1, 8)}), frozenset(), frozenset({2026})
)
APPROVED = LedgerEntry(
    bundle_key="/b/a", content_hash="h0", account="acct", algorithm_name="甲算法", draft_ref=None,
    checkpoint="submitted", status=LedgerStatus.SUBMITTED, attempts=1, last_error=None, updated_at="t",
    run_id="r",
    portal_status="已通过", filing_number="网信算备110108123456701260001号", approved_hash="h0",
)  # fmt: skip


def test_a_changed_approved_bundle_warns_with_the_days_left() -> None:
    lookup = {"/b/a": ("h1", date(2026, 9, 28))}.get
    found = pending_changes([APPROVED], lookup, "已通过", date(2026, 9, 30), CALENDAR)
    assert len(found) == 1
    # Changed Mon 9-28: Tue 29 (1), Wed 30 (2), Oct 1–7 off, Thu 8 (3) … Fri 9 (4), Mon 12 … Fri 16 (9),
    # Mon 19 (10). Seen on Wed 30: Oct 8, 9, 12–16, 19 = 8 left.
    assert found[0].deadline.due == date(2026, 10, 19) and found[0].deadline.days_left == 8
    assert "8 working day(s) left" in found[0].message()


def test_no_warning_when_unchanged_not_approved_or_already_in_change() -> None:
    same = {"/b/a": ("h0", date(2026, 9, 28))}.get
    assert pending_changes([APPROVED], same, "已通过", date(2026, 9, 30), CALENDAR) == []
    changed = {"/b/a": ("h1", date(2026, 9, 28))}.get
    filed = replace(APPROVED, portal_status="变更审核中")
    assert pending_changes([filed], changed, "已通过", date(2026, 9, 30), CALENDAR) == []
    never = replace(APPROVED, approved_hash=None, portal_status="待审核")
    assert pending_changes([never], changed, "已通过", date(2026, 9, 30), CALENDAR) == []


def test_overdue_is_said() -> None:
    lookup = {"/b/a": ("h1", date(2026, 9, 1))}.get
    found = pending_changes([APPROVED], lookup, "已通过", date(2026, 9, 30), CALENDAR)
    assert found[0].deadline.overdue and "overdue" in found[0].message()


def test_no_warning_once_the_change_of_this_content_is_filed() -> None:
    """After 变更 of the current content is submitted (and even approved), nothing is due any more."""
    changed = {"/b/a": ("h1", date(2026, 9, 28))}.get
    filed = replace(
        APPROVED, bundle_key=change_key("/b/a", "h1"), status=LedgerStatus.SUBMITTED, approved_hash=None
    )
    assert pending_changes([APPROVED, filed], changed, "已通过", date(2026, 9, 30), CALENDAR) == []
    # A 变更 of other content (an earlier change) does not count for this one.
    older = replace(filed, bundle_key=change_key("/b/a", "h9"))
    assert len(pending_changes([APPROVED, older], changed, "已通过", date(2026, 9, 30), CALENDAR)) == 1
    # Started but not submitted: still due.
    started = replace(filed, status=LedgerStatus.READY)
    assert len(pending_changes([APPROVED, started], changed, "已通过", date(2026, 9, 30), CALENDAR)) == 1
