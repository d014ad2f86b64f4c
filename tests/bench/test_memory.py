"""The process-tree memory sampler, on a child process that holds a known amount of memory."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from bench.memory import MB, TreeSampler, tree_memory

HOLD_MB = 150
CHILD = (
    f"import sys; block = bytearray({HOLD_MB} * 1024 * 1024); block[::4096] = b'x' * len(block[::4096]); "
    "print('ready', flush=True); sys.stdin.readline()"
)


@pytest.fixture
def child() -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    yield proc
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(10)


def test_the_tree_includes_children(child: subprocess.Popen[str]) -> None:
    rss, pss, count = tree_memory(child.pid)
    assert rss / MB >= HOLD_MB
    assert pss / MB >= HOLD_MB * 0.9
    assert count == 1
    whole_rss, _, whole_count = tree_memory(os.getpid())
    assert whole_count >= 2
    assert whole_rss >= rss


def test_excluded_processes_are_left_out(child: subprocess.Popen[str]) -> None:
    with_child, _, _ = tree_memory(os.getpid())
    without, _, count = tree_memory(os.getpid(), exclude=[child.pid])
    assert with_child - without >= HOLD_MB * MB * 0.9
    assert count >= 1


def test_sampler_keeps_the_peak(child: subprocess.Popen[str]) -> None:
    sampler = TreeSampler()
    sampler.sample()
    assert sampler.peak.rss_mb >= HOLD_MB
    assert sampler.peak.samples == 1
    assert sampler.peak.processes >= 2
    with TreeSampler(exclude=[child.pid]) as background:
        pass
    assert background.peak.samples >= 1
    assert background.peak.rss_mb < sampler.peak.rss_mb
