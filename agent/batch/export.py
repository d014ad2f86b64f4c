"""The filing list a compliance team keeps: every filing the ledger knows, as .xlsx or .csv.

The first columns are those of the lists the CAC publishes (序号, 算法名称, 角色, 主体名称, 应用产品,
主要用途, 备案编号, 备注), then what the agent knows about each filing. Values the ledger lacks (ledgers
written before it recorded them) are read from the bundle if it is still where it was, else left blank.
Times are China Standard Time (UTC+8), the portal's and its users' clock.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from pathlib import Path

from agent.bundle import BundleInvalid, load_bundle
from agent.bundle.facts import bundle_facts
from agent.files import write_private
from agent.redact import redact_text
from agent.state.ledger import Ledger, LedgerEntry
from agent.status import LedgerStatus, ledger_label_zh

__all__ = [
    "CHECKPOINT_ZH",
    "COLUMNS",
    "CST",
    "ExportFormat",
    "ExportRow",
    "bundle_facts",
    "export_rows",
    "to_cst",
    "write_csv",
    "write_export",
    "write_xlsx",
]

CST = timezone(timedelta(hours=8), "CST")

COLUMNS = (
    "序号",
    "算法名称",
    "角色",
    "主体名称",
    "应用产品",
    "主要用途",
    "备案编号",
    "备注",
    "账号",
    "状态",
    "步骤",
    "提交时间",
    "最近运行",
    "证据目录",
)

CHECKPOINT_ZH: dict[str, str] = {
    "entity": "主体信息",
    "products": "产品及功能信息",
    "creating": "新增备案",
    "step1": "填写算法基础属性信息",
    "step2": "填写算法详细属性信息",
    "step3": "填写产品及功能信息 / 技术服务方式",
    "confirm": "确认提交",
    "submitted": "已提交",
}


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


def to_cst(value: str | None) -> datetime | None:
    """A ledger timestamp (ISO 8601, UTC) as a naive China Standard Time datetime, for spreadsheets."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(CST).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class ExportRow:
    number: int
    algorithm: str
    role: str
    entity: str
    products: str
    purpose: str
    filing_number: str
    note: str
    account: str
    status: str
    step: str
    submitted_at: datetime | None
    last_run: datetime | None
    evidence_dir: str

    def cells(self) -> list[object]:
        return [
            self.number,
            self.algorithm,
            self.role,
            self.entity,
            self.products,
            self.purpose,
            self.filing_number,
            self.note,
            self.account,
            self.status,
            self.step,
            self.submitted_at,
            self.last_run,
            self.evidence_dir,
        ]


def _facts_from_bundle(bundle_key: str) -> dict[str, str | None]:
    directory = Path(bundle_key)
    if not (directory / "filing.toml").is_file():
        return {}
    try:
        return bundle_facts(load_bundle(directory))
    except (BundleInvalid, OSError):
        return {}


def _note(entry: LedgerEntry) -> str:
    if (
        entry.status in (LedgerStatus.FAILED, LedgerStatus.NEEDS_PERSON, LedgerStatus.SUBMITTING)
        and entry.last_error
    ):
        return redact_text(entry.last_error)
    return ""


def export_rows(
    ledger: Ledger,
    *,
    account: str | None = None,
    read_bundle: Callable[[str], dict[str, str | None]] = _facts_from_bundle,
) -> list[ExportRow]:
    """The ledger's filings (of ``account``, or all), oldest activity first, numbered from 1."""
    wanted = account.strip().lower().replace("-", "_") if account else None
    entries = [
        e
        for e in ledger.entries()
        if wanted is None or (e.account or "").strip().lower().replace("-", "_") == wanted
    ]
    entries.sort(key=lambda e: (e.submitted_at or "9", e.updated_at))
    rows = []
    for number, entry in enumerate(entries, start=1):
        known = {
            "role": entry.role,
            "entity_name": entry.entity_name,
            "products": entry.products,
            "purpose": entry.purpose,
        }
        if None in known.values():
            fallback = read_bundle(entry.bundle_key)
            known = {k: v if v is not None else fallback.get(k) for k, v in known.items()}
        rows.append(
            ExportRow(
                number=number,
                algorithm=entry.algorithm_name or "",
                role=known["role"] or "",
                entity=known["entity_name"] or "",
                products=known["products"] or "",
                purpose=known["purpose"] or "",
                filing_number=entry.filing_number or "",
                note=_note(entry),
                account=entry.account or "",
                status=ledger_label_zh(entry.status),
                step=CHECKPOINT_ZH.get(entry.checkpoint or "", entry.checkpoint or ""),
                submitted_at=to_cst(entry.submitted_at),
                last_run=to_cst(entry.updated_at),
                evidence_dir=entry.evidence_dir or "",
            )
        )
    return rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def write_csv(rows: Sequence[ExportRow], path: Path) -> None:
    """CSV in UTF-8 with a byte-order mark: without it, Excel opens Chinese text as mojibake."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell_text(c) for c in row.cells()])
    write_private(path, buffer.getvalue().encode("utf-8-sig"))


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: CJK and other wide characters count as two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


_DATE_FORMAT = "yyyy-mm-dd hh:mm:ss"
_MAX_WIDTH = 60


def write_xlsx(rows: Sequence[ExportRow], path: Path) -> None:
    """One sheet, 备案清单: bold frozen header, real dates, columns as wide as their text (capped)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has its first sheet
    sheet.title = "备案清单"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row.cells())
    widths = [display_width(c) for c in COLUMNS]
    for row_cells in sheet.iter_rows(min_row=2):
        for index, cell in enumerate(row_cells):
            if isinstance(cell.value, datetime):
                cell.number_format = _DATE_FORMAT
                widths[index] = max(widths[index], len(_DATE_FORMAT))
            else:
                widths[index] = max(widths[index], display_width(_cell_text(cell.value)))
            # Long texts (主要用途) wrap inside their capped column instead of running over the next.
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for index, width in enumerate(widths, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = min(width, _MAX_WIDTH) + 2
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_private(path, buffer.getvalue())


def write_export(rows: Sequence[ExportRow], path: Path, fmt: ExportFormat) -> Path:
    (write_xlsx if fmt is ExportFormat.XLSX else write_csv)(rows, path)
    return path
