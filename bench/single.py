"""Single filings, agent and minimal script alternating, each in a browser of its own started for it."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, sync_playwright

from agent.run.browser import launch_options
from bench.bundles import PROVIDER, SUPPORTER, conditions, read_bundle, variant
from bench.minimal import file_minimal
from bench.portal import PortalProcess, route_delta

__all__ = ["MINIMAL", "ROLES", "Filer", "median_of", "single_filings", "timed_filing"]

ROLES = {"provider": PROVIDER, "supporter": SUPPORTER}
# (bundle, portal URL, a work directory of its own, browser) -> outcome and phases
Filer = Callable[[Path, str, Path, Browser], dict[str, Any]]


def _minimal(bundle_dir: Path, base_url: str, _workdir: Path, browser: Browser) -> dict[str, Any]:
    start = time.perf_counter()
    steps = file_minimal(bundle_dir, base_url, browser=browser)
    steps.pop("total", None)
    return {"filing_s": time.perf_counter() - start, "status": "ready", "steps": steps}


MINIMAL: Filer = _minimal


def _tree_cpu() -> float:
    """CPU seconds of this process and of its children that have ended and been waited for."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed_filing(filer: Filer, bundle_dir: Path, base_url: str, workdir: Path) -> dict[str, Any]:
    """One filing end to end: Playwright and Chromium started for it, the filing, the browser closed."""
    start, cpu, tree = time.perf_counter(), time.process_time(), _tree_cpu()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options())
        launched = time.perf_counter()
        try:
            run = filer(bundle_dir, base_url, workdir, browser)
        finally:
            closing = time.perf_counter()
            browser.close()
    end = time.perf_counter()
    run["browser_start_s"] = launched - start
    run["browser_close_s"] = end - closing
    run["total_s"] = end - start
    run["python_cpu_s"] = time.process_time() - cpu  # this process only: the filer's own Python work
    run["tree_cpu_s"] = _tree_cpu() - tree  # and Playwright's driver and Chromium, reaped by now
    return run


def median_of(runs: list[dict[str, Any]], key: str) -> dict[str, float]:
    """Median per phase over the runs (a phase missing from a run counts as 0 there)."""
    names = sorted({name for run in runs for name in run.get(key, {})})
    return {name: statistics.median(run.get(key, {}).get(name, 0.0) for run in runs) for name in names}


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in runs if r["status"] == "ready"]
    out: dict[str, Any] = {"runs": runs, "ok": len(ok)}
    if not ok:
        return out
    out["median_total_s"] = statistics.median(r["total_s"] for r in ok)
    out["median_filing_s"] = statistics.median(r["filing_s"] for r in ok)
    out["median_browser_start_s"] = statistics.median(r["browser_start_s"] for r in ok)
    out["median_api_requests"] = statistics.median(r["api_requests"] for r in ok)
    out["median_tree_cpu_s"] = statistics.median(r["tree_cpu_s"] for r in ok)
    out["median_steps"] = median_of(ok, "steps")
    if any("activities" in r for r in ok):
        out["median_activities"] = median_of(ok, "activities")
    return out


def single_filings(
    portal: PortalProcess, filers: dict[str, Filer], runs: int, workdir: Path, *, warmup: bool = True
) -> dict[str, Any]:
    """``runs`` filings per role and filer, alternating which filer goes first in each round."""
    portal.reset(conditions(ROLES.values()))
    names = list(filers)
    results: dict[str, dict[str, list[dict[str, Any]]]] = {role: {n: [] for n in names} for role in ROLES}
    for round_no in range(-1 if warmup else 0, runs):
        order = names if round_no % 2 == 0 else names[::-1]
        for role, src in ROLES.items():
            for name in order:
                tag = f"{name}-{role}-{'warmup' if round_no < 0 else round_no}"
                algorithm = f"{read_bundle(src)['algorithm']['name']}-{tag}"
                bundle = variant(src, workdir / "bundles" / tag, name=algorithm)
                before = portal.counters()
                run = timed_filing(filers[name], bundle, portal.url, workdir / "work" / tag)
                routes = route_delta(before, portal.counters())
                run.update(round=round_no, api_requests=sum(routes.values()), routes=routes)
                print(f"single {tag}: {run['status']} in {run['total_s']:.1f} s", file=sys.stderr, flush=True)
                if round_no >= 0:
                    results[role][name].append(run)
    out: dict[str, Any] = {}
    for role in ROLES:
        out[role] = {name: _summary(results[role][name]) for name in names}
    return out
