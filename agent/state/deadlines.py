"""Deadlines in working days: weekends counted out, public holidays and 调休 workdays from a data file.

The calendar is ``agent/data/holidays-cn.toml`` (the State Council's yearly notices). A year not in the
file, or marked provisional there, is counted with what is known (weekends, statutory holidays), and the
deadline says it is provisional.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources

__all__ = [
    "CANCEL_WORKING_DAYS",
    "CHANGE_WORKING_DAYS",
    "Deadline",
    "HolidayCalendar",
    "add_working_days",
    "change_deadline",
    "load_calendar",
    "working_days_between",
]

CHANGE_WORKING_DAYS = 10  # 变更 within 10 working days of the change
CANCEL_WORKING_DAYS = 20  # 注销 within 20 working days of ending the service


@dataclass(frozen=True)
class HolidayCalendar:
    holidays: frozenset[date]
    workdays: frozenset[date]  # weekend days declared working days (调休)
    years: frozenset[int]  # years whose State Council notice is in the calendar (not provisional)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def knows(self, day: date) -> bool:
        return day.year in self.years


@dataclass(frozen=True)
class Deadline:
    start: date  # the day of the change
    due: date  # the last working day to file by
    days_left: int  # working days after today up to ``due`` (0 on the day itself); negative when overdue
    provisional: bool  # some day counted lies in a year without the State Council's notice

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def add_working_days(start: date, days: int, calendar: HolidayCalendar) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        counted += calendar.is_working_day(day)
    return day


def working_days_between(first: date, last: date, calendar: HolidayCalendar) -> int:
    """Working days in (first, last]; negative (the days in (last, first]) when ``last`` is earlier."""
    if last < first:
        return -working_days_between(last, first, calendar)
    return sum(calendar.is_working_day(first + timedelta(days=n)) for n in range(1, (last - first).days + 1))


def change_deadline(
    changed_on: date, today: date, calendar: HolidayCalendar, days: int = CHANGE_WORKING_DAYS
) -> Deadline:
    """When a change made on ``changed_on`` must be filed by, seen on ``today``."""
    due = add_working_days(changed_on, days, calendar)
    left = working_days_between(today, due, calendar)
    span = {changed_on.year, due.year, today.year}
    return Deadline(changed_on, due, left, provisional=not span <= calendar.years)


@cache
def load_calendar() -> HolidayCalendar:
    raw = tomllib.loads(resources.files("agent").joinpath("data/holidays-cn.toml").read_text("utf-8"))
    holidays: set[date] = set()
    workdays: set[date] = set()
    years: set[int] = set()
    for year, spec in raw["years"].items():
        holidays.update(date.fromisoformat(d) for d in spec.get("holidays", []))
        workdays.update(date.fromisoformat(d) for d in spec.get("workdays", []))
        if not spec.get("provisional", False):
            years.add(int(year))
    return HolidayCalendar(frozenset(holidays), frozenset(workdays), frozenset(years))
