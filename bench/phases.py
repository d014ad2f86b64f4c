"""Where the agent's time goes in one filing, without changing the agent.

Two views, both taken while ``AgentProbe`` is active:

* by step: the agent logs ``logged_in`` and a ``checkpoint`` event after each saved stage (products,
  creating, step1, step2, step3, confirm); a processor placed first in structlog's chain stamps each with
  the monotonic clock, and the time between two stamps is that stage's.
* by activity: selected agent functions (fill, read-back, uploads, draft saves, 下一步, screenshots,
  traces, …) are wrapped with timers for the duration of the probe. Nested wrapped calls are charged to
  the innermost one (an upload inside a fill is "uploads", not "fill"), so the activities add up to at
  most the run's wall time; the rest is "other".

A target that does not exist (the agent changed) is skipped and listed in ``missing``.
"""

from __future__ import annotations

import functools
import importlib
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from types import TracebackType
from typing import Any

import structlog
from structlog.typing import EventDict, WrappedLogger

__all__ = ["ACTIVITIES", "STAGES", "AgentProbe", "step_phases"]

# phase: "module:attribute.path" of the functions charged to it
ACTIVITIES: dict[str, tuple[str, ...]] = {
    "login": ("flows.pages.login:LoginPage.log_in", "agent.state.session_store:save"),
    "navigation": (
        "flows.pages.shell:Shell.open_entry",
        "flows.pages.shell:Shell.go_home",
        "flows.pages.filings:FilingsPage.rows",
        "flows.pages.filings:FilingsPage.new_filing",
        "flows.pages.products:ProductsPage.wait_loaded",
        "flows.pages.products:ProductsPage.has_product",
        "flows.pages.products:ProductsPage.has_path",
        "flows.pages.products:ProductsPage.function_names",
    ),
    # ``Form.fill_and_read`` finds the field once (a single evaluation), then a driver sets it and reads it
    # back: the lookup and the setting are "fill", the reading "read_back" (innermost wins).
    "fill": (
        "flows.widgets.form:Form.fill",
        "flows.widgets.form:Form.fill_and_read",
        "flows.widgets.cascader:_Cascader.set",
        "flows.widgets.checkbox:_Checkbox.set",
        "flows.widgets.date:_Date.set",
        "flows.widgets.radio:_Radio.set",
        "flows.widgets.rows:_Rows.set",
        "flows.widgets.select:_Select.set",
        "flows.widgets.select:_MultiSelect.set",
        "flows.widgets.text:_Text.set",
        "flows.pages.wizard:WizardPage.tick_products",
    ),
    "uploads": ("flows.widgets.upload:_Upload.set",),
    "read_back": (
        "flows.widgets.form:Form.read",
        "flows.widgets.cascader:_Cascader.read",
        "flows.widgets.checkbox:_Checkbox.read",
        "flows.widgets.date:_Date.read",
        "flows.widgets.radio:_Radio.read",
        "flows.widgets.rows:_Rows.read",
        "flows.widgets.select:_Select.read",
        "flows.widgets.select:_MultiSelect.read",
        "flows.widgets.text:_Text.read",
        "flows.widgets.upload:_Upload.read",
        "flows.pages.wizard:WizardPage.confirmation_pairs",
    ),
    "draft_saves": ("flows.pages.wizard:WizardPage.save_draft",),
    "next_step": ("flows.pages.wizard:WizardPage.next", "flows.pages.wizard:WizardPage.current_step"),
    "screenshots": ("agent.run.filing_flow:FilingFlow._screenshot",),
    "trace": (
        "agent.run.trace:TraceRecorder.resume",
        "agent.run.trace:TraceRecorder.pause",
        "agent.run.trace:TraceRecorder.close",
    ),
    # ``portal_session`` looks the name up in its own module, so that binding is the one to wrap.
    "context": ("agent.run.arrival:open_context",),
    "ledger_evidence": (
        "agent.state.ledger:Ledger.record_checkpoint",
        "agent.state.ledger:Ledger.begin_run",
        "agent.state.ledger:Ledger.finish_run",
        "agent.run.evidence:EvidenceDir.create",
        "agent.run.evidence:EvidenceDir.write_result",
        "agent.run.evidence:EvidenceDir.seal",
        "agent.run.runner:load_bundle",
    ),
}


def _resolve(target: str) -> tuple[Any, str] | None:
    module_name, _, attr_path = target.partition(":")
    try:
        owner: Any = importlib.import_module(module_name)
    except ImportError:
        return None
    *parents, name = attr_path.split(".")
    for part in parents:
        owner = getattr(owner, part, None)
        if owner is None:
            return None
    return (owner, name) if callable(getattr(owner, name, None)) else None


class _Exclusive:
    """Per-thread stack of running phases; elapsed time goes to the innermost one."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._local = threading.local()
        self._lock = threading.Lock()

    def wrap(self, fn: Callable[..., Any], phase: str) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            stack: list[list[Any]] = self._local.__dict__.setdefault("stack", [])
            now = time.perf_counter()
            if stack:
                self._add(stack[-1][0], now - stack[-1][1])
            stack.append([phase, now])
            try:
                return fn(*args, **kwargs)
            finally:
                end = time.perf_counter()
                done, since = stack.pop()
                self._add(done, end - since, call=True)
                if stack:
                    stack[-1][1] = end

        return timed

    def _add(self, phase: str, seconds: float, *, call: bool = False) -> None:
        with self._lock:
            self.totals[phase] += seconds
            self.calls[phase] += call


class AgentProbe:
    """Times the agent's stages and activities while the ``with`` block runs (one filing at a time)."""

    def __init__(self, activities: dict[str, tuple[str, ...]] | None = None) -> None:
        self.activities = ACTIVITIES if activities is None else activities
        self.events: list[tuple[float, str]] = []
        self.missing: list[str] = []
        self._timers = _Exclusive()
        self._patched: list[tuple[Any, str, Any]] = []
        self._processors: list[Any] | None = None

    def _stamp(self, _logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
        event = str(event_dict.get("event", ""))
        if event == "checkpoint":
            event = str(event_dict.get("checkpoint", event))
        self.events.append((time.perf_counter(), event))
        return event_dict

    def __enter__(self) -> AgentProbe:
        for phase, targets in self.activities.items():
            for target in targets:
                found = _resolve(target)
                if found is None:
                    self.missing.append(target)
                    continue
                owner, name = found
                original = owner.__dict__.get(name, getattr(owner, name))
                if isinstance(original, classmethod | staticmethod):
                    timed: Any = type(original)(self._timers.wrap(original.__func__, phase))
                else:
                    timed = self._timers.wrap(original, phase)
                self._patched.append((owner, name, original))
                setattr(owner, name, timed)
        self._processors = list(structlog.get_config()["processors"])
        structlog.configure(processors=[self._stamp, *self._processors])
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for owner, name, original in reversed(self._patched):
            setattr(owner, name, original)
        self._patched.clear()
        if self._processors is not None:
            structlog.configure(processors=self._processors)

    def activity_phases(self, total_s: float) -> dict[str, float]:
        out = {phase: seconds for phase, seconds in self._timers.totals.items() if seconds > 0}
        out["other"] = max(0.0, total_s - sum(out.values()))
        return out

    def calls(self) -> dict[str, int]:
        return dict(self._timers.calls)


# The agent's event that ends each stage, and the stage's name in the report.
STAGES = {
    "session_saved": "login",
    "logged_in": "login",
    "entity": "entity",
    "products": "products",
    "creating": "open_filing",
    "step1": "step1",
    "step2": "step2",
    "step3": "step3",
    "confirm": "confirm",
}


def step_phases(start: float, events: list[tuple[float, str]], end: float) -> dict[str, float]:
    """Seconds from ``start`` to each stage-ending event, and from the last one to ``end`` ("finish")."""
    out: dict[str, float] = {}
    last = start
    for stamp, event in events:
        if event not in STAGES:
            continue
        name = STAGES[event]
        out[name] = out.get(name, 0.0) + (stamp - last)
        last = stamp
    out["finish"] = end - last
    return out
