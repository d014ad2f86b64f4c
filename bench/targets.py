"""The issue's targets, computed from one bench report: each a ratio taken side by side in one run."""

from __future__ import annotations

from typing import Any

__all__ = ["LIMITS", "targets"]

LIMITS = {
    "time": 1.3,  # single filing, agent / minimal script, per role
    "cpu": 1.3,  # CPU seconds per filing (the whole process tree), agent / minimal script
    "api": 1.3,  # API requests per filing, agent / the minimum the pages need (the script's count)
    "pss_mb": 300.0,  # peak PSS of the whole tree per concurrent filing, at concurrency 4
    "quick_s": 180.0,  # ``bench.run --quick`` wall time
}


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _target(name: str, value: float | None, limit: float | None, *, at_most: bool) -> dict[str, Any]:
    met = None if value is None or limit is None else (value <= limit if at_most else value >= limit)
    return {"target": name, "value": value, "limit": limit, "at_most": at_most, "met": met}


def _speedup(rounds: dict[int, dict[str, Any]], c: int) -> float | None:
    base, at = rounds.get(1), rounds.get(c)
    return _ratio(at["filings_per_min"], base["filings_per_min"]) if base and at else None


def _single(single: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for key, what, limit in (
        ("median_total_s", "time", "time"),
        ("median_tree_cpu_s", "CPU s", "cpu"),
        ("median_api_requests", "API requests", "api"),
    ):
        for role, by in single.items():
            agent, minimal = by.get("agent", {}), by.get("minimal", {})
            ratio = _ratio(agent.get(key), minimal.get(key))
            out.append(_target(f"single {role}: agent / minimal {what}", ratio, LIMITS[limit], at_most=True))
    for role, by in single.items():
        for variant in (v for v in by if v.startswith("agent-")):
            # Informative only: the targets are judged on the agent as it ships.
            ratio = _ratio(by[variant].get("median_total_s"), by.get("minimal", {}).get("median_total_s"))
            extra = _target(
                f"(extra) single {role}: {variant} / minimal time", ratio, LIMITS["time"], at_most=True
            )
            out.append({**extra, "extra": True})
    return out


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    out = _single(report.get("single", {}))
    batch = report.get("batch", {})
    rounds = {r["concurrency"]: r for r in batch.get("agent", [])}
    reference = {r["concurrency"]: r for r in batch.get("minimal", [])}
    out.append(
        _target(
            "batch: agent's filings/min scaling c2/c1 ≥ the script's",
            _speedup(rounds, 2),
            _speedup(reference, 2),
            at_most=False,
        )
    )
    c4 = rounds.get(4)
    pss = c4["peak"]["pss_mb"] / c4["workers"] if c4 and c4["workers"] == 4 else None
    out.append(
        _target("batch: peak PSS per concurrent filing at c4 (MB)", pss, LIMITS["pss_mb"], at_most=True)
    )
    scaling4 = _target(
        "(extra) batch: agent's scaling c4/c1 vs the script's", _speedup(rounds, 4), None, at_most=False
    )
    scaling4["limit"] = _speedup(reference, 4)
    if scaling4["value"] is not None and scaling4["limit"] is not None:
        scaling4["met"] = scaling4["value"] >= scaling4["limit"]
    out.append({**scaling4, "extra": True})
    cpu = _ratio(rounds.get(1, {}).get("cpu_s_per_filing"), reference.get(1, {}).get("cpu_s_per_filing"))
    out.append(
        {
            **_target("(extra) batch c1: agent / minimal CPU s per filing", cpu, LIMITS["cpu"], at_most=True),
            "extra": True,
        }
    )
    meta = report.get("meta", {})
    if meta.get("quick"):
        out.append(_target("--quick wall time (s)", meta.get("elapsed_s"), LIMITS["quick_s"], at_most=True))
    return out
