"""What ``submit --mock`` shows an operator: the live stage view on a terminal, JSON lines without one.

The command runs as a subprocess, in a pseudo-terminal for the live view, against the mock portal it
embeds; the log it does not show on the terminal is still in the run's ``log.jsonl``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent.live import DONE, FAILED

from ..cli.pty_run import final_frame, run_in_pty

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = "fixtures/bundles/supporter-basic"
STAGES = [
    "登录",
    "1 填写算法基础属性信息",
    "2 填写算法详细属性信息",
    "3 填写技术服务方式",
    "4 确认提交",
]


def _env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "fixtures").symlink_to(ROOT / "fixtures")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEIAN_")}
    env.update(
        PYTHONPATH=str(ROOT),
        BEIAN_PATHS__STATE_DIR=str(tmp_path / "state"),
        BEIAN_PATHS__EVIDENCE_DIR=str(tmp_path / "evidence"),
    )
    return env


def _run_log(tmp_path: Path) -> list[dict[str, object]]:
    (log,) = (tmp_path / "evidence").glob("*/log.jsonl")
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_on_a_terminal_the_operator_sees_the_stages_and_no_log_lines(tmp_path: Path) -> None:
    screen = run_in_pty(
        [sys.executable, "-m", "agent", "submit", "--mock", BUNDLE], env=_env(tmp_path), cwd=tmp_path
    )
    assert screen.exit_code == 0, screen.raw
    frame = final_frame(screen.lines, f"{BUNDLE}  ")
    assert frame[0] == f"{BUNDLE}  深言文本生成算法  account demo-supporter"
    stage_lines = frame[1 : 1 + len(STAGES)]
    # In order, each ticked with its seconds; the bundle carries no 主体信息 and a supporter has no
    # 产品及功能信息: neither stage is shown.
    assert [line.split()[0] for line in stage_lines] == [DONE] * len(STAGES), frame
    assert [line[2:].rsplit(" ", 1)[0].strip() for line in stage_lines] == STAGES, frame
    assert all(line.rsplit(" ", 1)[-1].endswith("s") for line in stage_lines)
    assert FAILED not in screen.raw
    assert (
        frame[1 + len(STAGES)]
        == f"{BUNDLE}: ready (reached confirm) in " + frame[1 + len(STAGES)].split(" in ")[1]
    )
    # No log line at the default level (warnings only): neither console-rendered nor JSON.
    text = "\n".join(screen.lines)
    assert "[info" not in text and "checkpoint" not in text and '"event"' not in text
    # ...but the run's log.jsonl has them all.
    assert [e["checkpoint"] for e in _run_log(tmp_path) if e["event"] == "checkpoint"][-1] == "confirm"


def test_without_a_terminal_the_log_is_json_lines_and_there_is_no_live_view(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "agent", "submit", "--mock", BUNDLE],
        env=_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stderr.splitlines()]  # every line is JSON
    checkpoints = [e["checkpoint"] for e in events if e["event"] == "checkpoint"]
    assert checkpoints == ["creating", "step1", "step2", "step3", "confirm"]
    assert DONE not in done.stderr and "填写算法基础属性信息" not in done.stderr
    assert done.stdout.startswith(f"{BUNDLE}: ready (reached confirm)")
