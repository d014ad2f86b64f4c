"""``beian-agent evidence prune``: never below the legal minimum, never the proof of a submission."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli.app import app
from agent.state.ledger import Ledger
from agent.state.retention import RetentionTooShort, folder_time, plan_prune

NOW = datetime.now(UTC)


def stamp(days_ago: int) -> str:
    return f"{NOW - timedelta(days=days_ago):%Y%m%dT%H%M%SZ}"


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.chdir(tmp_path)
    evidence, state = tmp_path / "evidence", tmp_path / "state"
    for name in (f"{stamp(400)}-old-aaaaaa", f"{stamp(300)}-sent-bbbbbb", f"{stamp(10)}-new-cccccc"):
        (evidence / name / "screenshots").mkdir(parents=True)
        (evidence / name / "result.json").write_text("{}")
    ledger = Ledger(state / "ledger.sqlite3")
    run = f"{stamp(300)}-deadbeef"  # a run id as ``Ledger.begin_run`` makes them, 300 days ago
    ledger.record_checkpoint("k", run, "confirm", "ready")
    ledger.mark_submitting("k", run, evidence_dir=str(evidence / f"{stamp(300)}-sent-bbbbbb"))
    (evidence / f"batch-{run}").mkdir()  # its report: the run that submitted
    return evidence, state


def prune(state: Path, *args: str) -> tuple[int, str]:
    env = {"BEIAN_PATHS__EVIDENCE_DIR": str(state.parent / "evidence")}
    done = CliRunner().invoke(app, ["evidence", "prune", "--state-dir", str(state), *args], env=env)
    return done.exit_code, done.output


def test_refuses_below_the_minimum_retention(setup: tuple[Path, Path]) -> None:
    evidence, state = setup
    code, output = prune(state, "--older-than", "30")
    assert code == 2
    assert "evidence.min_retention_days (183)" in output and "网络安全法" in output
    assert len(list(evidence.iterdir())) == 4
    with pytest.raises(RetentionTooShort):
        plan_prune(evidence, 182, min_days=183, submission_dirs=set(), submission_runs=set())


def test_dry_run_lists_and_deletes_nothing(setup: tuple[Path, Path]) -> None:
    evidence, state = setup
    code, output = prune(state, "--older-than", "200", "--dry-run")
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0].startswith("would delete\t") and "old-aaaaaa" in lines[0]
    assert any(
        line.startswith("keep\t") and "sent-bbbbbb (evidence of a submission)" in line for line in lines
    )
    assert any(line.startswith("keep\t") and "batch-" in line for line in lines)
    assert lines[-1].startswith("dry run: 1 folder(s)")
    assert len(list(evidence.iterdir())) == 4


def test_deletes_old_folders_and_keeps_submissions_unless_included(setup: tuple[Path, Path]) -> None:
    evidence, state = setup
    code, output = prune(state, "--older-than", "200")
    assert code == 0, output
    left = sorted(p.name.split("-", 1)[1] for p in evidence.iterdir() if not p.name.startswith("batch-"))
    assert left == ["new-cccccc", "sent-bbbbbb"]
    assert any(p.name.startswith("batch-") for p in evidence.iterdir())
    code, output = prune(state, "--older-than", "200", "--include-submissions")
    assert code == 0 and "deleted 2 folder(s)" in output, output
    assert [p.name.split("-", 1)[1] for p in evidence.iterdir()] == ["new-cccccc"]


def test_age_from_the_name_else_the_modification_time(tmp_path: Path) -> None:
    named = tmp_path / "20260301T080910Z-x-abcdef"
    named.mkdir()
    assert folder_time(named) == datetime(2026, 3, 1, 8, 9, 10, tzinfo=UTC)
    plain = tmp_path / "something"
    plain.mkdir()
    os.utime(plain, (1_000_000_000, 1_000_000_000))
    assert folder_time(plain) == datetime.fromtimestamp(1_000_000_000, UTC)


def test_the_minimum_cannot_be_configured_below_six_months(tmp_path: Path) -> None:
    from agent.errors import SettingsError
    from agent.settings import load_settings

    with pytest.raises(SettingsError):
        load_settings(None, evidence={"min_retention_days": 30})
    assert load_settings(None, evidence={"min_retention_days": 365}).evidence.min_retention_days == 365
