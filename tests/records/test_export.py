"""``beian-agent export``: the CAC list's columns, real dates in xlsx, a BOM in CSV, files 0600."""

from __future__ import annotations

import csv
import os
import stat
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from agent.batch.export import COLUMNS, ExportFormat, display_width, export_rows, to_cst, write_export
from agent.cli.app import app
from agent.state.ledger import Ledger, bundle_key_for

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "bundles"


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    state = tmp_path / "state"
    ledger = Ledger(state / "ledger.sqlite3")
    ledger.record_checkpoint(
        "/gone/a",
        "r1",
        "confirm",
        "ready",
        account="acct-a",
        algorithm_name="甲算法",
        role="服务提供者",
        entity_name="甲公司",
        products="甲应用、甲助手",
        purpose="生成文本",
        evidence_dir="/ev/a",
    )
    ledger.mark_submitting("/gone/a", "r2", evidence_dir="/ev/a2")
    ledger.record_checkpoint("/gone/a", "r2", "submitted", "submitted", evidence_dir="/ev/a2")
    # An entry recorded before the ledger kept the list's columns: read from the bundle, still there.
    ledger.record_checkpoint(
        bundle_key_for(FIXTURES / "supporter-basic"),
        "r1",
        "step2",
        "saved",
        account="acct-b",
        algorithm_name="乙",
    )
    return state


def test_rows_fill_missing_columns_from_the_bundle(state: Path) -> None:
    rows = export_rows(Ledger(state / "ledger.sqlite3"))
    assert [r.number for r in rows] == [1, 2]
    first, second = rows
    assert (first.algorithm, first.role, first.entity, first.products) == (
        "甲算法",
        "服务提供者",
        "甲公司",
        "甲应用、甲助手",
    )
    assert first.status == "已提交" and first.step == "已提交" and first.evidence_dir == "/ev/a2"
    assert isinstance(first.submitted_at, datetime) and first.submitted_at.tzinfo is None
    assert second.role == "技术支持者" and second.products and second.purpose
    assert second.submitted_at is None and second.status == "已保存至草稿箱"
    only_b = export_rows(Ledger(state / "ledger.sqlite3"), account="ACCT_B")
    assert [r.algorithm for r in only_b] == ["乙"]


def test_times_are_china_standard_time() -> None:
    assert to_cst("2026-03-01T20:30:00+00:00") == datetime(2026, 3, 2, 4, 30)
    assert to_cst(None) is None and to_cst("not a time") is None


def test_xlsx_has_a_bold_frozen_header_dates_and_wide_cjk_columns(state: Path, tmp_path: Path) -> None:
    out = write_export(export_rows(Ledger(state / "ledger.sqlite3")), tmp_path / "f.xlsx", ExportFormat.XLSX)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    sheet = load_workbook(out).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    submitted = sheet.cell(row=2, column=COLUMNS.index("提交时间") + 1)
    assert isinstance(submitted.value, datetime) and "yyyy" in submitted.number_format
    products = sheet.column_dimensions["E"].width  # 应用产品: 甲应用、甲助手 is 7 CJK characters
    assert products is not None and products >= display_width("甲应用、甲助手") >= 14


def test_csv_is_utf8_with_bom(state: Path, tmp_path: Path) -> None:
    out = write_export(export_rows(Ledger(state / "ledger.sqlite3")), tmp_path / "f.csv", ExportFormat.CSV)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    assert rows[0] == list(COLUMNS) and rows[1][1] == "甲算法"


def test_cli_writes_the_file_and_refuses_without_a_ledger(state: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["export", "--format", "csv", "--out", "list.csv", "--state-dir", str(state)])
    assert done.exit_code == 0, done.output
    assert done.output.strip() == "2 filing(s) written to list.csv"
    assert (tmp_path / "list.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    missing = runner.invoke(app, ["export", "--state-dir", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and not (tmp_path / "nowhere").exists()
    assert os.listdir(tmp_path).count("list.csv") == 1
