"""Peak memory of a whole process tree (this process and its children, Chromium included), sampled.

RSS summed over the tree is what the benchmark's target speaks of; it counts pages shared between
Chromium's processes once per process, so PSS (each shared page split between its sharers) is kept too
as the closer figure for what the tree really costs the machine.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import psutil

__all__ = ["MemoryPeak", "TreeSampler", "process_kind", "tree_memory"]

MB = 1024 * 1024


@dataclass
class MemoryPeak:
    rss_mb: float = 0.0
    pss_mb: float = 0.0
    processes: int = 0
    samples: int = 0
    # PSS (MB) and process count per kind of process, at the sample with the highest PSS: where it goes.
    pss_by_kind: dict[str, list[float]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "rss_mb": round(self.rss_mb, 1),
            "pss_mb": round(self.pss_mb, 1),
            "processes": self.processes,
            "samples": self.samples,
            "pss_by_kind": {k: [round(v[0], 1), int(v[1])] for k, v in sorted(self.pss_by_kind.items())},
        }


def process_kind(proc: psutil.Process) -> str:
    """ "python", "playwright driver" (node), "chromium <type>" ("browser" for the main one), or the name."""
    try:
        name, args = proc.name(), proc.cmdline()
    except psutil.Error:
        return "gone"
    if "chrom" in name:
        kind = next((a.split("=", 1)[1] for a in args if a.startswith("--type=")), "browser")
        return f"chromium {kind}"
    if name == "node" or any(a.endswith("cli.js") for a in args[:2]):
        return "playwright driver"
    return "python" if name.startswith("python") else name


def _tree(root: psutil.Process, exclude: set[int]) -> list[psutil.Process]:
    """``root`` and its descendants, without the excluded processes and their own descendants."""
    out, todo = [], [root]
    while todo:
        proc = todo.pop()
        if proc.pid in exclude:
            continue
        out.append(proc)
        with contextlib.suppress(psutil.Error):
            todo.extend(proc.children())
    return out


def _measure(root_pid: int, exclude: Iterable[int]) -> tuple[float, float, int, dict[str, list[float]]]:
    rss = pss_total = 0.0
    kinds: dict[str, list[float]] = {}
    procs = _tree(psutil.Process(root_pid), set(exclude))
    for proc in procs:
        try:
            info = proc.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        pss_total += info.pss
        entry = kinds.setdefault(process_kind(proc), [0.0, 0])
        entry[0] += info.pss / MB
        entry[1] += 1
    return rss, pss_total, len(procs), kinds


def tree_memory(root_pid: int, exclude: Iterable[int] = ()) -> tuple[float, float, int]:
    """(RSS, PSS, process count) of the tree now, in bytes; processes that end meanwhile are skipped."""
    rss, pss, count, _ = _measure(root_pid, exclude)
    return rss, pss, count


class TreeSampler:
    """Samples the tree every ``interval_s`` in a background thread while the ``with`` block runs."""

    def __init__(self, root_pid: int | None = None, *, exclude: Iterable[int] = (), interval_s: float = 0.1):
        self.root_pid = os.getpid() if root_pid is None else root_pid
        self.exclude = set(exclude)
        self.interval_s = interval_s
        self.peak = MemoryPeak()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)
        # The sampler's own CPU (reading every process's smaps_rollup ten times a second): a measurement
        # cost, taken off the measured CPU, or the filer that runs longer would pay more of it.
        self.cpu_s = 0.0

    def sample(self) -> None:
        rss, pss, count, kinds = _measure(self.root_pid, self.exclude)
        peak = self.peak
        if pss / MB > peak.pss_mb:
            peak.pss_by_kind = kinds
        peak.rss_mb = max(peak.rss_mb, rss / MB)
        peak.pss_mb = max(peak.pss_mb, pss / MB)
        peak.processes = max(peak.processes, count)
        peak.samples += 1

    def _run(self) -> None:
        while True:
            start = time.thread_time()
            self.sample()
            self.cpu_s += time.thread_time() - start
            if self._stop.wait(self.interval_s):
                return

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
