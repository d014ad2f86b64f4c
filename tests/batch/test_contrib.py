"""The scheduling recipes shipped in contrib/ and shown in docs/batch.md: they parse, and they run."""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import typer

from agent.cli import batch as batch_command
from agent.cli import sync as sync_command
from fixtures.mock_portal import MockPortal

from .conftest import PASSWORD, make_bundle
from .e2e_helpers import CLI

ROOT = Path(__file__).resolve().parents[2]
CONTRIB = ROOT / "contrib"
DOC = ROOT / "docs" / "batch.md"


def _parses_as_batch(argv: list[str]) -> None:
    """The arguments after ``beian-agent`` are a valid ``batch`` command line (parsed, not run)."""
    assert argv[0] == "batch", argv
    app = typer.Typer()
    batch_command.register(app)
    command = typer.main.get_command(app)  # one command: the batch command itself
    with command.make_context("beian-agent batch", list(argv[1:])) as ctx:
        assert ctx.params["paths"]


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(CONTRIB / "systemd" / name, encoding="utf-8")
    return parser


def test_systemd_units_fit_together_and_the_command_parses() -> None:
    service, timer = _unit("beian-agent-batch.service"), _unit("beian-agent-batch.timer")
    assert service["Service"]["Type"] == "oneshot"
    assert timer["Timer"]["Unit"] == "beian-agent-batch.service"
    assert timer["Install"]["WantedBy"] == "timers.target"
    argv = shlex.split(service["Service"]["ExecStart"])
    assert argv[0].endswith("/beian-agent")
    _parses_as_batch(argv[1:])


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verifies_the_units(tmp_path: Path) -> None:
    kinds = ("batch.service", "batch.timer", "sync.service", "sync.timer")
    for name in (f"beian-agent-{unit}" for unit in kinds):
        text = (CONTRIB / "systemd" / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace("/srv/beian/.venv/bin/beian-agent", CLI), encoding="utf-8")
    units = [str(p) for p in sorted(tmp_path.glob("beian-agent-*"))]
    done = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    calendar = _unit("beian-agent-batch.timer")["Timer"]["OnCalendar"]
    assert (
        subprocess.run(["systemd-analyze", "calendar", calendar], capture_output=True, check=False).returncode
        == 0
    )


def _parses_as_sync(argv: list[str]) -> None:
    """The arguments after ``beian-agent`` are a valid ``sync`` command line (parsed, not run)."""
    assert argv[0] == "sync", argv
    app = typer.Typer()
    sync_command.register(app)
    command = typer.main.get_command(app)
    with command.make_context("beian-agent sync", list(argv[1:])) as ctx:
        assert ctx.params["config"] is not None


def _cron_command(verb: str = "batch") -> str:
    (line,) = [
        line
        for line in (CONTRIB / "cron" / "beian-agent").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#") and "=" not in line.split()[0] and f"beian-agent {verb} " in line
    ]
    fields = line.split(None, 6)
    assert re.fullmatch(r"\d+", fields[0]) and re.fullmatch(r"\d+", fields[1]) and fields[5] == "beian"
    return fields[6]


def test_cron_line_is_one_valid_entry_with_a_batch_command() -> None:
    command = _cron_command()
    argv = shlex.split(command.split("&&")[-1].split(">>")[0])
    assert argv[0] == "/srv/beian/.venv/bin/beian-agent"
    _parses_as_batch(argv[1:])


def test_cron_syncs_every_night_before_the_batch() -> None:
    command = _cron_command("sync")
    argv = shlex.split(command.split("&&")[-1].split(">>")[0])
    assert argv[0] == "/srv/beian/.venv/bin/beian-agent"
    _parses_as_sync(argv[1:])


def test_systemd_sync_units_fit_together_and_the_command_parses() -> None:
    service, timer = _unit("beian-agent-sync.service"), _unit("beian-agent-sync.timer")
    assert service["Service"]["Type"] == "oneshot"
    assert timer["Timer"]["Unit"] == "beian-agent-sync.service"
    argv = shlex.split(service["Service"]["ExecStart"])
    _parses_as_sync(argv[1:])


@pytest.mark.e2e
def test_the_cron_command_runs_as_written_in_a_bare_environment(tmp_path: Path, portal: MockPortal) -> None:
    home = tmp_path / "srv"
    (home / "logs").mkdir(parents=True)
    make_bundle(home / "bundles", "demo-supporter", "定时任务算法")
    (home / "beian-agent.toml").write_text(
        '[paths]\nstate_dir = "state"\nevidence_dir = "evidence"\n\n'
        '[accounts.demo-supporter]\nusername = "demo-supporter"\n',
        encoding="utf-8",
    )
    env_file = tmp_path / "env"
    # The password and the portal come from the env file, as the recipe says; the mock plays the portal.
    env_file.write_text(
        f"BEIAN_ACCOUNTS__DEMO_SUPPORTER__PASSWORD={PASSWORD}\nBEIAN_PORTAL__BASE_URL={portal.url}\n",
        encoding="utf-8",
    )
    command = (
        _cron_command()
        .replace("/srv/beian/.venv/bin/beian-agent", CLI)
        .replace("/etc/beian-agent/env", str(env_file))
        .replace("/srv/beian", str(home))
    )
    bare = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path), "SHELL": "/bin/sh"}
    done = subprocess.run(
        ["/bin/sh", "-c", command], env=bare, capture_output=True, text=True, timeout=600, check=False
    )
    log = (home / "logs" / "batch.log").read_text(encoding="utf-8")
    assert done.returncode == 0, log
    assert "1/1 ok (ready 1); exit code 0" in log
    assert PASSWORD not in log
    assert (home / "reports" / "latest" / "report.html").is_file()


def test_ci_jobs_rehearse_with_mock() -> None:
    for name in ("github-actions.yml", "gitlab-ci.yml"):
        lines = (CONTRIB / "ci" / name).read_text(encoding="utf-8").splitlines()
        (command,) = [
            line.strip().removeprefix("- ").removeprefix("run: ") for line in lines if "--mock" in line
        ]
        argv = shlex.split(command)
        assert argv[:4] == ["beian-agent", "batch", "--mock", "bundles/"]
        _parses_as_batch(argv[1:])


def test_the_doc_shows_the_shipped_recipes() -> None:
    doc = DOC.read_text(encoding="utf-8")
    for path in (
        CONTRIB / "systemd" / "beian-agent-batch.service",
        CONTRIB / "systemd" / "beian-agent-batch.timer",
        CONTRIB / "systemd" / "beian-agent-sync.service",
        CONTRIB / "systemd" / "beian-agent-sync.timer",
        CONTRIB / "cron" / "beian-agent",
        CONTRIB / "ci" / "github-actions.yml",
        CONTRIB / "ci" / "gitlab-ci.yml",
    ):
        assert path.read_text(encoding="utf-8").strip() in doc, f"{path.name} differs from docs/batch.md"


def test_the_readme_shows_the_cron_entry_and_the_ci_job() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in (CONTRIB / "cron" / "beian-agent", CONTRIB / "ci" / "github-actions.yml"):
        assert path.read_text(encoding="utf-8").strip() in readme, f"{path.name} differs from README.md"
