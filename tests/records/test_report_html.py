"""report.html: Chinese, self-contained, the fields read back, attachments with sha256, data masked."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from agent.batch.report import write_reports
from agent.settings import load_settings

from .report_helpers import FIXTURES, ID_NUMBER, finished_run, tiny_png


def test_the_report_holds_what_was_filed_and_checked(tmp_path: Path) -> None:
    settings = load_settings(
        None,
        paths__state_dir=tmp_path / "state",
        paths__evidence_dir=tmp_path / "evidence",
        accounts={"demo-provider": {"username": "demo-provider", "password": "Demo@2026"}},
    )
    report = finished_run(tmp_path / "evidence", [tiny_png(), tiny_png(8, 6)])
    json_path, html_path = write_reports(report, settings, tmp_path / "evidence" / "batch-x")
    page = html_path.read_text(encoding="utf-8")

    for text in (
        "算法备案运行报告",
        "主体名称",
        "角色",
        "服务提供者",
        "门户状态",
        "备案编号",
        "字段核对",
        "附件",
    ):
        assert text in page, text
    # Fields in the confirmation page's order, with their check marks.
    table = page[page.index("字段核对") :]
    assert table.index("<td>算法名称") < table.index("<td>版本号") < table.index("<td>算法简介")
    assert "✓" in page and "✗" in page and "未显示" in page
    # Attachments with name, size and sha256, computed from the bundle's files.
    pdf = next((FIXTURES / "provider-basic").rglob("*.pdf"))
    assert pdf.name in page and hashlib.sha256(pdf.read_bytes()).hexdigest() in page
    # Problems in plain words with the page and field.
    assert "错误" in page and "字段：版本号" in page and "页面：确认提交" in page
    # Personal data masked; secrets masked; configuration collapsed.
    assert ID_NUMBER not in page and ID_NUMBER not in json_path.read_text(encoding="utf-8")
    assert "1101**********1234" in page
    assert "Demo@2026" not in page
    assert re.search(r"<details><summary>配置摘要", page)
    # Self-contained: no script, every src/href is a data: URI, both screenshots inside.
    assert "<script" not in page
    refs = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert len(refs) == 2 and all(r.startswith("data:image/png;base64,") for r in refs)
    # The 门户状态 and 备案编号 the ledger does not know are shown as a dash.
    assert re.search(r"备案编号<span[^>]*>[^<]*</span></th><td>—</td>", page)
