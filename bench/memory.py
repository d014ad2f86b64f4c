"""Peak memory of a whole process tree (this process and its children, Chromium included), sampled.

RSS summed over the tree is what the benchmark's target speaks of; it counts pages shared between
Chromium's processes once per process, so PSS (each shared page split between its sharers) is kept too
as the closer figure for what the tree really costs the machine.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from types import TracebackType

import psutil

__all__ = ["MemoryPeak", "TreeSampler", "tree_memory"]

MB = 1024 * 1024


@dataclass
class MemoryPeak:
    rss_mb: float = 0.0
    pss_mb: float = 0.0
    processes: int = 0
    samples: int = 0

    def to_json(self) -> dict[str, float | int]:
        return {
            "rss_mb": round(self.rss_mb, 1),
            "pss_mb": round(self.pss_mb, 1),
            "processes": self.processes,
            "samples": self.samples,
        }


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


def tree_memory(root_pid: int, exclude: Iterable[int] = (), *, pss: bool = True) -> tuple[float, float, int]:
    """(RSS, PSS, process count) of the tree now, in bytes; processes that end meanwhile are skipped."""
    rss = pss_total = 0.0
    procs = _tree(psutil.Process(root_pid), set(exclude))
    for proc in procs:
        try:
            if pss:
                info = proc.memory_full_info()
                rss += info.rss
                pss_total += info.pss
            else:
                rss += proc.memory_info().rss
        except psutil.Error:
            continue
    return rss, pss_total, len(procs)


class TreeSampler:
    """Samples the tree every ``interval_s`` in a background thread while the ``with`` block runs."""

    def __init__(self, root_pid: int | None = None, *, exclude: Iterable[int] = (), interval_s: float = 0.1):
        self.root_pid = os.getpid() if root_pid is None else root_pid
        self.exclude = set(exclude)
        self.interval_s = interval_s
        self.peak = MemoryPeak()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)

    def sample(self) -> None:
        rss, pss, count = tree_memory(self.root_pid, self.exclude)
        peak = self.peak
        peak.rss_mb = max(peak.rss_mb, rss / MB)
        peak.pss_mb = max(peak.pss_mb, pss / MB)
        peak.processes = max(peak.processes, count)
        peak.samples += 1

    def _run(self) -> None:
        while True:
            self.sample()
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
