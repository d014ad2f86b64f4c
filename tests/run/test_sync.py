"""``sync`` without a browser: the portal's rows recorded on the ledger's bundles."""

from __future__ import annotations

from pathlib import Path

from agent.profile import default_profile
from agent.run.sync import SyncReport, apply_rows
from agent.state.ledger import Ledger
from agent.state.plan_keys import cancel_key, change_key
from agent.status import LedgerStatus
from flows.pages.review import PortalFiling

GOOD = "网信算备110108123456701260001号"


def _submitted(ledger: Ledger, key: str, name: str, content_hash: str) -> None:
    ledger.record_checkpoint(
        key, "r", "submitted", LedgerStatus.SUBMITTED,
        account="acct", algorithm_name=name, content_hash=content_hash,
    )  # fmt: skip


def _ledger(tmp_path: Path) -> Ledger:
    ledger = Ledger(tmp_path / "ledger.sqlite3")
    for key, name in (("/b/one", "甲算法"), ("/b/two", "乙算法")):
        _submitted(ledger, key, name, "h")
    return ledger


def row(name: str, status: str, number: str | None = None, opinion: str | None = None) -> PortalFiling:
    return PortalFiling(name, status, number, opinion, "2026-03-02 10:00:00", "2026-03-05 09:00:00")


def test_rows_are_recorded_and_a_returned_filing_is_reported(tmp_path: Path) -> None:
    ledger, report = _ledger(tmp_path), SyncReport()
    rows = [
        row("甲算法", "已退回", opinion="请补充训练数据来源"),
        row("乙算法", "已通过", GOOD),
        row("丙算法", "草稿"),
        row("丁算法", "待审核"),
    ]
    apply_rows("acct", rows, ledger, "s1", default_profile(), report)
    one, two = ledger.get("/b/one"), ledger.get("/b/two")
    assert one is not None and two is not None
    assert one.status is LedgerStatus.RETURNED and one.opinion == "请补充训练数据来源"
    assert two.filing_number == GOOD and two.portal_status == "已通过" and two.approved_hash == "h"
    assert [f.name for f in report.returned] == ["甲算法"]
    assert report.warnings == ["acct: 丁算法: listed on the portal, no bundle in the ledger"]
    # Nothing new the second time: no history added.
    again = SyncReport()
    apply_rows("acct", rows, ledger, "s2", default_profile(), again)
    assert not any(f.changed for f in again.filings)
    assert len(ledger.portal_history()) == 2


def test_a_malformed_number_is_a_warning_and_still_recorded(tmp_path: Path) -> None:
    ledger, report = _ledger(tmp_path), SyncReport()
    apply_rows(
        "acct", [row("乙算法", "已通过", "网信算备1101081号")], ledger, "s1", default_profile(), report
    )
    assert len(report.warnings) == 1 and "21 digits" in report.warnings[0]
    entry = ledger.get("/b/two")
    assert entry is not None and entry.filing_number == "网信算备1101081号"


def test_the_rows_of_a_change_and_a_cancellation_are_not_synced_as_filings(tmp_path: Path) -> None:
    """变更 and 注销 keep their checkpoints on rows of their own (same account and name): the portal's
    filing is the bundle's, listed once and recorded on the bundle's row only."""
    ledger, report = _ledger(tmp_path), SyncReport()
    for key in (change_key("/b/two", "c" * 64), cancel_key("/b/two")):
        _submitted(ledger, key, "乙算法", "c")
    apply_rows("acct", [row("乙算法", "已通过", GOOD)], ledger, "s1", default_profile(), report)
    assert [(f.name, f.bundle_key) for f in report.filings] == [("乙算法", "/b/two")]
    assert [e.bundle_key for e in ledger.portal_history()] == ["/b/two"]
