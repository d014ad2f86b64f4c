"""服务提供者: the provider bundle filed to 确认, then the portal's state compared with it field by field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agent.bundle import load_bundle
from agent.settings import Settings
from agent.status import LedgerStatus, RunStatus
from fixtures.mock_portal import DEMO_PASSWORD, MockPortal

from .conftest import Runner
from .helpers import (
    account_state,
    evidence_problems,
    filing_problems,
    ledger_entry,
    products_problems,
    session_cookies,
    the_one_filing,
)

pytestmark = pytest.mark.e2e


def test_provider_bundle_reaches_ready_and_matches_the_portal(
    portal: MockPortal, run: Runner, bundle_copy: Callable[[str], Path], settings: Settings
) -> None:
    directory = bundle_copy("provider")
    bundle = load_bundle(directory)
    before = account_state(portal, bundle.account)
    assert not any(p["fields"]["产品名称"] == "智绘写作" for p in before["products"])

    result = run(directory)

    assert result.status is RunStatus.READY, result.errors
    assert result.errors == []
    filing = the_one_filing(portal, bundle)
    assert (filing["status"], filing["step"], filing["role"]) == ("草稿", 4, "服务提供者")
    assert filing_problems(bundle, filing) == []
    state = account_state(portal, bundle.account)
    assert products_problems(bundle, state["products"]) == []
    assert portal.state()["counters"]["submits"] == 0
    entry = ledger_entry(settings, directory)
    assert entry is not None and (entry.status, entry.checkpoint) == (LedgerStatus.READY, "confirm")

    assert result.evidence_dir is not None
    problems = evidence_problems(
        Path(result.evidence_dir),
        ["step1", "step2", "step3", "confirm"],
        [DEMO_PASSWORD, *session_cookies(settings, bundle.account)],
    )
    assert problems == []
