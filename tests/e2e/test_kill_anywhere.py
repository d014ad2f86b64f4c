"""Killed at every checkpoint in turn on a flaky, slow portal, and restarted each time, a run ends where an
uninterrupted one does: the same filing field by field, one draft, at most one submission.

The portal fails 10% of writes and answers every call 300 ms late (a fixed seed, so both sequences see
the same kind of weather); one bundle (技术支持者), submitted at the end.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agent.bundle import load_bundle
from agent.state.ledger import Ledger, bundle_key_for
from agent.status import LedgerStatus
from fixtures.mock_portal import MockPortal

from .helpers import filing_problems, filings_named, ledger_entry, make_settings
from .test_resume import REPO, kill_after

pytestmark = pytest.mark.e2e

WEATHER: dict[str, Any] = {"fail_rate": 0.1, "latency_ms": 300, "fail_mode": "http500", "seed": 11}
CHECKPOINTS = ("creating", "step1", "step2", "step3", "confirm")
# What differs between two identical filings made at different times.
_VOLATILE = {"id", "created_at", "updated_at", "submitted_at"}


def _run_to_the_end(bundle_dir: Path, url: str, root: Path) -> None:
    root.mkdir(exist_ok=True)
    args = [sys.executable, "-m", "tests.e2e.run_one", str(bundle_dir), url, str(root), "submit"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(args, cwd=root, env=env, capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout.decode()[-1500:] + done.stderr.decode()[-1500:]


def _final(portal: MockPortal, account: str, name: str) -> tuple[dict[str, Any], int]:
    """The one filing named ``name`` without what only time makes differ; the number of submissions."""
    state = portal.state()
    filings = state["accounts"][account]["filings"]
    mine = filings_named(state["accounts"][account], name)
    unnamed = [f for f in filings if not f["sections"].get("算法基础属性信息", {}).get("算法名称")]
    assert len(mine) == 1 and not unnamed, f"{len(mine)} filings named {name!r}, {len(unnamed)} unnamed"
    stable = {k: v for k, v in mine[0].items() if k not in _VOLATILE}
    # The review history keeps its states in order; when each came differs between runs.
    stable["history"] = [entry["status"] for entry in mine[0].get("history", [])]
    return stable, int(state["counters"]["submits"])


def test_killed_at_every_checkpoint_ends_as_an_uninterrupted_run(
    portal: MockPortal, bundle_copy: Callable[[str], Path], tmp_path: Path
) -> None:
    directory = bundle_copy("supporter")
    bundle = load_bundle(directory)
    account, name = bundle.account, bundle.filing.algorithm.name

    portal.set_faults(**WEATHER)
    _run_to_the_end(directory, portal.url, tmp_path / "uninterrupted")
    reference, reference_submits = _final(portal, account, name)
    assert reference_submits == 1 and reference["status"] == "待审核"

    portal.reset()
    portal.set_faults(**WEATHER)
    root = tmp_path / "killed"
    root.mkdir()
    (tmp_path / "uninterrupted").mkdir(exist_ok=True)
    settings = make_settings(portal.url, root)
    ledger, key = Ledger(settings.ledger_path), bundle_key_for(directory)

    for checkpoint in CHECKPOINTS:
        seen = sum(1 for e in ledger.events(key) if e.checkpoint == checkpoint)

        def reached(checkpoint: str = checkpoint, seen: int = seen) -> bool:
            return sum(1 for e in ledger.events(key) if e.checkpoint == checkpoint) > seen

        kill_after(checkpoint, reached, directory, portal.url, root, "submit")
        drafts = [f for f in portal.state()["accounts"][account]["filings"] if f["status"] == "草稿"]
        assert len(drafts) <= 1, f"after a kill at {checkpoint}: {len(drafts)} drafts"
    _run_to_the_end(directory, portal.url, root)

    final, submits = _final(portal, account, name)
    assert submits == 1, f"{submits} submissions"
    assert final == reference
    assert filing_problems(bundle, final) == []
    entry = ledger_entry(settings, directory)
    assert entry is not None and entry.status is LedgerStatus.SUBMITTED
