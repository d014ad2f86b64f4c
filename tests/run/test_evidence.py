from __future__ import annotations

import json
import re
import stat
from datetime import UTC, datetime
from pathlib import Path

from agent.files import slugify, write_private
from agent.redact import register_secret
from agent.run.evidence import EvidenceDir


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_create_names_and_protects_the_directory(tmp_path: Path) -> None:
    when = datetime(2026, 3, 1, 8, 9, 10, tzinfo=UTC)
    ev = EvidenceDir.create(tmp_path / "evidence", "智绘 Writer v1.0", now=when)
    assert re.fullmatch(r"20260301T080910Z-智绘-writer-v1-0-[0-9a-f]{6}", ev.path.name)
    assert mode(ev.path) == 0o700 and mode(ev.screenshots_dir) == 0o700
    assert ev.trace_path == ev.path / "trace.zip"
    assert ev.result_path == ev.path / "result.json"
    assert ev.log_path == ev.path / "log.jsonl"
    other = EvidenceDir.create(tmp_path / "evidence", "智绘 Writer v1.0", now=when)
    assert other.path != ev.path


def test_screenshot_paths_are_numbered_in_order(tmp_path: Path) -> None:
    ev = EvidenceDir.create(tmp_path, "b")
    assert ev.screenshot_path("step1 saved").name == "01-step1-saved.png"
    assert ev.screenshot_path("提交").name == "02-提交.png"
    ev.screenshot_path("x").write_bytes(b"png")
    ev.screenshot_path("y").write_bytes(b"png")
    assert EvidenceDir(ev.path).screenshot_path("resumed").name == "05-resumed.png"


def test_write_result_is_redacted_and_private(tmp_path: Path) -> None:
    register_secret("Demo@2026")
    ev = EvidenceDir.create(tmp_path, "b")
    path = ev.write_result(
        {"status": "saved", "mobile": "13800138000", "password": "Demo@2026", "note": "used Demo@2026"}
    )
    assert mode(path) == 0o600
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == {"status": "saved", "mobile": "138****8000", "password": "***", "note": "used ***"}
    assert [p.name for p in ev.path.iterdir() if p.name.endswith(".tmp")] == []


def test_seal_makes_every_file_private(tmp_path: Path) -> None:
    ev = EvidenceDir.create(tmp_path, "b")
    shot = ev.screenshot_path("a")
    shot.write_bytes(b"png")
    ev.trace_path.write_bytes(b"zip")
    shot.chmod(0o644)
    ev.trace_path.chmod(0o644)
    ev.seal()
    assert mode(shot) == 0o600 and mode(ev.trace_path) == 0o600


def test_write_private_replaces_atomically(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "f.json"
    write_private(target, b"one")
    write_private(target, b"two")
    assert target.read_bytes() == b"two" and mode(target) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == ["f.json"]


def test_slugify() -> None:
    assert slugify("  Hello, World!  ") == "hello-world"
    assert slugify("___") == "bundle"
    assert len(slugify("x" * 100)) == 40
