"""The portal misbehaving: a session lost between steps, failing writes, a page that drops a value, a field
the bundle schema does not name."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agent.bundle import load_bundle
from agent.settings import Settings
from agent.status import LedgerStatus, RunStatus
from fixtures.mock_portal import MockPortal

from .conftest import Runner
from .helpers import (
    When,
    account_state,
    checkpoint_reached,
    filing_problems,
    ledger_entry,
    products_problems,
    the_one_filing,
)

pytestmark = pytest.mark.e2e

FAULT_FREE_SAVES = 3  # 下一步 on each of steps 1–3 (it saves the step)

EXTRA_FIELDS: list[dict[str, Any]] = [
    {"section": "算法模型", "label": "训练数据规模", "kind": "text", "required": True},
    {"section": "算法模型", "label": "模型部署方式", "kind": "select", "options": ["私有化部署", "云端部署"]},
    {"section": "算法策略", "label": "策略生效日期", "kind": "date", "required": True},
    {"section": "算法风险与防范机制", "label": "是否建立应急预案", "kind": "radio", "options": ["是", "否"]},
]
EXTRA_VALUES = {  # as the bundle's ``extra`` tables write them, and as the portal stores them
    "算法模型": (
        '"训练数据规模" = "约2TB文本", "模型部署方式" = "云端部署"',
        {"训练数据规模": "约2TB文本", "模型部署方式": "云端部署"},
    ),
    "算法策略": ('"策略生效日期" = 2023-06-01', {"策略生效日期": "2023-06-01"}),
    "算法风险与防范机制": ('"是否建立应急预案" = true', {"是否建立应急预案": "是"}),
}
SECTION_KEYS = {
    "算法模型": "algorithm.model",
    "算法策略": "algorithm.strategy",
    "算法风险与防范机制": "algorithm.risk",
}


def test_session_expired_between_steps_logs_in_again_and_continues_the_draft(
    portal: MockPortal, run: Runner, bundle_copy: Callable[[str], Path], settings: Settings
) -> None:
    directory = bundle_copy("supporter")
    bundle = load_bundle(directory)

    with When(checkpoint_reached(settings, directory, "step1"), portal.expire_sessions) as expiry:
        result = run(directory)

    assert expiry.fired.is_set()
    assert result.status is RunStatus.READY, result.errors
    counters = portal.state()["counters"]
    assert counters["by_route"]["POST /api/login"] == 2
    assert counters["by_route"]["POST /api/filing/create"] == 1
    filing = the_one_filing(portal, bundle)
    assert filing_problems(bundle, filing) == []


@pytest.mark.parametrize("fail_mode", ["http500", "errno"])
def test_failing_writes_are_retried_to_the_end(
    fail_mode: str, portal: MockPortal, run: Runner, bundle_copy: Callable[[str], Path]
) -> None:
    directory = bundle_copy("supporter")
    bundle = load_bundle(directory)
    portal.set_faults(fail_rate=0.25, fail_mode=fail_mode, seed=7)

    result = run(directory)

    assert result.status is RunStatus.READY, result.errors
    counters = portal.state()["counters"]
    assert counters["by_route"]["POST /api/filing/save"] > FAULT_FREE_SAVES, "no save was retried"
    filing = the_one_filing(portal, bundle)
    assert filing_problems(bundle, filing) == []


def test_products_are_created_once_while_writes_fail(
    portal: MockPortal, run: Runner, bundle_copy: Callable[[str], Path]
) -> None:
    directory = bundle_copy("provider")
    bundle = load_bundle(directory)
    portal.set_faults(fail_rate=0.35, fail_mode="errno", seed=3)

    result = run(directory)

    assert result.status is RunStatus.READY, result.errors
    state = portal.state()
    routes = state["counters"]["by_route"].items()
    product_writes = sum(n for route, n in routes if route.startswith("POST /api/product/"))
    defined = 1 + 2 + 3  # the bundle's product, its two paths and three functions
    assert product_writes > defined, "no product write was retried"
    assert products_problems(bundle, account_state(portal, "demo-provider")["products"]) == []
    assert filing_problems(bundle, the_one_filing(portal, bundle)) == []


def test_a_page_that_drops_a_value_fails_the_read_back(
    portal: MockPortal, run: Runner, bundle_copy: Callable[[str], Path], settings: Settings
) -> None:
    directory = bundle_copy("supporter")
    portal.set_faults(drop_fields=["版本号"])

    result = run(directory, submit=True, confirm_truthful=True)

    assert result.status is RunStatus.FAILED
    read_back = [e for e in result.errors if e.kind == "read_back"]
    assert [(e.path, e.label) for e in read_back] == [("algorithm.version", "版本号")]
    assert result.errors == read_back, "the mismatch is reported once, as the field that differs"
    assert result.evidence_dir is not None
    written = json.loads((Path(result.evidence_dir) / "result.json").read_text(encoding="utf-8"))
    assert written["duration_s"] == round(result.duration_s, 3) > 0
    assert [e["path"] for e in written["errors"]] == ["algorithm.version"]
    state = portal.state()
    assert state["counters"]["submits"] == 0
    assert "POST /api/filing/submit" not in state["counters"]["by_route"]
    assert all(f["status"] == "草稿" for f in state["accounts"]["demo-supporter"]["filings"])
    entry = ledger_entry(settings, directory)
    assert entry is not None and entry.status is LedgerStatus.FAILED
    assert entry.last_error is not None and "版本号" in entry.last_error


def _with_extras(directory: Path) -> None:
    toml = directory / "filing.toml"
    text = toml.read_text(encoding="utf-8")
    for title, (entries, _) in EXTRA_VALUES.items():
        header = f"[{SECTION_KEYS[title]}]\nextra = {{ "
        assert text.count(header) == 1
        text = text.replace(header, header + entries + ", ")
    toml.write_text(text, encoding="utf-8")


def test_extra_fields_the_portal_shows_are_filled_from_the_bundle(
    portal: MockPortal, run: Runner, bundle_copy: Callable[[str], Path]
) -> None:
    directory = bundle_copy("supporter")
    _with_extras(directory)
    bundle = load_bundle(directory)
    portal.set_faults(extra_fields=EXTRA_FIELDS)

    result = run(directory)

    assert result.status is RunStatus.READY, result.errors
    filing = the_one_filing(portal, bundle)
    assert filing_problems(bundle, filing) == []  # the extra entries are among the fields compared
    for title, (_, stored) in EXTRA_VALUES.items():
        assert {k: filing["sections"][title].get(k) for k in stored} == stored


def test_a_required_field_the_bundle_lacks_stops_at_next_with_the_portals_message(
    portal: MockPortal, run: Runner, bundle_copy: Callable[[str], Path], settings: Settings
) -> None:
    directory = bundle_copy("supporter")
    portal.set_faults(extra_fields=EXTRA_FIELDS[:1])

    result = run(directory)

    assert result.status is RunStatus.FAILED
    assert any("请输入训练数据规模" in e.message for e in result.errors), result.errors
    assert result.step_reached == "step2"
    filings = account_state(portal, "demo-supporter")["filings"]
    assert [f["step"] for f in filings if f["status"] == "草稿"] == [2]
    entry = ledger_entry(settings, directory)
    assert entry is not None and entry.status is LedgerStatus.FAILED
