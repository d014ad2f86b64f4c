"""After 提交, end to end on the mock through the command line: submitted → returned with an opinion →
``sync`` says 已退回 with the opinion and exits 1 → the corrected bundle resubmitted into the same filing →
approved → ``sync`` records the number → ``status`` warns of the 变更 due → ``change`` files a 变更 →
``cancel`` files a 注销. Nothing is sent without both flags (the command refuses half of them before the
portal is opened, the flow refuses 提交 without the attestation), and each state is compared with
``/__mock/state``, field by field where the bundle's content is on the portal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from typer.testing import Result

from agent.bundle import load_bundle
from agent.cli.app import app
from agent.exit_codes import ExitCode
from agent.run.plans import CancelPlan, ChangePlan, FilingPlan
from agent.run.runner import RunOptions, run_bundle
from agent.settings import load_settings
from agent.state.filing_number import parse_filing_number
from agent.state.ledger import Ledger, bundle_key_for
from agent.status import LedgerStatus
from fixtures.mock_portal import DEMO_PASSWORD, MockPortal
from tests.cli.portal_config import invoke

from .helpers import filing_problems, filings_named

pytestmark = pytest.mark.e2e

ACCOUNT = "demo-supporter"
OPINION = "算法简介未写明生成结果的展现形式，请补充后重新提交。"
REASON = "该算法对应的开放平台服务已停止运营。"
SEND = ("--submit", "--confirm-truthful")
HALVES = (("--submit",), ("--confirm-truthful",))


def _edit_intro(directory: Path, added: str) -> str:
    toml = directory / "filing.toml"
    text = toml.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("intro = "))
    toml.write_text(text.replace(old, old[:-1] + added + '"'), encoding="utf-8")
    return load_bundle(directory).filing.algorithm.data.intro


def test_returned_resubmitted_approved_changed_cancelled_through_the_cli(
    portal: MockPortal, bundle_copy: Callable[[str], Path], tmp_path: Path, browser: Browser
) -> None:
    directory = bundle_copy("supporter")
    bundle_dir = str(directory)
    name = load_bundle(directory).filing.algorithm.name
    config = tmp_path / "beian-agent.toml"
    config.write_text(
        f'[portal]\nbase_url = "{portal.url}"\n\n[paths]\nstate_dir = "state"\nevidence_dir = "evidence"\n\n'
        f'[accounts.{ACCOUNT}]\nusername = "{ACCOUNT}"\npassword = "{DEMO_PASSWORD}"\n',
        encoding="utf-8",
    )
    ledger, key = Ledger(tmp_path / "state" / "ledger.sqlite3"), bundle_key_for(directory)

    def cli(*args: str, code: ExitCode = ExitCode.OK) -> Result:
        # In a thread of its own: the session's browser fixtures keep an asyncio loop in this one.
        outcome = invoke(app, [*args, "--config", str(config)])
        assert outcome.exit_code == code, outcome.output
        return outcome

    def filing() -> dict[str, Any]:
        (found,) = filings_named(portal.state()["accounts"][ACCOUNT], name)  # one, whatever happened
        return found

    def submits() -> int:
        count: int = portal.state()["counters"]["submits"]
        return count

    def halves_refused(*command: str) -> None:
        """Half of the two flags is refused before the portal is opened: not one request."""
        for half in HALVES:
            before = portal.state()["counters"]["requests"]
            refused = cli(*command, *half, code=ExitCode.USAGE)
            assert "both are needed" in refused.output
            assert portal.state()["counters"]["requests"] == before

    def unattested(plan: FilingPlan) -> None:
        """The flow itself (as a batch or the queue runs it) does not send without the attestation."""
        options = RunOptions(submit=True, confirm_truthful=False)
        result = run_bundle(directory, load_settings(config), options, plan=plan, browser=browser)
        assert result.exit_code is ExitCode.NEEDS_PERSON, result.errors
        assert any("--confirm-truthful" in e.message for e in result.errors), result.errors

    assert "submitted" in cli("submit", bundle_dir, *SEND).stdout
    filing_id = filing()["id"]

    # Returned with an opinion: sync says so and exits 1.
    portal.review("return", OPINION, id=filing_id)
    synced = cli("sync", code=ExitCode.FAILED)
    assert f"{ACCOUNT}  {name}  已退回" in synced.stdout and f"审核意见: {OPINION}" in synced.stdout
    entry = ledger.get(key)
    assert entry is not None and entry.status is LedgerStatus.RETURNED and entry.opinion == OPINION

    # The corrected bundle refills the same filing; sent only with both flags.
    corrected = _edit_intro(directory, "，生成结果以文本形式展示在客户系统的对话界面中。")
    halves_refused("submit", bundle_dir)
    assert ": ready (reached confirm)" in cli("submit", bundle_dir).stdout
    assert filing()["status"] == "已退回" and submits() == 1
    assert ": submitted (reached submitted)" in cli("submit", bundle_dir, *SEND).stdout
    resent = filing()
    assert (resent["id"], resent["status"], submits()) == (filing_id, "待审核", 2)
    assert resent["sections"]["算法数据"]["算法简介"] == corrected
    assert filing_problems(load_bundle(directory), resent) == []

    # Approved: sync records the number.
    number = portal.review("approve", id=filing_id)["filing_number"]
    assert number in cli("sync").stdout
    entry = ledger.get(key)
    assert entry is not None and entry.filing_number == number and parse_filing_number(number) is not None

    # The bundle changes: status counts the working days left for the 变更.
    changed = _edit_intro(directory, "支持中英文两种语言。")
    assert "after approval and no 变更 was filed" in cli("status").stdout

    # 变更: what changed is listed, nothing sent without both flags; then filed, the number kept.
    halves_refused("change", bundle_dir)
    listed = cli("change", bundle_dir)
    assert ": ready (reached confirm)" in listed.stdout and "变更 算法简介: " in listed.stdout
    assert filing()["status"] == "变更中" and submits() == 2
    unattested(ChangePlan())
    assert filing()["status"] == "变更中" and submits() == 2
    assert ": submitted (reached submitted)" in cli("change", bundle_dir, *SEND).stdout
    filed = filing()
    assert (filed["id"], filed["status"], filed["filing_number"]) == (filing_id, "变更审核中", number)
    assert filed["sections"]["算法数据"]["算法简介"] == changed
    assert filing_problems(load_bundle(directory), filed) == []
    assert "already_submitted" in cli("change", bundle_dir, *SEND).stdout
    assert submits() == 3
    assert "no 变更 was filed" not in cli("status").stdout
    portal.review("approve", id=filing_id)

    # 注销: the dialog is filled and read back, and confirmed only with both flags.
    halves_refused("cancel", bundle_dir, "--reason", REASON)
    assert ": ready (reached confirm)" in cli("cancel", bundle_dir, "--reason", REASON).stdout
    unattested(CancelPlan(REASON))
    assert (
        filing()["status"] == "已通过"
        and "POST /api/filing/cancel" not in portal.state()["counters"]["by_route"]
    )
    assert ": submitted" in cli("cancel", bundle_dir, "--reason", REASON, *SEND).stdout
    cancelled = filing()
    assert (cancelled["status"], cancelled["cancel_reason"], cancelled["filing_number"]) == (
        "已注销",
        REASON,
        number,
    )
    assert "already_submitted" in cli("cancel", bundle_dir, "--reason", REASON, *SEND).stdout
    assert f"{name}  已注销  {number}" in cli("sync").stdout
    assert [h["status"] for h in filing()["history"]][-4:] == ["变更中", "变更审核中", "已通过", "已注销"]
