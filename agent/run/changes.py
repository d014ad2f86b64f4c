"""Approved filings whose bundle changed since: a 变更 is due within 10 working days of the change.

``pending_changes`` is pure (the bundle's current hash and change date are looked up by the caller's
function); ``bundle_change`` is that lookup for bundles on disk: the content hash, and the day the newest
of the bundle's files was written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from agent.bundle import BundleInvalid, load_bundle
from agent.profile import PortalProfile
from agent.state.deadlines import Deadline, HolidayCalendar, change_deadline
from agent.state.ledger import LedgerEntry
from agent.state.plan_keys import change_key
from agent.status import LedgerStatus

__all__ = ["PendingChange", "bundle_change", "pending_changes"]

Lookup = Callable[[str], tuple[str, date] | None]


@dataclass(frozen=True)
class PendingChange:
    bundle_key: str
    algorithm_name: str | None
    filing_number: str | None
    deadline: Deadline

    def message(self) -> str:
        d = self.deadline
        where = f"{self.algorithm_name or self.bundle_key} ({self.filing_number or 'no number'})"
        note = " (holiday calendar provisional for this period)" if d.provisional else ""
        if d.overdue:
            return (
                f"{where}: bundle changed on {d.start} after approval and no 变更 was filed; "
                f"the 10 working days ended on {d.due} ({-d.days_left} working day(s) overdue){note}"
            )
        return (
            f"{where}: bundle changed on {d.start} after approval and no 变更 was filed; "
            f"{d.days_left} working day(s) left, file `beian-agent change` by {d.due}{note}"
        )


def pending_changes(
    entries: Sequence[LedgerEntry],
    lookup: Lookup,
    approved_status: str,
    today: date,
    calendar: HolidayCalendar,
) -> list[PendingChange]:
    """Approved filings (as last synced) whose bundle no longer hashes as it did at approval and whose
    变更 of the current content was not submitted (its own row: ``agent.state.plan_keys``)."""
    filed = {
        e.bundle_key for e in entries if e.status in (LedgerStatus.SUBMITTED, LedgerStatus.ALREADY_SUBMITTED)
    }
    found = []
    for entry in entries:
        if entry.approved_hash is None or entry.portal_status != approved_status:
            continue
        current = lookup(entry.bundle_key)
        if current is None or current[0] == entry.approved_hash:
            continue
        if change_key(entry.bundle_key, current[0]) in filed:
            continue
        deadline = change_deadline(current[1], today, calendar)
        found.append(PendingChange(entry.bundle_key, entry.algorithm_name, entry.filing_number, deadline))
    return found


def bundle_change(profile: PortalProfile) -> Lookup:
    def lookup(bundle_key: str) -> tuple[str, date] | None:
        directory = Path(bundle_key)
        try:
            bundle = load_bundle(directory, profile)
        except (BundleInvalid, OSError):
            return None  # moved or broken: `validate` is the place to say so
        files = [directory / "filing.toml", *(Path(p) for p in bundle.attachments().values())]
        newest = max(f.stat().st_mtime for f in files if f.exists())
        return bundle.content_hash(), datetime.fromtimestamp(newest).date()

    return lookup
