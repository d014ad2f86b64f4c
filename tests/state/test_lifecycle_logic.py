"""Filing numbers, working-day deadlines and the ledger's record of what the portal showed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from agent.state.deadlines import HolidayCalendar, add_working_days, change_deadline, load_calendar
from agent.state.filing_number import check_filing_number, parse_filing_number
from agent.state.ledger import Ledger
from agent.status import LedgerStatus


def test_a_published_number_is_read_into_its_parts() -> None:
    number = parse_filing_number("网信算备110108123456701250001号")
    assert number is not None
    assert (number.region, number.entity, number.category, number.year, number.serial) == (
        "110108", "1234567", "01", 2025, "0001"
    )  # fmt: skip
    assert number.text == "网信算备110108123456701250001号"
    # Some pages print a colon after 网信算备 (half- or full-width): the same number.
    assert parse_filing_number("网信算备：110108123456701250001号") == number
    assert parse_filing_number(" 网信算备:110108123456701250001号 ") == number


@pytest.mark.parametrize(
    "text, problem",
    [
        ("网信算备11010812345670125001号", "21 digits"),
        ("网信算备1101081234567012500011号", "21 digits"),
        ("110108123456701250001", "网信算备"),
        ("网信算备110108123456702250001号", "category"),
        ("网信算备110108123456701250001", "号"),
    ],
)
def test_a_malformed_number_is_named(text: str, problem: str) -> None:
    found = check_filing_number(text)
    assert found is not None and problem in found
    assert parse_filing_number(text) is None


def test_a_good_number_has_no_problem() -> None:
    assert check_filing_number("网信算备110108123456701260012号") is None


CALENDAR = HolidayCalendar(
    holidays=frozenset({date(2026, 10, d) for d in range(1, 8)}),
    workdays=frozenset({date(2026, 9, 20), date(2026, 10, 10)}),
    years=frozenset({2026}),
)


def test_weekends_are_counted_out() -> None:
    # Mon 2026-03-02: Tue 3 (1) … Fri 6 (4), Mon 9 (5) … Fri 13 (9), Mon 16 (10).
    assert add_working_days(date(2026, 3, 2), 10, CALENDAR) == date(2026, 3, 16)


def test_holidays_are_skipped_and_make_up_days_count() -> None:
    # Fri 2026-09-18 + 10: Sun 20 is a 调休 workday (1), Mon 21–Fri 25 (2–6), Mon 28–Wed 30 (7–9),
    # Oct 1–7 off, Thu 8 (10).
    assert add_working_days(date(2026, 9, 18), 10, CALENDAR) == date(2026, 10, 8)
    # From 2026-09-30: Oct 1–7 off, Thu 8 (1), Fri 9 (2), Sat 10 调休 (3), Mon 12 … Fri 16 (8), Mon 19 (9),
    # Tue 20 (10).
    assert add_working_days(date(2026, 9, 30), 10, CALENDAR) == date(2026, 10, 20)


def test_change_deadline_says_how_many_working_days_are_left() -> None:
    deadline = change_deadline(date(2026, 9, 18), date(2026, 9, 30), CALENDAR)
    assert deadline.due == date(2026, 10, 8)
    assert deadline.days_left == 1  # Oct 8 only: Oct 1–7 are holidays
    assert not deadline.overdue and not deadline.provisional
    late = change_deadline(date(2026, 9, 18), date(2026, 10, 9), CALENDAR)
    assert late.overdue and late.days_left == -1
    outside = change_deadline(date(2031, 1, 6), date(2031, 1, 7), CALENDAR)
    assert outside.provisional  # no notice for 2031 in the calendar: weekends only


def test_the_shipped_calendar_has_the_state_council_dates() -> None:
    calendar = load_calendar()
    assert {2025, 2026} <= calendar.years
    assert date(2025, 1, 29) in calendar.holidays  # 春节 2025
    assert date(2025, 1, 26) in calendar.workdays  # its 调休 Sunday
    assert date(2026, 10, 1) in calendar.holidays
    assert date(2026, 2, 14) in calendar.workdays
    assert not calendar.holidays & calendar.workdays


def test_sync_records_portal_state_with_history(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite3")
    key = "/bundles/a"
    ledger.record_checkpoint(
        key, "r1", "submitted", LedgerStatus.SUBMITTED, content_hash="h1", account="acct"
    )
    changed = ledger.record_portal(key, "s1", portal_status="待审核", submitted_at="2026-03-02 10:00:00")
    assert changed
    assert not ledger.record_portal(key, "s2", portal_status="待审核", submitted_at="2026-03-02 10:00:00")
    ledger.record_portal(key, "s3", portal_status="已退回", opinion="请补充", returned=True)
    entry = ledger.get(key)
    assert entry is not None
    assert (
        entry.status is LedgerStatus.RETURNED
        and entry.opinion == "请补充"
        and entry.portal_status == "已退回"
    )
    number = "网信算备110108123456701260001号"
    ledger.record_portal(key, "s4", portal_status="已通过", filing_number=number, approved=True)
    entry = ledger.get(key)
    assert entry is not None
    assert entry.filing_number == number and entry.opinion is None and entry.approved_hash == "h1"
    history = ledger.portal_history(key)
    assert [h.portal_status for h in history] == ["待审核", "已退回", "已通过"]
    assert history[1].opinion == "请补充" and history[2].filing_number == number
