"""Where a run is, as events a live view can show: a stage begins, an action runs, the stage ends.

The run reports progress without knowing who listens: a sink is installed for the current thread (or
context) with ``reporting_to(sink)``, and ``stage_started`` / ``action`` / ``stage_done`` /
``stage_failed`` reach it. With no sink installed the calls do nothing, so unattended runs, tests and
benchmarks pay nothing for them. Stages are canonical keys (``Stage``); the words shown for them come
from the portal profile, never from here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

__all__ = [
    "ProgressEvent",
    "ProgressSink",
    "Stage",
    "action",
    "position",
    "reporting_to",
    "stage_done",
    "stage_failed",
    "stage_started",
    "start_run",
]


class Stage(StrEnum):
    LOGIN = "login"
    ENTITY = "entity"
    PRODUCTS = "products"
    STEP1 = "step1"
    STEP2 = "step2"
    STEP3 = "step3"
    STEP4 = "step4"
    SUBMIT = "submit"


EventKind = Literal["started", "action", "done", "failed"]


@dataclass(frozen=True)
class ProgressEvent:
    kind: EventKind
    stage: Stage | None
    # The action in the portal's own words ("保存至草稿箱"), or the error for "failed".
    text: str = ""
    at: float = field(default_factory=time.monotonic)


ProgressSink = Callable[[ProgressEvent], None]


_sink: ContextVar[ProgressSink | None] = ContextVar("beian_progress_sink", default=None)
_stage: ContextVar[Stage | None] = ContextVar("beian_progress_stage", default=None)
# Whether ``_stage`` has ended, and the last action within it: where an error happened (``position``).
_stage_done: ContextVar[bool] = ContextVar("beian_progress_stage_done", default=False)
_action: ContextVar[str] = ContextVar("beian_progress_action", default="")


def start_run() -> None:
    """Forget the previous run's position (a batch worker runs many bundles in one thread)."""
    _stage.set(None)
    _stage_done.set(False)
    _action.set("")


def position() -> tuple[Stage | None, bool, str]:
    """The last stage started, whether it is done, and the last action reported in it."""
    return _stage.get(), _stage_done.get(), _action.get()


@contextmanager
def reporting_to(sink: ProgressSink) -> Iterator[None]:
    """Send this context's progress events to ``sink`` for the length of the ``with`` block."""
    token = _sink.set(sink)
    try:
        yield
    finally:
        _sink.reset(token)


def _emit(kind: EventKind, stage: Stage | None, text: str = "") -> None:
    sink = _sink.get()
    if sink is not None:
        sink(ProgressEvent(kind, stage, text))


def stage_started(stage: Stage) -> None:
    _stage.set(stage)
    _stage_done.set(False)
    _action.set("")
    _emit("started", stage)


def action(text: str) -> None:
    """What the run is doing now within the current stage, e.g. "上传 算法安全自评估报告"."""
    _action.set(text)
    _emit("action", _stage.get(), text)


def stage_done(stage: Stage) -> None:
    if _stage.get() is stage:
        _stage_done.set(True)
        _action.set("")
    _emit("done", stage)


def stage_failed(error: str) -> None:
    """The current stage ended in ``error`` (already redacted: it is shown on the terminal)."""
    _emit("failed", _stage.get(), error)
