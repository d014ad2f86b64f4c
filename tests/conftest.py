"""Shared fixtures: one mock portal per test session, reset before each test that asks for ``portal``,
and pytest-playwright pointed at it with the Chromium this machine can launch offline."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from agent.browser import launch_options
from fixtures.mock_portal import MockPortal


@pytest.fixture(scope="session")
def mock_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockPortal]:
    with MockPortal(tmp_path_factory.mktemp("mock-portal-state")) as running:
        yield running


@pytest.fixture
def portal(mock_portal: MockPortal) -> MockPortal:
    """The session's mock portal, back to its seeded state (data, sessions, counters, faults)."""
    mock_portal.reset()
    return mock_portal


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # --headed and other pytest-playwright options keep working; only the executable and flags are added.
    ours = launch_options()
    ours.pop("headless", None)
    args = [*browser_type_launch_args.get("args", []), *ours.pop("args", [])]
    return {**browser_type_launch_args, **ours, "args": args}


@pytest.fixture(scope="session")
def base_url(mock_portal: MockPortal) -> str:
    return mock_portal.url
