"""A batch of filings at a given concurrency: filings per minute and the process tree's peak memory."""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
from playwright.sync_api import sync_playwright

from agent.run.browser import launch_options
from bench.bundles import batch_bundles, conditions
from bench.memory import TreeSampler
from bench.minimal import file_minimal
from bench.portal import PortalProcess, route_delta

__all__ = ["BatchRunner", "batch_round", "minimal_batch"]

# (root of the bundles, the bundles, portal URL, a work directory, concurrency) -> {"ok": n, "workers": n, …}
BatchRunner = Callable[[Path, list[Path], str, Path, int], dict[str, Any]]


def _tree_cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _process_cpu(pid: int | None) -> float:
    """CPU seconds of a running process (the mock portal's, which ``_tree_cpu`` cannot see until it ends)."""
    if pid is None:
        return 0.0
    try:
        t = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return 0.0
    return float(t.user + t.system)


def minimal_batch(bundles: list[Path], base_url: str, concurrency: int) -> dict[str, Any]:
    """The minimal script over ``bundles``: ``concurrency`` threads, each with its own Chromium."""
    todo: queue.SimpleQueue[Path] = queue.SimpleQueue()
    for bundle in bundles:
        todo.put(bundle)
    done: list[Path] = []
    failures: list[str] = []
    lock = threading.Lock()

    def work() -> None:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(**launch_options())
            try:
                while True:
                    try:
                        bundle = todo.get_nowait()
                    except queue.Empty:
                        return
                    try:
                        file_minimal(bundle, base_url, browser=browser)
                    except Exception as exc:
                        with lock:
                            failures.append(f"{bundle.name}: {type(exc).__name__}: {exc}"[:300])
                        continue
                    with lock:
                        done.append(bundle)
            finally:
                browser.close()

    workers = [
        threading.Thread(target=work, name=f"minimal-{n}") for n in range(min(concurrency, len(bundles)))
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {"ok": len(done), "workers": len(workers), "failures": failures[:5]}


def batch_round(
    portal: PortalProcess, who: str, count: int, concurrency: int, workdir: Path, run: BatchRunner
) -> dict[str, Any]:
    """``count`` fresh bundles on a freshly reset portal, filed by ``run``; throughput and memory."""
    tag = f"{who}-c{concurrency}"
    root = workdir / "bundles" / tag
    bundles = batch_bundles(root, count, tag)
    portal.reset(conditions(bundles))
    before = portal.counters()
    exclude = [portal.pid] if portal.pid is not None else []
    with TreeSampler(exclude=exclude) as memory:
        start, cpu, portal_cpu = time.perf_counter(), _tree_cpu(), _process_cpu(portal.pid)
        outcome: dict[str, Any] = run(root, bundles, portal.url, workdir / "work" / tag, concurrency)
        wall, cpu = time.perf_counter() - start, _tree_cpu() - cpu
        portal_cpu = _process_cpu(portal.pid) - portal_cpu
    cpu -= memory.cpu_s
    routes = route_delta(before, portal.counters())
    print(f"batch {tag}: {outcome['ok']}/{count} in {wall:.1f} s", file=sys.stderr, flush=True)
    workers = max(1, int(outcome.get("workers", concurrency)))
    ok = int(outcome["ok"])
    return {
        "concurrency": concurrency,
        "workers": workers,
        "filings": count,
        "ok": ok,
        "wall_s": wall,
        "filings_per_min": ok / wall * 60 if wall > 0 else 0.0,
        "peak": memory.peak.to_json(),
        "peak_rss_mb_per_worker": memory.peak.rss_mb / workers,
        "api_requests_per_filing": sum(routes.values()) / ok if ok else None,
        # Every worker's Playwright driver and browsers have ended by now, so their CPU is counted here.
        "cpu_s_per_filing": cpu / count,
        "cores_used": cpu / wall if wall > 0 else 0.0,
        # The mock portal (its own process, left out of the above): its share of the same cores.
        "portal_cpu_s_per_filing": portal_cpu / count,
        "portal_cores_used": portal_cpu / wall if wall > 0 else 0.0,
        "failures": outcome.get("failures", []),
    }
