"""The issue's targets, computed from one bench report: each a ratio taken side by side in one run."""

from __future__ import annotations

from typing import Any

__all__ = ["targets"]


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _target(name: str, value: float | None, limit: float, *, at_most: bool) -> dict[str, Any]:
    met = None if value is None else (value <= limit if at_most else value >= limit)
    return {"target": name, "value": value, "limit": limit, "at_most": at_most, "met": met}


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    single = report.get("single", {})
    for role, by in single.items():
        agent, minimal = by.get("agent", {}), by.get("minimal", {})
        ratio = _ratio(agent.get("median_total_s"), minimal.get("median_total_s"))
        out.append(_target(f"single {role}: agent / minimal time", ratio, 1.5, at_most=True))
    for role, by in single.items():
        if "agent-notrace" not in by:
            continue
        # Informative only: the target is judged on the agent as it ships (trace on).
        notrace, minimal = by["agent-notrace"], by.get("minimal", {})
        ratio = _ratio(notrace.get("median_total_s"), minimal.get("median_total_s"))
        extra = _target(f"(extra) single {role}: agent, trace off / minimal time", ratio, 1.5, at_most=True)
        out.append({**extra, "extra": True})
    for role, by in single.items():
        agent, minimal = by.get("agent", {}), by.get("minimal", {})
        ratio = _ratio(agent.get("median_api_requests"), minimal.get("median_api_requests"))
        out.append(_target(f"single {role}: agent / minimal API requests", ratio, 1.5, at_most=True))
    rounds = {r["concurrency"]: r for r in report.get("batch", {}).get("agent", [])}
    c1, c2 = rounds.get(1), rounds.get(2)
    speedup = _ratio(c2["filings_per_min"], c1["filings_per_min"]) if c1 and c2 else None
    out.append(_target("batch: filings/min at concurrency 2 / concurrency 1", speedup, 1.6, at_most=False))
    worst = max((r["peak_rss_mb_per_worker"] for r in rounds.values()), default=None)
    out.append(_target("batch: peak RSS per concurrent filing (MB)", worst, 400, at_most=True))
    # Summed RSS counts pages Chromium's processes share (its libraries, Blink's code) once per process;
    # PSS splits each shared page between its sharers: the same target judged on what the tree costs.
    worst_pss = max((r["peak"]["pss_mb"] / r["workers"] for r in rounds.values()), default=None)
    out.append(_target("batch: peak PSS per concurrent filing (MB)", worst_pss, 400, at_most=True))
    return out
