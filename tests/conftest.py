"""Shared fixtures: one mock portal per test session, reset before each test that asks for ``portal``,
and pytest-playwright pointed at it with the Chromium this machine can launch offline."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import structlog

from agent import redact
from agent.logging import close_log_file
from agent.run.browser import launch_options
from fixtures.mock_portal import MockPortal

# The throwaway PostgreSQL server (session) and a fresh database per test: ``pg_url``.
pytest_plugins = ["tests.postgres"]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No BEIAN_* from the developer's shell, no secrets or log config leaking between tests.

    A test that configures logging onto pytest's captured stderr must not leave the next test writing
    to that (by then closed) stream.
    """
    for name in list(os.environ):
        if name.upper().startswith("BEIAN_"):
            monkeypatch.delenv(name)
    redact.clear_secrets()
    yield
    redact.clear_secrets()
    close_log_file()
    structlog.reset_defaults()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--mock-variant",
        default=None,
        help="portal variant the session's mock portal runs (fixtures/profiles/<variant>.toml is the "
        "profile override the agent is given)",
    )


@pytest.fixture(scope="session")
def mock_variant(request: pytest.FixtureRequest) -> str | None:
    variant: str | None = request.config.getoption("--mock-variant")
    return variant


@pytest.fixture(scope="session")
def mock_portal(tmp_path_factory: pytest.TempPathFactory, mock_variant: str | None) -> Iterator[MockPortal]:
    with MockPortal(tmp_path_factory.mktemp("mock-portal-state"), variant=mock_variant) as running:
        yield running


@pytest.fixture
def portal(mock_portal: MockPortal) -> MockPortal:
    """The session's mock portal, back to its seeded state (data, sessions, counters, faults)."""
    mock_portal.reset()
    return mock_portal


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # --headed and other pytest-playwright options keep working; only the executable and flags are added.
    ours = launch_options(headless=bool(browser_type_launch_args.get("headless", True)))
    ours.pop("headless", None)
    args = [*browser_type_launch_args.get("args", []), *ours.pop("args", [])]
    return {**browser_type_launch_args, **ours, "args": args}


@pytest.fixture(scope="session")
def base_url(mock_portal: MockPortal) -> str:
    return mock_portal.url
