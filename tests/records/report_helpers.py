"""A batch report over one finished run, with evidence as the runner leaves it, built without a browser."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

from agent.batch.entry import BatchOptions, BatchReport
from agent.batch.plan import BatchItem
from agent.exit_codes import ExitCode
from agent.result import FieldCheck, RunError
from agent.run.evidence import EvidenceDir
from agent.status import BatchOutcome

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "bundles"
ID_NUMBER = "110101199003071234"


def tiny_png(width: int = 4, height: int = 3) -> bytes:
    """A valid RGB PNG, grey, of the given size."""
    raw = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def finished_run(evidence_root: Path, screenshots: list[bytes]) -> BatchReport:
    """The provider fixture's run that reached 确认提交, one field read back wrong, with its evidence."""
    evidence = EvidenceDir.create(evidence_root, "provider-basic")
    for number, data in enumerate(screenshots, start=1):
        evidence.screenshot_path(f"step{number}").write_bytes(data)
    fields = [
        FieldCheck(
            "confirm", "algorithm.name", "算法名称", "智绘写作生成合成算法", "智绘写作生成合成算法", True
        ),
        FieldCheck("confirm", "algorithm.version", "版本号", "V1.0", "V1.", False),
        FieldCheck("confirm", "algorithm.data.intro", "算法简介", f"联系人 {ID_NUMBER}", None, None),
    ]
    result = {
        "status": "failed",
        "fields": [f.to_json() for f in fields],
        "warnings": [
            RunError("主体信息 on the portal differs from the bundle", "entity.website", "网址").to_json()
        ],
    }
    (evidence.path / "result.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    item = BatchItem(
        bundle=str(FIXTURES / "provider-basic"),
        outcome=BatchOutcome.FAILED,
        account="demo-provider",
        algorithm="智绘写作生成合成算法",
        step_reached="confirm",
        duration_s=12.5,
        evidence_dir=str(evidence.path),
        errors=[
            RunError("the page shows 'V1.', the bundle says 'V1.0'", "algorithm.version", "版本号").to_json()
        ],
        exit_code=ExitCode.FAILED,
    )
    return BatchReport(
        run_id="20260301T080910Z-abcdef12",
        started="2026-03-01T08:09:10+00:00",
        finished="2026-03-01T08:10:00+00:00",
        duration_s=50.0,
        options=BatchOptions(),
        items=[item],
        browser_versions=["131.0"],
    )
