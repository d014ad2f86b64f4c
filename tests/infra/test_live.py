"""The live view fed synthetic progress events: titles from the profile, marks, order, skipped stages."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from agent.live import DONE, FAILED, LiveView, StageBoard, stage_titles
from agent.profile import default_profile, load_profile
from agent.progress import ProgressEvent, Stage

SUPPORTER = stage_titles(default_profile(), provider=False)


def _event(kind: str, stage: Stage | None, text: str = "", at: float = 0.0) -> ProgressEvent:
    return ProgressEvent(kind, stage, text, at)  # type: ignore[arg-type]


def _render(board: StageBoard, width: int = 100) -> str:
    out = io.StringIO()
    Console(file=out, width=width, force_terminal=False, color_system=None).print(board)
    return out.getvalue()


def test_titles_are_the_portal_words_for_the_role() -> None:
    provider = stage_titles(default_profile(), provider=True)
    assert [SUPPORTER[s] for s in Stage] == [
        "登录",
        "主体信息",
        "产品及功能信息",
        "1 填写算法基础属性信息",
        "2 填写算法详细属性信息",
        "3 填写技术服务方式",
        "4 确认提交",
        "提交",
    ]
    assert provider[Stage.STEP3] == "3 填写产品及功能信息"


def test_a_profile_override_renames_the_stages(tmp_path: Path) -> None:
    override = tmp_path / "profile.toml"
    override.write_text('[steps]\nbasic = "基础属性"\n[texts]\nlogin_button = "登 录"\n', encoding="utf-8")
    titles = stage_titles(load_profile(override), provider=False)
    assert titles[Stage.STEP1] == "1 基础属性" and titles[Stage.LOGIN] == "登 录"


def test_stages_show_in_order_with_the_current_action_then_a_tick_and_seconds() -> None:
    board = StageBoard("supporter-basic  account demo-supporter", SUPPORTER)
    board.feed(_event("started", Stage.LOGIN, at=10.0))
    board.feed(_event("done", Stage.LOGIN, at=11.25))
    board.feed(_event("started", Stage.STEP1, at=11.5))
    board.feed(_event("action", Stage.STEP1, "上传 算法安全自评估报告", at=12.0))
    assert board.lines() == [
        (DONE, "登录", "1.2s"),
        ("…", "1 填写算法基础属性信息", "上传 算法安全自评估报告"),
    ]
    shown = _render(board)
    assert shown.splitlines()[0] == "supporter-basic  account demo-supporter"
    assert "上传 算法安全自评估报告" in shown and f"{DONE} 登录" in shown
    board.feed(_event("action", Stage.STEP1, "保存至草稿箱: 等待门户响应 (重试 2/4)", at=13.0))
    board.feed(_event("done", Stage.STEP1, at=14.0))
    assert board.lines()[-1] == (DONE, "1 填写算法基础属性信息", "2.5s")
    # Stages never started (主体信息 already filed, no products) are not shown.
    assert "主体信息" not in _render(board) and "产品及功能信息" not in _render(board)


def test_a_failure_marks_the_running_stage_with_the_error() -> None:
    board = StageBoard("b", SUPPORTER)
    board.feed(_event("started", Stage.STEP2, at=1.0))
    board.feed(_event("failed", Stage.STEP2, "algorithm.data.intro (算法简介): not on screen\ntrace", at=2.0))
    assert board.lines() == [
        (FAILED, "2 填写算法详细属性信息", "algorithm.data.intro (算法简介): not on screen")
    ]
    assert f"{FAILED} 2 填写算法详细属性信息 algorithm.data.intro (算法简介)" in _render(board, 120)


def test_a_failure_outside_a_running_stage_gets_its_own_line() -> None:
    board = StageBoard("b", SUPPORTER)
    board.feed(_event("failed", None, "the portal is unreachable"))
    board.feed(_event("started", Stage.STEP1, at=1.0))
    board.feed(_event("done", Stage.STEP1, at=2.0))
    board.feed(_event("action", Stage.STEP1, "下一步"))  # between stages: shown on a line of its own
    assert "下一步" in _render(board)
    board.feed(_event("failed", Stage.STEP1, "下一步 did not lead to step 2"))
    assert board.lines() == [
        (FAILED, "", "the portal is unreachable"),
        (DONE, "1 填写算法基础属性信息", "1.0s"),
        (FAILED, "", "下一步 did not lead to step 2"),
    ]
    assert "下一步\n" not in _render(board)


def test_once_closed_nothing_spins() -> None:
    board = StageBoard("b", SUPPORTER)
    board.feed(_event("started", Stage.STEP4))
    board.close()
    assert board.lines() == [("·", "4 确认提交", "")]


def test_the_live_view_leaves_its_final_frame_on_the_terminal() -> None:
    out = io.StringIO()
    console = Console(file=out, width=100, force_terminal=True, color_system=None)
    with LiveView(StageBoard("supporter-basic", SUPPORTER), console) as view:
        view.feed(_event("started", Stage.LOGIN, at=0.0))
        view.feed(_event("done", Stage.LOGIN, at=0.5))
    assert f"{DONE} 登录 0.5s" in out.getvalue()
