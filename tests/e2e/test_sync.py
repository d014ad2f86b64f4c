"""``beian-agent sync`` in a child process against the mock: 已退回 with the opinion exits 1, an approval
records the number; the portal gets no write."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from agent.state.ledger import Ledger
from agent.status import LedgerStatus
from fixtures.mock_portal import DEMO_PASSWORD, MockPortal

pytestmark = pytest.mark.e2e

CLI = str(Path(sys.executable).parent / "beian-agent")
SEEDED = "智绘开放平台文本生成算法"  # demo-provider's filing, 待审核 in the seed
OPINION = "算法安全自评估报告未说明训练数据来源，请补充后重新提交。"


def _sync(tmp_path: Path, portal: MockPortal) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLI, "sync", "--config", str(tmp_path / "c.toml"), "--portal-url", portal.url],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_sync_reports_a_return_then_records_the_number(tmp_path: Path, portal: MockPortal) -> None:
    (tmp_path / "c.toml").write_text(
        '[paths]\nstate_dir = "state"\nevidence_dir = "evidence"\n\n'
        f'[accounts.demo-provider]\nusername = "demo-provider"\npassword = "{DEMO_PASSWORD}"\n',
        encoding="utf-8",
    )
    ledger = Ledger(tmp_path / "state" / "ledger.sqlite3")
    key = str(tmp_path / "bundle")
    ledger.record_checkpoint(
        key, "r", "submitted", LedgerStatus.SUBMITTED, account="demo-provider", algorithm_name=SEEDED,
        content_hash="h",
    )  # fmt: skip
    portal.review("return", OPINION, account="demo-provider", name=SEEDED)
    returned = _sync(tmp_path, portal)
    assert returned.returncode == 1, returned.stderr
    assert "已退回" in returned.stdout and OPINION in returned.stdout
    entry = ledger.get(key)
    assert entry is not None and entry.status is LedgerStatus.RETURNED and entry.opinion == OPINION
    writes = [r for r in portal.requests() if r["method"] == "POST" and r["path"] != "/api/login"]
    assert writes == []

    filing_id = next(
        f["id"] for f in portal.state()["accounts"]["demo-provider"]["filings"]
        if f["sections"]["算法基础属性信息"]["算法名称"] == SEEDED
    )  # fmt: skip
    # Resubmitted by hand here (the agent's resubmission is another test), then approved.
    from tests.mock_portal.client import Client

    client = Client(portal.url)
    client.login("demo-provider")
    assert client.post("/api/filing/submit", {"id": filing_id, "commitment": True})["errno"] == 0
    number = portal.review("approve", id=filing_id)["filing_number"]
    approved = _sync(tmp_path, portal)
    assert approved.returncode == 0, approved.stdout + approved.stderr
    assert number in approved.stdout
    entry = ledger.get(key)
    assert entry is not None and entry.filing_number == number and entry.approved_hash == "h"
    assert re.fullmatch(r"网信算备\d{21}号", number)
    assert [h.portal_status for h in ledger.portal_history(key)] == ["已退回", "已通过"]
