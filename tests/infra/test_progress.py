from __future__ import annotations

import threading

from agent import progress
from agent.errors import TransientPortalError
from agent.progress import ProgressEvent, Stage
from agent.run.retry import transient_retry
from agent.settings import RetrySettings


def test_events_reach_the_installed_sink_with_the_current_stage() -> None:
    seen: list[ProgressEvent] = []
    with progress.reporting_to(seen.append):
        progress.stage_started(Stage.STEP1)
        progress.action("保存至草稿箱")
        progress.stage_done(Stage.STEP1)
        progress.stage_started(Stage.STEP2)
        progress.stage_failed("not on screen")
    assert [(e.kind, e.stage, e.text) for e in seen] == [
        ("started", Stage.STEP1, ""),
        ("action", Stage.STEP1, "保存至草稿箱"),
        ("done", Stage.STEP1, ""),
        ("started", Stage.STEP2, ""),
        ("failed", Stage.STEP2, "not on screen"),
    ]


def test_without_a_sink_nothing_is_reported_and_other_threads_keep_their_own() -> None:
    seen: list[ProgressEvent] = []
    with progress.reporting_to(seen.append):
        worker = threading.Thread(target=progress.action, args=("elsewhere",))
        worker.start()
        worker.join()
    progress.action("after the block")
    assert seen == []


def test_a_retry_reports_that_it_waits_for_the_portal() -> None:
    seen: list[ProgressEvent] = []
    calls = iter([TransientPortalError("busy"), None])

    def flaky() -> None:
        error = next(calls)
        if error is not None:
            raise error

    policy = RetrySettings(attempts=3, initial_wait_s=0.01, max_wait_s=0.01)
    with progress.reporting_to(seen.append):
        transient_retry(policy, "保存至草稿箱", sleep=lambda _s: None)(flaky)
    assert [e.text for e in seen] == ["保存至草稿箱: 等待门户响应 (重试 1/2)"]
