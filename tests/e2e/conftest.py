"""End-to-end fixtures for the submission agent: a fresh mock portal state per test, settings pointing at
it with a temporary state and evidence directory, copies of the fixture bundles, and the checks that
compare ``/__mock/state`` with a bundle field by field."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from agent.result import RunResult
from agent.run.runner import RunOptions, run_bundle
from agent.settings import Settings
from fixtures.mock_portal import MockPortal

from .helpers import make_settings

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "bundles"
PROFILES = FIXTURES.parent / "profiles"
BUNDLES = {"provider": "provider-basic", "supporter": "supporter-basic", "newco": "newco-provider"}


@pytest.fixture(autouse=True)
def _in_scratch_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No developer's beian-agent.toml is picked up (env, secrets and logging: see tests/conftest.py)."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def settings(portal: MockPortal, tmp_path: Path) -> Settings:
    """Settings for the freshly reset mock portal, with this test's own state and evidence directories."""
    profile = PROFILES / f"{portal.variant}.toml"
    if not profile.is_file():
        return make_settings(portal.url, tmp_path)
    # Only the variant's profile override, as an operator facing that portal would write it.
    return make_settings(portal.url, tmp_path, profile_path=profile)


@pytest.fixture
def bundle_copy(tmp_path: Path) -> Callable[[str], Path]:
    """A private copy of a fixture bundle (``provider``, ``supporter`` or ``newco``), free to edit."""

    def copy(which: str) -> Path:
        target = tmp_path / "bundles" / BUNDLES[which]
        if not target.exists():
            shutil.copytree(FIXTURES / BUNDLES[which], target)
        return target

    return copy


Runner = Callable[..., RunResult]


@pytest.fixture
def run(settings: Settings, browser: Browser) -> Runner:
    """``run(bundle_dir, **options)``: ``run_bundle`` in the session's shared Chromium."""

    def go(bundle_dir: Path, *, use: Settings | None = None, **options: Any) -> RunResult:
        return run_bundle(bundle_dir, use or settings, RunOptions(**options), browser=browser)

    return go
