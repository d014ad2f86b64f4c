"""Which Chromium a run launches, and what Playwright's drivers are started with."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agent.run import browser


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Path]:
    full, shell = tmp_path / "chromium", tmp_path / "chromium-headless-shell"
    full.write_text("")
    monkeypatch.setattr(browser, "_CANDIDATES", (str(full),))
    monkeypatch.setattr(browser, "_HEADLESS_CANDIDATES", (str(shell),))
    return {"full": full, "shell": shell}


def test_headless_runs_take_the_headless_shell_when_installed(installed: dict[str, Path]) -> None:
    installed["shell"].write_text("")
    assert browser.launch_options(headless=True)["executable_path"] == str(installed["shell"])
    # A window needs the full browser.
    assert browser.launch_options(headless=False)["executable_path"] == str(installed["full"])


def test_without_the_shell_headless_runs_take_the_full_browser(installed: dict[str, Path]) -> None:
    assert browser.launch_options(headless=True)["executable_path"] == str(installed["full"])


def test_a_configured_executable_wins(installed: dict[str, Path], tmp_path: Path) -> None:
    installed["shell"].write_text("")
    mine = tmp_path / "my-chrome"
    assert browser.launch_options(headless=True, executable=mine)["executable_path"] == str(mine)


def test_drivers_get_a_small_young_generation_unless_node_options_are_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NODE_OPTIONS", raising=False)
    browser.lean_drivers()
    assert os.environ["NODE_OPTIONS"] == "--max-semi-space-size=1 --jitless"
    monkeypatch.setenv("NODE_OPTIONS", "--inspect")
    browser.lean_drivers()
    assert os.environ["NODE_OPTIONS"] == "--inspect"
