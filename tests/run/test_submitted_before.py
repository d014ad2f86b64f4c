"""A bundle the ledger holds as submitted is not taken to the portal again; when it changed since, the
result says what to run instead (``sync`` for a returned filing, ``change`` for an approved one)."""

from __future__ import annotations

import shutil
from pathlib import Path

from agent.bundle import load_bundle
from agent.run.plans import ChangePlan
from agent.run.runner import RunOptions, run_bundle
from agent.state.ledger import Ledger, bundle_key_for
from agent.state.plan_keys import change_key
from agent.status import LedgerStatus, RunStatus
from tests.e2e.helpers import make_settings

SUPPORTER = Path(__file__).resolve().parents[2] / "fixtures" / "bundles" / "supporter-basic"


def _submitted(tmp_path: Path, content_hash: str) -> Path:
    directory = tmp_path / "supporter-basic"
    shutil.copytree(SUPPORTER, directory)
    settings = make_settings("http://127.0.0.1:9/", tmp_path)  # nothing listens: no browser may start
    Ledger(settings.ledger_path).record_checkpoint(
        bundle_key_for(directory), "r", "submitted", LedgerStatus.SUBMITTED, content_hash=content_hash
    )
    return directory


def test_an_unchanged_submitted_bundle_is_already_submitted_without_a_word(tmp_path: Path) -> None:
    directory = _submitted(tmp_path, load_bundle(SUPPORTER).content_hash())
    result = run_bundle(directory, make_settings("http://127.0.0.1:9/", tmp_path), RunOptions())
    assert result.status is RunStatus.ALREADY_SUBMITTED and result.warnings == []


def test_a_changed_submitted_bundle_says_to_sync_or_change(tmp_path: Path) -> None:
    directory = _submitted(tmp_path, "an older content")
    result = run_bundle(directory, make_settings("http://127.0.0.1:9/", tmp_path), RunOptions())
    assert result.status is RunStatus.ALREADY_SUBMITTED
    (warning,) = result.warnings
    assert "beian-agent sync" in warning.message and "beian-agent change" in warning.message


def test_the_run_is_named_after_its_plan_and_finished_when_nothing_was_left_to_do(tmp_path: Path) -> None:
    directory = _submitted(tmp_path, load_bundle(SUPPORTER).content_hash())
    settings = make_settings("http://127.0.0.1:9/", tmp_path)
    ledger = Ledger(settings.ledger_path)
    ledger.record_checkpoint(
        change_key(bundle_key_for(directory), load_bundle(directory).content_hash()),
        "r", "submitted", LedgerStatus.SUBMITTED,
    )  # fmt: skip
    result = run_bundle(directory, settings, RunOptions(), plan=ChangePlan())
    assert result.status is RunStatus.ALREADY_SUBMITTED
    (run,) = ledger.runs()
    assert run.command == "change" and run.finished is not None and run.summary == {"already_submitted": 1}
