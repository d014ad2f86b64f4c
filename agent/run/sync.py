"""``sync``: read each account's filings from 备案信息 (never writing) and record them in the ledger.

The browser part opens the account's session like a filing run (``agent.run.arrival``) and reads the
list; ``apply_rows`` (no browser) matches the rows to the ledger's bundles by 算法名称 and records status,
number (format checked), opinion and dates with their history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from playwright.sync_api import Browser

from agent.profile import PortalProfile
from agent.run.arrival import portal_session
from agent.settings import Settings
from agent.state.filing_number import check_filing_number
from agent.state.ledger import RunLedger
from agent.state.plan_keys import is_plan_row
from agent.status import PortalState, portal_state
from flows.pages.review import PortalFiling, ReviewListPage
from flows.pages.shell import Shell

__all__ = ["SyncReport", "SyncedFiling", "apply_rows", "read_account"]


@dataclass(frozen=True)
class SyncedFiling:
    account: str
    name: str
    bundle_key: str | None  # None: the portal lists a filing no bundle in the ledger carries
    status: str
    filing_number: str | None
    opinion: str | None
    changed: bool  # the portal shows something new since the last sync
    returned: bool = False


@dataclass
class SyncReport:
    filings: list[SyncedFiling] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def returned(self) -> list[SyncedFiling]:
        return [f for f in self.filings if f.returned]


def apply_rows(
    account: str,
    rows: Sequence[PortalFiling],
    ledger: RunLedger,
    run_id: str,
    profile: PortalProfile,
    report: SyncReport,
) -> None:
    """Record each listed filing on the bundle of the same account and 算法名称 (drafts are left alone)."""
    for row in rows:
        state = portal_state(row.status, profile)
        if state is PortalState.DRAFT:
            continue
        # The rows of a 变更 or 注销 share the name: the filing is the bundle's own row's.
        matches = [e for e in ledger.find_by_algorithm(account, row.name) if not is_plan_row(e.bundle_key)]
        number = row.filing_number
        if number is not None and (problem := check_filing_number(number)) is not None:
            report.warnings.append(f"{account}: {row.name}: the portal shows a malformed number: {problem}")
        is_returned = state is PortalState.RETURNED
        opinion = row.opinion if is_returned else None
        if not matches:
            report.warnings.append(f"{account}: {row.name}: listed on the portal, no bundle in the ledger")
            report.filings.append(
                SyncedFiling(account, row.name, None, row.status, number, opinion, False, is_returned)
            )
            continue
        for entry in matches:
            changed = ledger.record_portal(
                entry.bundle_key,
                run_id,
                portal_status=row.status,
                filing_number=number,
                opinion=opinion,
                submitted_at=row.submitted_at,
                reviewed_at=row.updated_at if state in (PortalState.RETURNED, PortalState.APPROVED) else None,
                returned=is_returned,
                approved=state is PortalState.APPROVED,
            )
            report.filings.append(
                SyncedFiling(
                    account, row.name, entry.bundle_key, row.status, number, opinion, changed, is_returned
                )
            )


def read_account(browser: Browser, settings: Settings, account: str) -> list[PortalFiling]:
    """Every filing 备案信息 lists for ``account`` (logging in first when its session is gone)."""
    with portal_session(browser, settings, account) as session:
        shell = Shell(session.ctx)
        session.open()
        if not session.arrive():
            shell.go_home()
        shell.open_entry("home_filings")
        return ReviewListPage(session.ctx).filings()
