"""Both roles filed on every portal variant, each with only its profile override, and a faulty run per
variant (300 ms latency, one write in ten failing): the mock's state is compared with the bundle field by
field; no run reports ready or submitted unless the state shows it, and there is never a second draft.

One mock per variant serves all of its tests. Every variant files the 服务提供者 (existing product) and the
技术支持者, and the 服务提供者 with 主体信息 and a new product. The default variant is filed by
``test_file_*.py``; here it only has its faulty run, to keep the suite's time modest.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from agent import errors
from agent.bundle import Bundle, load_bundle
from agent.result import RunResult
from agent.run.runner import RunOptions, run_bundle
from agent.settings import Settings
from agent.status import RunStatus
from fixtures.mock_portal import VARIANTS, MockPortal
from flows.pages import wizard

from .conftest import BUNDLES, FIXTURES, PROFILES
from .helpers import (
    account_state,
    entity_problems,
    filing_problems,
    filings_named,
    make_settings,
    products_problems,
)

pytestmark = pytest.mark.e2e

NAMES = sorted(name for name in VARIANTS if name != "default")
ROLES = ("provider", "supporter", "newco")
# Every role on every variant: 主体信息 and a new product (newco) included, as a real site may differ
# anywhere along the way.
CASES = [pytest.param(name, which, id=f"{name}-{which}") for name in NAMES for which in ROLES]
# One faulty run per variant, the default included: 主体信息 under faults where it stays editable, else
# the two roles in turn (the 技术支持者 also submits).
FAULTY = [pytest.param("default", "provider", id="default")] + [
    pytest.param(name, "newco" if name == "entity-editable" else ROLES[(i + 1) % 2], id=name)
    for i, name in enumerate(NAMES)
]
# Error kinds that say the portal (or the page) refused the content: never the outcome of faults that
# only slow answers down or fail writes transiently.
REFUSALS = {
    name
    for module in (errors, wizard)
    for name, value in vars(module).items()
    if isinstance(value, type) and issubclass(value, errors.PortalRejected)
}


@pytest.fixture(scope="module")
def variant_portal(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MockPortal]:
    name: str = request.param
    with MockPortal(tmp_path_factory.mktemp(f"mock-{name}"), variant=name) as running:
        yield running


@pytest.fixture
def vportal(variant_portal: MockPortal) -> MockPortal:
    variant_portal.reset()
    return variant_portal


@pytest.fixture
def vsettings(vportal: MockPortal, tmp_path: Path) -> Settings:
    override = PROFILES / f"{vportal.variant}.toml"
    assert override.is_file(), f"no profile override for the variant {vportal.variant!r}"
    return make_settings(vportal.url, tmp_path, profile_path=override)


def _bundle(which: str, variant: str, tmp_path: Path) -> Path:
    target = tmp_path / "bundles" / BUNDLES[which]
    shutil.copytree(FIXTURES / BUNDLES[which], target)
    single = tomllib.loads((PROFILES / f"{variant}.toml").read_text(encoding="utf-8"))
    if "使用场景" in single.get("choices", {}).get("single", []):
        # That site takes one 使用场景: a bundle written for it lists one.
        filing = target / "filing.toml"
        text = filing.read_text(encoding="utf-8")
        one = re.sub(r'scenarios = \["([^"]+)"[^\]]*\]', r'scenarios = ["\1"]', text, count=1)
        assert one != text
        filing.write_text(one, encoding="utf-8")
    return target


def _run(browser: Browser, settings: Settings, directory: Path, **options: Any) -> RunResult:
    return run_bundle(directory, settings, RunOptions(**options), browser=browser)


def _mine(portal: MockPortal, bundle: Bundle) -> list[dict[str, Any]]:
    """The filings named like the bundle's algorithm; fails on unnamed drafts left behind."""
    state = account_state(portal, bundle.account)
    unnamed = [f for f in state["filings"] if not f["sections"].get("算法基础属性信息", {}).get("算法名称")]
    assert unnamed == [], f"{len(unnamed)} unnamed drafts left behind"
    return filings_named(state, bundle.filing.algorithm.name)


def _state_problems(portal: MockPortal, bundle: Bundle, *, step: int, status: str) -> list[str]:
    """What the mock's state lacks for a run that reached ``step`` with the filing in ``status``."""
    mine = _mine(portal, bundle)
    if len(mine) != 1:
        return [f"{len(mine)} filings named {bundle.filing.algorithm.name!r}"]
    filing = mine[0]
    problems = filing_problems(bundle, filing)
    if (filing["status"], filing["step"]) != (status, step):
        problems.append(f"filing is {filing['status']} at step {filing['step']}")
    state = account_state(portal, bundle.account)
    if bundle.filing.entity is not None:
        if state["entity"]["status"] not in ("待审核", "已通过"):
            problems.append(f"主体信息 is {state['entity']['status']}")
        problems += entity_problems(bundle, state["entity"])
    if bundle.filing.products is not None:
        problems += products_problems(bundle, state["products"])
    return problems


@pytest.mark.parametrize(("variant_portal", "which"), CASES, indirect=["variant_portal"], scope="module")
def test_each_variant_files_each_role_to_confirm(
    which: str, vportal: MockPortal, vsettings: Settings, browser: Browser, tmp_path: Path
) -> None:
    directory = _bundle(which, vportal.variant, tmp_path)
    bundle = load_bundle(directory, vsettings.profile())

    result = _run(browser, vsettings, directory)

    assert result.status is RunStatus.READY, result.errors
    assert result.errors == []
    assert _state_problems(vportal, bundle, step=4, status="草稿") == []
    assert vportal.state()["counters"]["submits"] == 0


@pytest.mark.parametrize(("variant_portal", "which"), FAULTY, indirect=["variant_portal"], scope="module")
def test_each_variant_under_latency_and_failing_writes_never_claims_more_than_the_portal_shows(
    which: str, vportal: MockPortal, vsettings: Settings, browser: Browser, tmp_path: Path
) -> None:
    submit = which == "supporter"
    directory = _bundle(which, vportal.variant, tmp_path)
    bundle = load_bundle(directory, vsettings.profile())
    vportal.set_faults(latency_ms=300, fail_rate=0.1, fail_mode="errno", seed=11)

    result = _run(browser, vsettings, directory, submit=submit, confirm_truthful=submit)

    vportal.set_faults(latency_ms=0, fail_rate=0)
    assert len(_mine(vportal, bundle)) <= 1, "a second draft"
    if result.status is RunStatus.READY:
        assert _state_problems(vportal, bundle, step=4, status="草稿") == []
    elif result.status is RunStatus.SUBMITTED:
        assert _state_problems(vportal, bundle, step=4, status="待审核") == []
    else:
        assert result.status is RunStatus.FAILED and result.errors, result
        assert [e for e in result.errors if e.kind in REFUSALS] == [], "a transient fault read as a refusal"
