from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
import typer
from playwright.sync_api import Browser, Page

from agent.cli import login
from agent.result import Until
from agent.run.manual_login import PageHook, manual_login, unattended_reason
from agent.run.runner import RunOptions, run_bundle
from agent.settings import load_settings
from agent.status import RunStatus
from fixtures.mock_portal import DEMO_PASSWORD, MockPortal

from .portal_config import closed_url, invoke, write_config

BUNDLES = Path(__file__).resolve().parents[2] / "fixtures" / "bundles"


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    app.callback()(lambda: None)  # a group, so "login" stays a named subcommand as in agent.cli.app
    login.register(app)
    return app


@pytest.mark.parametrize(
    ("env", "tty", "platform", "reason"),
    [
        ({"DISPLAY": ":0"}, True, "linux", None),
        ({"WAYLAND_DISPLAY": "wayland-0"}, True, "linux", None),
        ({}, True, "darwin", None),
        ({"DISPLAY": ":0", "CI": "true"}, True, "linux", "the CI environment variable is set"),
        ({"DISPLAY": ":0"}, False, "linux", "standard input is not a terminal"),
        ({}, True, "linux", "there is no display (DISPLAY is not set)"),
    ],
)
def test_unattended_reason(env: dict[str, str], tty: bool, platform: str, reason: str | None) -> None:
    assert unattended_reason(env, stdin_tty=tty, platform=platform) == reason


def test_refuses_to_run_unattended(app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "1")
    config = write_config(tmp_path, "http://127.0.0.1:9/")
    result = invoke(app, ["login", "--config", str(config)])
    assert result.exit_code == 2
    assert "login needs a person at the browser, and the CI environment variable is set" in result.output
    assert not (tmp_path / "state").exists()


def _log_in_by_hand(account: str) -> PageHook:
    def hook(page: Page) -> None:
        # What the person does in the window: type the account and password, press 登录.
        form = page.locator(".el-form-item")
        form.filter(has_text="账号").locator("input").fill(account)
        form.filter(has_text="密码").locator("input").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录", exact=True).click()

    return hook


def _logins(portal: MockPortal) -> int:
    count: int = portal.state()["counters"]["by_route"].get("POST /api/login", 0)
    return count


@pytest.mark.e2e
def test_session_saved_private_and_reused_by_a_run(
    portal: MockPortal, tmp_path: Path, browser: Browser
) -> None:
    # The account has no password: only the hand login can open the portal for it.
    settings = load_settings(write_config(tmp_path, portal.url, password=False))
    saved = Path(
        manual_login(
            settings,
            "demo-provider",
            timeout_s=30,
            headless=True,
            on_page=_log_in_by_hand("demo-provider"),
            browser=browser,
        )
    )
    assert saved == settings.account("demo-provider").session_file
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert json.loads(saved.read_text(encoding="utf-8"))["cookies"]
    assert DEMO_PASSWORD not in saved.read_text(encoding="utf-8")
    assert _logins(portal) == 1

    result = run_bundle(BUNDLES / "provider-basic", settings, RunOptions(until=Until.DRAFT), browser=browser)
    assert result.status is RunStatus.SAVED, result.errors
    assert _logins(portal) == 1  # the run went in with the saved session


@pytest.mark.e2e
def test_cli_saves_a_still_valid_session_and_prints_only_its_place(
    app: typer.Typer, portal: MockPortal, tmp_path: Path, browser: Browser
) -> None:
    config = write_config(tmp_path, portal.url, password=False)
    settings = load_settings(config)
    session = Path(
        manual_login(
            settings,
            "demo-provider",
            timeout_s=30,
            headless=True,
            on_page=_log_in_by_hand("demo-provider"),
            browser=browser,
        )
    )
    cookie = json.loads(session.read_text(encoding="utf-8"))["cookies"][0]["value"]
    session.chmod(0o644)  # loosened by a copy: tightened when used, and written 0600 again

    result = invoke(app, ["login", "--config", str(config), "--headless-check", "--timeout-s", "30"])
    assert result.exit_code == 0, result.output
    assert f"session for demo-provider saved to {session} (mode 0600)" in result.stdout
    assert cookie not in result.output
    assert stat.S_IMODE(session.stat().st_mode) == 0o600
    assert _logins(portal) == 1


@pytest.mark.e2e
def test_cli_nobody_logs_in_exits_3_and_saves_nothing(
    app: typer.Typer, portal: MockPortal, tmp_path: Path
) -> None:
    config = write_config(tmp_path, portal.url, password=False)
    result = invoke(app, ["login", "--config", str(config), "--headless-check", "--timeout-s", "2"])
    assert result.exit_code == 3, result.output
    assert "nobody logged in as 'demo-provider' within 2s; nothing was saved" in result.output
    assert not (tmp_path / "state" / "sessions" / "demo-provider.json").exists()


@pytest.mark.e2e
def test_cli_unreachable_portal_exits_4(app: typer.Typer, tmp_path: Path) -> None:
    config = write_config(tmp_path, closed_url())
    result = invoke(app, ["login", "--config", str(config), "--headless-check", "--timeout-s", "5"])
    assert result.exit_code == 4, result.output
    assert "did not answer" in result.output
