"""The queue worker's systemd unit: it parses, its command line is a valid ``queue worker``, the README
and the example config name the settings it relies on, and the nightly periodic job is really there."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import pytest
import typer

from agent.cli.queue import queue_app
from agent.queue.app import build_app
from agent.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "contrib" / "systemd" / "beian-agent-queue-worker.service"


def test_worker_unit_runs_a_valid_queue_worker_command() -> None:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNIT, encoding="utf-8")
    service = parser["Service"]
    assert service["Type"] == "simple" and service["KillMode"] == "mixed" and service["UMask"] == "0077"
    argv = shlex.split(service["ExecStart"])
    assert argv[0].endswith("/beian-agent") and argv[1:3] == ["queue", "worker"]
    command = typer.main.get_command(queue_app)
    assert isinstance(command, typer.core.TyperGroup)
    worker = command.commands["worker"]
    with worker.make_context("beian-agent queue worker", argv[3:]) as ctx:
        assert ctx.params["concurrency"] == 1
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "beian-agent-queue-worker.service" in readme and "BEIAN_SESSION_KEY" in readme


@pytest.mark.parametrize("paths", [[], ["/srv/beian/bundles"]])
def test_the_nightly_job_is_registered_only_with_paths(
    paths: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(
        None, queue__database_url="postgresql://beian@127.0.0.1:1/none", queue__nightly_paths=paths,
        queue__nightly_cron="30 2 * * *",
    )  # fmt: skip
    app = build_app(settings)
    crons = {t.task.name: t.cron for t in app.periodic_registry.periodic_tasks.values()}
    expected = {"beian.retry_stalled": "*/5 * * * * *"}
    if paths:
        expected["beian.nightly"] = "30 2 * * *"
    assert crons == expected
