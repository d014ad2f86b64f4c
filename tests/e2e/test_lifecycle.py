"""After 提交, end to end on the mock: returned with an opinion → sync → the corrected bundle resubmitted
into the same filing → approved → sync records the number → 变更 → 注销; nothing is sent without both
flags, and each state is compared with ``/__mock/state``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from agent.result import RunResult
from agent.run.plans import NEW_FILING, CancelPlan, ChangePlan, FilingPlan
from agent.run.runner import RunOptions, run_bundle
from agent.run.sync import SyncReport, apply_rows, read_account
from agent.settings import Settings
from agent.state.filing_number import parse_filing_number
from agent.state.ledger import Ledger, bundle_key_for
from agent.status import LedgerStatus, RunStatus
from fixtures.mock_portal import MockPortal

pytestmark = pytest.mark.e2e

NAME = "深言文本生成算法"
ACCOUNT = "demo-supporter"
OPINION = "算法简介未写明生成结果的展现形式，请补充后重新提交。"
FIRST_INTRO = "本算法以API、SDK和开源代码方式向企业客户提供文本生成能力"


def _filings(portal: MockPortal) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [
        f
        for f in portal.state()["accounts"][ACCOUNT]["filings"]
        if f["sections"].get("算法基础属性信息", {}).get("算法名称") == NAME
    ]
    return found


def _the_filing(portal: MockPortal) -> dict[str, Any]:
    (filing,) = _filings(portal)  # one filing, whatever happened to it
    return filing


def _edit_intro(directory: Path, new: str) -> None:
    toml = directory / "filing.toml"
    text = toml.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("intro = "))
    toml.write_text(text.replace(old, f'intro = "{new}"'), encoding="utf-8")


def _sync(browser: Browser, settings: Settings) -> SyncReport:
    ledger = Ledger(settings.ledger_path)
    report = SyncReport()
    apply_rows(ACCOUNT, read_account(browser, settings, ACCOUNT), ledger, "sync", settings.profile(), report)
    return report


def test_returned_resubmitted_approved_changed_cancelled(
    portal: MockPortal, browser: Browser, bundle_copy: Callable[[str], Path], settings: Settings
) -> None:
    directory = bundle_copy("supporter")
    key = bundle_key_for(directory)
    ledger = Ledger(settings.ledger_path)

    def run(plan: FilingPlan = NEW_FILING, *, send: bool = False) -> RunResult:
        options = RunOptions(submit=send, confirm_truthful=send)
        return run_bundle(directory, settings, options, browser=browser, plan=plan)

    def submits() -> int:
        count: int = portal.state()["counters"]["submits"]
        return count

    assert run(send=True).status is RunStatus.SUBMITTED
    filing_id = _the_filing(portal)["id"]

    # Returned with an opinion: sync says so (the CLI exits 1 on it: tests/e2e/test_sync.py).
    portal.review("return", OPINION, id=filing_id)
    report = _sync(browser, settings)
    assert [(f.name, f.opinion) for f in report.returned] == [(NAME, OPINION)]
    entry = ledger.get(key)
    assert entry is not None and entry.status is LedgerStatus.RETURNED and entry.opinion == OPINION

    # The corrected bundle refills the same filing; without the flags nothing is sent.
    corrected = FIRST_INTRO + "，生成结果以文本形式展示在客户系统的对话界面中。"
    _edit_intro(directory, corrected)
    ready = run()
    assert ready.status is RunStatus.READY, ready.errors
    assert _the_filing(portal)["status"] == "已退回" and submits() == 1
    resent = run(send=True)
    assert resent.status is RunStatus.SUBMITTED, resent.errors
    filing = _the_filing(portal)
    assert filing["id"] == filing_id and filing["status"] == "待审核" and submits() == 2
    assert filing["sections"]["算法数据"]["算法简介"] == corrected

    # Approved: sync records the number.
    number = portal.review("approve", id=filing_id)["filing_number"]
    assert not _sync(browser, settings).returned
    entry = ledger.get(key)
    assert entry is not None and entry.filing_number == number and parse_filing_number(number) is not None

    # 变更: what changed is listed, nothing written without the flags; then filed, the number kept.
    changed = corrected + "支持中英文两种语言。"
    _edit_intro(directory, changed)
    listed = run(ChangePlan())
    assert listed.status is RunStatus.READY, listed.errors
    assert any("算法简介" in w.message for w in listed.warnings), listed.warnings
    assert _the_filing(portal)["status"] == "变更中" and submits() == 2
    filed = run(ChangePlan(), send=True)
    assert filed.status is RunStatus.SUBMITTED, filed.errors
    filing = _the_filing(portal)
    assert (filing["status"], filing["filing_number"]) == ("变更审核中", number)
    assert filing["sections"]["算法数据"]["算法简介"] == changed
    assert run(ChangePlan(), send=True).status is RunStatus.ALREADY_SUBMITTED
    portal.review("approve", id=filing_id)
    _sync(browser, settings)

    # 注销: the dialog is filled and read back, and confirmed only with the flags.
    reason = "该算法对应的开放平台服务已停止运营。"
    assert run(CancelPlan(reason)).status is RunStatus.READY
    assert _the_filing(portal)["status"] == "已通过"
    cancelled = run(CancelPlan(reason), send=True)
    assert cancelled.status is RunStatus.SUBMITTED, cancelled.errors
    filing = _the_filing(portal)
    assert (filing["status"], filing["cancel_reason"], filing["filing_number"]) == ("已注销", reason, number)
    assert run(CancelPlan(reason), send=True).status is RunStatus.ALREADY_SUBMITTED
