from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from agent.batch import entry as batch_module
from agent.batch.lock import RunLock
from agent.cli import batch as batch_command
from agent.cli import status as status_command

from .conftest import FakeRunner, make_bundle, no_browser

cli = CliRunner()

CONFIG = """
[paths]
state_dir = "state"
evidence_dir = "evidence"

[accounts.demo-provider]
username = "demo-provider"
password = "Demo@2026"

[accounts.demo-newco]
username = "demo-newco"
password = "Demo@2026"
"""


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    runner = FakeRunner(behaviours={"坏算法": "fail"})
    fake = functools.partial(batch_module.run_batch, runner=runner, browsers=no_browser)
    monkeypatch.setattr(batch_command, "run_batch", fake)
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    batch_command.register(app)
    status_command.register(app)
    return app


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "beian-agent.toml"
    path.write_text(CONFIG, encoding="utf-8")
    make_bundle(tmp_path / "bundles", "demo-provider", "好算法")
    make_bundle(tmp_path / "bundles", "demo-newco", "坏算法")
    return path


def test_batch_json_report_files_and_exit_code(app: typer.Typer, config: Path, tmp_path: Path) -> None:
    result = cli.invoke(app, ["batch", str(tmp_path / "bundles"), "--json", "--report", str(tmp_path / "r")])
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert {b["algorithm"]: b["outcome"] for b in document["bundles"]} == {
        "好算法": "ready",
        "坏算法": "failed",
    }
    assert (tmp_path / "r" / "report.html").is_file() and (tmp_path / "r" / "report.json").is_file()
    assert "reports: " in result.stderr


def test_default_report_dir_is_in_the_evidence_dir(app: typer.Typer, config: Path, tmp_path: Path) -> None:
    result = cli.invoke(app, ["batch", str(tmp_path / "bundles"), "--concurrency", "1"])
    assert result.exit_code == 1
    (report_dir,) = (tmp_path / "evidence").glob("batch-*")
    assert (report_dir / "report.html").is_file()
    assert "1/2 ok" in result.stdout


def test_overlapping_run_is_refused_with_its_own_code(app: typer.Typer, config: Path, tmp_path: Path) -> None:
    with RunLock(tmp_path / "state" / "run.lock", command="beian-agent batch /srv/bundles"):
        result = cli.invoke(app, ["batch", str(tmp_path / "bundles")])
    assert result.exit_code == 5
    assert "another run holds the lock" in result.stderr and "this run did nothing" in result.stderr


def test_bad_usage_exits_2(app: typer.Typer, config: Path, tmp_path: Path) -> None:
    result = cli.invoke(app, ["batch", str(tmp_path / "nothing-here")])
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_status_before_and_after_a_batch(app: typer.Typer, config: Path, tmp_path: Path) -> None:
    empty = cli.invoke(app, ["status"])
    assert empty.exit_code == 0 and "nothing has run there yet" in empty.stdout
    assert not (tmp_path / "state" / "ledger.sqlite3").exists()
    cli.invoke(app, ["batch", str(tmp_path / "bundles")])
    result = cli.invoke(app, ["status", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["accounts"] == {"demo-newco": {"failed": 1}, "demo-provider": {"ready": 1}}
    assert {b["algorithm_name"]: b["status"] for b in document["bundles"]} == {
        "好算法": "ready",
        "坏算法": "failed",
    }
    assert "13800138000" not in result.stdout  # the failure message's mobile is masked
    assert document["runs"][0]["command"] == "batch"
    plain = cli.invoke(app, ["status"])
    assert "account demo-provider: ready 1" in plain.stdout


def test_cli_registers_batch_and_status() -> None:
    from agent.cli.app import app as real_app

    names = {command.name for command in real_app.registered_commands}
    assert {"batch", "status"} <= names


def test_login_required_exits_3_and_says_how_to_log_in(
    monkeypatch: pytest.MonkeyPatch, config: Path, tmp_path: Path
) -> None:
    runner = FakeRunner(behaviours={"好算法": "login"})
    monkeypatch.setattr(
        batch_command,
        "run_batch",
        functools.partial(batch_module.run_batch, runner=runner, browsers=no_browser),
    )
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    batch_command.register(app)
    app.command("other")(lambda: None)
    result = cli.invoke(app, ["batch", str(tmp_path / "bundles")])
    assert result.exit_code == 3
    assert "beian-agent login --account demo-provider" in result.stderr
    assert "坏算法" in runner.calls  # the other account still ran
