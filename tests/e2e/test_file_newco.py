"""A new entity: 主体信息 filled and submitted first, the product created, then the filing to 确认."""

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
    entity_problems,
    evidence_problems,
    filing_problems,
    ledger_entry,
    products_problems,
    session_cookies,
    the_one_filing,
)

pytestmark = pytest.mark.e2e


def test_newco_bundle_files_entity_products_and_filing(
    portal: MockPortal, run: Runner, bundle_copy: Callable[[str], Path], settings: Settings
) -> None:
    directory = bundle_copy("newco")
    bundle = load_bundle(directory)
    before = account_state(portal, bundle.account)
    assert before["entity"]["status"] == "未填报"
    assert [p for p in before["products"] if p["fields"]["产品名称"] == "启点图文"] == []

    result = run(directory)

    assert result.status is RunStatus.READY, result.errors
    assert result.errors == []
    state = account_state(portal, bundle.account)
    assert state["entity"]["status"] == "待审核"
    assert entity_problems(bundle, state["entity"]) == []
    assert products_problems(bundle, state["products"]) == []
    assert len(state["products"]) == len(before["products"]) + 1
    filing = the_one_filing(portal, bundle)
    assert (filing["status"], filing["step"], filing["role"]) == ("草稿", 4, "服务提供者")
    assert filing_problems(bundle, filing) == []
    counters = portal.state()["counters"]
    assert (counters["submits"], counters["entity_submits"]) == (0, 1)
    entry = ledger_entry(settings, directory)
    assert entry is not None and (entry.status, entry.checkpoint) == (LedgerStatus.READY, "confirm")

    assert result.evidence_dir is not None
    entity = bundle.filing.entity
    assert entity is not None
    personal = [
        entity.legal_representative.id_number,
        entity.security_officer.id_number,
        entity.security_officer.mobile,
    ]
    secrets = [DEMO_PASSWORD, *personal, *session_cookies(settings, bundle.account)]
    steps = ["entity", "step1", "step2", "step3", "confirm"]
    assert evidence_problems(Path(result.evidence_dir), steps, secrets) == []


def test_entity_submit_waits_for_the_filed_status_not_the_one_still_shown(
    portal: MockPortal, run: Runner, bundle_copy: Callable[[str], Path], settings: Settings
) -> None:
    # With slow answers the page still shows 未填报 for a moment after 提交 is answered. No retries: a
    # run that read that stale status as "not filed" fails instead of recovering by chance.
    once = settings.model_copy(update={"retry": settings.retry.model_copy(update={"attempts": 1})})
    portal.set_faults(latency_ms=400)
    directory = bundle_copy("newco")

    result = run(directory, use=once)

    assert result.status is RunStatus.READY, result.errors
    assert account_state(portal, load_bundle(directory).account)["entity"]["status"] == "待审核"
    assert portal.state()["counters"]["entity_submits"] == 1
