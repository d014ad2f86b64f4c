"""A run killed right after each checkpoint, then started again: it continues the same draft to 确认.

The first run is a separate process, SIGKILLed (with its browser driver) as soon as the ledger shows the
checkpoint; the second runs in this process. The portal must end with exactly one filing, equal to the
bundle field by field, and the ledger at ``ready``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from agent.bundle import load_bundle
from agent.settings import Settings
from agent.state.ledger import Ledger, bundle_key_for
from agent.status import LedgerStatus, RunStatus
from fixtures.mock_portal import MockPortal

from .conftest import Runner
from .helpers import account_state, filing_problems, ledger_entry, the_one_filing

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
DEADLINE_S = 90.0


def _unnamed_drafts(portal: MockPortal, account: str) -> list[int]:
    filings = account_state(portal, account)["filings"]
    return [f["id"] for f in filings if not f["sections"].get("算法基础属性信息", {}).get("算法名称")]


def _named(portal: MockPortal, account: str, name: str) -> list[int]:
    filings = account_state(portal, account)["filings"]
    return [f["id"] for f in filings if f["sections"].get("算法基础属性信息", {}).get("算法名称") == name]


def kill_after(
    checkpoint: str,
    reached: Callable[[], bool],
    bundle_dir: Path,
    url: str,
    root: Path,
    *extra: str,
) -> None:
    """Start a run in a child process and SIGKILL it once ``reached()`` holds (polled while waiting)."""
    log = (root / f"killed-at-{checkpoint}.log").open("wb")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    args = [sys.executable, "-m", "tests.e2e.run_one", str(bundle_dir), url, str(root), *extra]
    child = subprocess.Popen(
        args, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + DEADLINE_S
    try:
        while not reached():
            try:
                child.wait(timeout=0.05)  # returns at once if the run ended on its own
            except subprocess.TimeoutExpired:
                if time.monotonic() > deadline:
                    pytest.fail(f"no {checkpoint!r} checkpoint within {DEADLINE_S:.0f}s")
                continue
            output = (root / f"killed-at-{checkpoint}.log").read_text(errors="replace")[-2000:]
            pytest.fail(f"the run ended (exit {child.returncode}) before {checkpoint!r}:\n{output}")
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)  # the runner and its Playwright driver
        child.wait()
        log.close()


@pytest.mark.parametrize("checkpoint", ["creating", "step1", "step2", "step3"])
def test_killed_run_resumes_the_same_draft(
    checkpoint: str,
    portal: MockPortal,
    run: Runner,
    bundle_copy: Callable[[str], Path],
    settings: Settings,
    tmp_path: Path,
) -> None:
    directory = bundle_copy("supporter")
    bundle = load_bundle(directory)
    key = bundle_key_for(directory)
    ledger = Ledger(settings.ledger_path)

    def reached() -> bool:
        if not any(e.checkpoint == checkpoint for e in ledger.events(key)):
            return False
        if checkpoint == "creating":
            # Killed after 新增备案 went through: the portal holds a draft with no name yet.
            return len(_unnamed_drafts(portal, bundle.account)) == 1
        return True

    kill_after(checkpoint, reached, directory, portal.url, tmp_path)
    entry = ledger_entry(settings, directory)
    assert entry is not None and entry.status in (LedgerStatus.RUNNING, LedgerStatus.SAVED)
    if checkpoint == "creating":
        draft_ids = _unnamed_drafts(portal, bundle.account)
    else:
        draft_ids = _named(portal, bundle.account, bundle.filing.algorithm.name)
    assert len(draft_ids) == 1

    result = run(directory)

    assert result.status is RunStatus.READY, result.errors
    filing = the_one_filing(portal, bundle)
    assert filing["id"] == draft_ids[0], "the rerun made a new draft instead of continuing the old one"
    assert (filing["status"], filing["step"]) == ("草稿", 4)
    assert filing_problems(bundle, filing) == []
    entry = ledger_entry(settings, directory)
    assert entry is not None and (entry.status, entry.checkpoint) == (LedgerStatus.READY, "confirm")
    assert portal.state()["counters"]["by_route"]["POST /api/filing/create"] == 1


def test_a_bundle_edited_after_reaching_confirm_is_refilled_in_the_same_draft(
    portal: MockPortal, run: Runner, bundle_copy: Callable[[str], Path], settings: Settings
) -> None:
    directory = bundle_copy("provider")
    first = run(directory)
    assert first.status is RunStatus.READY, first.errors
    filing = directory / "filing.toml"
    text = filing.read_text(encoding="utf-8")
    old = "帮助用户提高写作效率。"
    assert text.count(old) == 1
    filing.write_text(text.replace(old, "帮助用户提高写作效率与质量。"), encoding="utf-8")
    edited = load_bundle(directory)

    again = run(directory)

    assert again.status is RunStatus.READY, again.errors
    stored = the_one_filing(portal, edited)  # the same draft: never a second one
    assert filing_problems(edited, stored) == []
    assert portal.state()["counters"]["by_route"]["POST /api/filing/create"] == 1
    entry = ledger_entry(settings, directory)
    assert entry is not None and entry.content_hash == edited.content_hash()
