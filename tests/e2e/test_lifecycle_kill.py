"""Killed at every checkpoint of the plans that come after 提交 and restarted each time, the chain ends
where an uninterrupted one does.

The chain (one 技术支持者 bundle): submitted → returned with an opinion → synced → the corrected bundle
resubmitted → approved → 变更 of a changed bundle → approved → 注销. The resubmission, the 变更 and the
注销 run in child processes that are SIGKILLed (with their browser driver) as soon as the ledger shows
each checkpoint in turn, and once more right after the click that sends (提交, 确定), before the run
could record it; the next run resumes. The portal must end with the filing an uninterrupted chain leaves
(field by field, with the same history: one 变更, one 注销) and the same number of submissions.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from agent.bundle import load_bundle
from agent.run.plans import NEW_FILING, CancelPlan, ChangePlan, FilingPlan
from agent.run.runner import RunOptions, run_bundle
from agent.run.sync import SyncReport, apply_rows, read_account
from agent.settings import Settings
from agent.state.ledger import Ledger, bundle_key_for
from agent.status import LedgerStatus, RunStatus
from fixtures.mock_portal import MockPortal

from .helpers import filing_problems, filings_named, make_settings
from .test_resume import REPO, kill_after

pytestmark = pytest.mark.e2e

OPINION = "算法简介未写明生成结果的展现形式，请补充后重新提交。"
REASON = "该算法对应的开放平台服务已停止运营。"
CORRECTION = "，生成结果以文本形式展示在客户系统的对话界面中。"
CHANGE = "支持中英文两种语言。"
# Each plan: how run_one names it, its checkpoints in order, the portal's status once it is sent.
RESUBMIT = ("resubmit", (), ("step1", "step2", "step3", "confirm"), "待审核")
CHANGE_PLAN = ("change", ("change",), ("change", "step1", "step2", "step3", "confirm"), "变更审核中")
CANCEL = ("cancel", (f"cancel={REASON}",), ("cancel_dialog", "confirm"), "已注销")
# What differs between two identical chains run at different times.
_VOLATILE = {"created_at", "updated_at", "submitted_at", "approved_at", "returned_at", "cancelled_at"}
# Slow answers while a killed run goes home after its click, so the kill lands before it records it.
_SLOW_MS = 600


def _stable(filing: dict[str, Any]) -> dict[str, Any]:
    kept = {k: v for k, v in filing.items() if k not in _VOLATILE}
    kept["history"] = [{k: v for k, v in h.items() if k != "at"} for h in filing["history"]]
    return kept


class Chain:
    """The chain on one portal with the ledger and evidence under ``root``."""

    def __init__(self, portal: MockPortal, browser: Browser, directory: Path, root: Path) -> None:
        self.portal, self.browser, self.directory, self.root = portal, browser, directory, root
        root.mkdir()
        self.settings: Settings = make_settings(portal.url, root)
        self.ledger = Ledger(self.settings.ledger_path)
        bundle = load_bundle(directory)
        self.account, self.name = bundle.account, bundle.filing.algorithm.name

    # -- the steps both chains share, run in this process -----------------------------------------
    def filing(self) -> dict[str, Any]:
        (filing,) = filings_named(self.portal.state()["accounts"][self.account], self.name)
        return filing

    def run(self, plan: FilingPlan = NEW_FILING) -> None:
        options = RunOptions(submit=True, confirm_truthful=True)
        result = run_bundle(self.directory, self.settings, options, browser=self.browser, plan=plan)
        assert result.status is RunStatus.SUBMITTED, result.errors

    def sync(self) -> None:
        rows = read_account(self.browser, self.settings, self.account)
        apply_rows(self.account, rows, self.ledger, "sync", self.settings.profile(), SyncReport())

    def edit_intro(self, added: str) -> None:
        toml = self.directory / "filing.toml"
        text = toml.read_text(encoding="utf-8")
        old = next(line for line in text.splitlines() if line.startswith("intro = "))
        toml.write_text(text.replace(old, old[:-1] + added + '"'), encoding="utf-8")

    def returned(self) -> None:
        """Submitted, returned with the opinion, synced (the ledger says ``returned``), corrected."""
        self.run()
        self.portal.review("return", OPINION, id=self.filing()["id"])
        self.sync()
        entry = self.ledger.get(bundle_key_for(self.directory))
        assert entry is not None and entry.status is LedgerStatus.RETURNED
        self.edit_intro(CORRECTION)

    def approved(self) -> None:
        self.portal.review("approve", id=self.filing()["id"])

    # -- a plan killed at each checkpoint, then after its click, then run to the end -----------------
    def killed(self, plan: tuple[str, tuple[str, ...], tuple[str, ...], str], run_plan: FilingPlan) -> None:
        label, words, checkpoints, sent = plan
        bundle = load_bundle(self.directory)
        key = run_plan.ledger_key(bundle_key_for(self.directory), bundle)
        extra = ("submit", *words)

        def events(checkpoint: str) -> int:
            return sum(1 for e in self.ledger.events(key) if e.checkpoint == checkpoint)

        for checkpoint in checkpoints:
            seen = events(checkpoint)

            def reached(checkpoint: str = checkpoint, seen: int = seen) -> bool:
                return events(checkpoint) > seen

            kill_after(f"{label}-{checkpoint}", reached, self.directory, self.portal.url, self.root, *extra)
            if checkpoint != "confirm":  # the click follows 确认 within moments: a kill may come after it
                assert self.filing()["status"] != sent, f"{label}: sent at {checkpoint}"

        slowed = False

        def clicked() -> bool:
            nonlocal slowed
            entry = self.ledger.get(key)
            if not slowed and entry is not None and entry.status is LedgerStatus.SUBMITTING:
                self.portal.set_faults(latency_ms=_SLOW_MS)
                slowed = True
            return bool(self.filing()["status"] == sent)

        try:
            kill_after(f"{label}-sent", clicked, self.directory, self.portal.url, self.root, *extra)
        finally:
            self.portal.set_faults(latency_ms=0)
        entry = self.ledger.get(key)
        assert entry is not None and entry.status is LedgerStatus.SUBMITTING, (
            f"{label}: killed too late: {entry}"
        )
        self._to_the_end(extra)
        entry = self.ledger.get(key)
        assert entry is not None and entry.status is LedgerStatus.SUBMITTED, entry

    def _to_the_end(self, extra: tuple[str, ...]) -> None:
        args = [
            sys.executable,
            "-m",
            "tests.e2e.run_one",
            str(self.directory),
            self.portal.url,
            str(self.root),
        ]
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        done = subprocess.run(
            [*args, *extra], cwd=self.root, env=env, capture_output=True, timeout=300, check=False
        )
        assert done.returncode == 0, done.stdout.decode()[-1500:] + done.stderr.decode()[-1500:]


def test_each_plan_killed_at_every_checkpoint_ends_as_an_uninterrupted_chain(
    portal: MockPortal, browser: Browser, bundle_copy: Callable[[str], Path], tmp_path: Path
) -> None:
    directory = bundle_copy("supporter")
    original = (directory / "filing.toml").read_text(encoding="utf-8")

    whole = Chain(portal, browser, directory, tmp_path / "uninterrupted")
    whole.returned()
    whole.run()
    whole.approved()
    whole.edit_intro(CHANGE)
    whole.run(ChangePlan())
    whole.approved()
    whole.run(CancelPlan(REASON))
    reference, reference_counters = whole.filing(), portal.state()["counters"]
    assert [h["status"] for h in reference["history"]][-3:] == ["变更审核中", "已通过", "已注销"]

    portal.reset()
    (directory / "filing.toml").write_text(original, encoding="utf-8")
    chain = Chain(portal, browser, directory, tmp_path / "killed")
    chain.returned()
    chain.killed(RESUBMIT, NEW_FILING)
    chain.approved()
    chain.edit_intro(CHANGE)
    chain.killed(CHANGE_PLAN, ChangePlan())
    chain.approved()
    chain.killed(CANCEL, CancelPlan(REASON))

    final = chain.filing()
    assert _stable(final) == _stable(reference)
    counters = portal.state()["counters"]
    assert counters["submits"] == reference_counters["submits"] == 3
    assert filing_problems(load_bundle(directory), final) == []
    # One 变更 and one 注销 reached the portal, whatever the kills.
    routes = counters["by_route"]
    assert routes.get("POST /api/filing/change") == 1 and routes.get("POST /api/filing/cancel") == 1
