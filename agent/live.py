"""What an operator sees while a run works: one line per stage in the portal's words, live.

``StageBoard`` turns ``agent.progress`` events into lines (a spinner and the current action on the
running stage, ✓ and seconds on a finished one, ✗ and the error on a failed one); stages a run never
starts (主体信息 already filed, products of a 技术支持者) do not appear. ``LiveView`` shows a board on
the terminal with rich and is the progress sink of the command while it is open. Presentation only:
titles come from the portal profile, so a profile override renames them.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from agent.profile import PortalProfile
from agent.progress import ProgressEvent, Stage

__all__ = ["DONE", "FAILED", "LiveView", "StageBoard", "stage_titles"]

DONE = "✓"
FAILED = "✗"


def stage_titles(profile: PortalProfile, *, provider: bool) -> dict[Stage, str]:
    """Each stage as the portal names it: home-page entries, numbered stepper titles, 提交."""
    third = profile.step("products" if provider else "technical_service")
    return {
        Stage.LOGIN: profile.text("login_button"),
        Stage.ENTITY: profile.text("home_entity"),
        Stage.PRODUCTS: profile.text("home_products"),
        Stage.STEP1: f"1 {profile.step('basic')}",
        Stage.STEP2: f"2 {profile.step('details')}",
        Stage.STEP3: f"3 {third}",
        Stage.STEP4: f"4 {profile.step('confirm')}",
        Stage.SUBMIT: profile.text("submit"),
    }


@dataclass
class _Row:
    title: str
    started: float
    state: str = "running"  # running | done | failed
    detail: str = ""  # the current action while running, the elapsed time or the error after


class StageBoard:
    """The stage lines of one run under a header; fed ``ProgressEvent``s, rendered by rich."""

    def __init__(self, header: str, titles: Mapping[Stage, str]) -> None:
        self.header = header
        self.titles = titles
        self._rows: dict[Stage | None, _Row] = {}
        self._order: list[_Row] = []
        self._loose_action = ""  # an action between stages (下一步 after a step was saved)
        self._closed = False
        self._lock = threading.Lock()
        self._spinner = Spinner("dots", style="cyan")

    def feed(self, event: ProgressEvent) -> None:
        with self._lock:
            self._feed(event)

    def _feed(self, event: ProgressEvent) -> None:
        row = self._rows.get(event.stage)
        if event.kind == "started":
            row = _Row(self._title(event.stage), event.at)
            self._rows[event.stage] = row
            self._order.append(row)
            self._loose_action = ""
        elif event.kind == "action":
            if row is not None and row.state == "running":
                row.detail = event.text
            else:
                self._loose_action = event.text
        elif event.kind == "done" and row is not None:
            row.state, row.detail = "done", f"{event.at - row.started:.1f}s"
        elif event.kind == "failed":
            error = event.text.splitlines()[0] if event.text else "failed"
            if row is None or row.state != "running":
                # Failed between stages (or before the first): the error gets a line of its own.
                row = _Row("", event.at)
                self._order.append(row)
            row.state, row.detail = "failed", error
            self._loose_action = ""

    def _title(self, stage: Stage | None) -> str:
        return self.titles.get(stage, str(stage)) if stage is not None else ""

    def close(self) -> None:
        """The run is over: nothing spins any more."""
        with self._lock:
            self._closed = True

    def lines(self) -> list[tuple[str, str, str]]:
        """(mark, title, detail) per line, the spinner as "…": what the tests and logs can compare."""
        with self._lock:
            return [(self._mark(r), r.title, r.detail) for r in self._order]

    def _mark(self, row: _Row) -> str:
        return {"done": DONE, "failed": FAILED}.get(row.state, "·" if self._closed else "…")

    def __rich__(self) -> RenderableType:
        with self._lock:
            grid = Table.grid(padding=(0, 1))
            grid.add_column(width=1, no_wrap=True)
            grid.add_column(no_wrap=True)
            grid.add_column(overflow="fold")
            for row in self._order:
                grid.add_row(*self._cells(row))
            if self._loose_action and not self._closed:
                grid.add_row(self._spinner, Text(""), Text(self._loose_action, style="dim"))
            return Group(Text(self.header, style="bold"), grid)

    def _cells(self, row: _Row) -> tuple[RenderableType, Text, Text]:
        title = Text(row.title)
        if row.state == "done":
            return Text(DONE, style="green"), title, Text(row.detail, style="dim")
        if row.state == "failed":
            return Text(FAILED, style="bold red"), title, Text(row.detail, style="red")
        if self._closed:
            return Text("·", style="dim"), title, Text("")
        return self._spinner, title, Text(row.detail, style="dim")


class LiveView:
    """A ``StageBoard`` drawn live on ``console`` (stderr) while the ``with`` block runs.

    Use it as the progress sink: ``with LiveView(...) as view, progress.reporting_to(view.feed): ...``.
    The final frame stays on screen when the block ends, above the result the command prints.
    """

    def __init__(self, board: StageBoard, console: Console) -> None:
        self.board = board
        self._live = Live(board, console=console, refresh_per_second=8, transient=False)

    def feed(self, event: ProgressEvent) -> None:
        self.board.feed(event)
        self._live.refresh()

    def __enter__(self) -> LiveView:
        self._live.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.board.close()
        self._live.stop()
