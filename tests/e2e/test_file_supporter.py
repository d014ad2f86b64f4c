"""技术支持者: the supporter bundle filed to 确认, then the portal's state compared with it field by field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agent.bundle import load_bundle
from agent.settings import Settings
from agent.status import LedgerStatus, RunStatus
from fixtures.mock_portal import DEMO_PASSWORD, MockPortal

from .conftest import Runner
from .helpers import evidence_problems, filing_problems, ledger_entry, session_cookies, the_one_filing

pytestmark = pytest.mark.e2e


def test_supporter_bundle_reaches_ready_and_matches_the_portal(
    portal: MockPortal, run: Runner, bundle_copy: Callable[[str], Path], settings: Settings
) -> None:
    directory = bundle_copy("supporter")
    bundle = load_bundle(directory)

    result = run(directory)

    assert result.status is RunStatus.READY, result.errors
    assert result.errors == []
    filing = the_one_filing(portal, bundle)
    assert (filing["status"], filing["step"], filing["role"]) == ("草稿", 4, "技术支持者")
    assert filing_problems(bundle, filing) == []
    rows = filing["sections"]["技术服务方式"]["技术服务访问方式"]
    assert [r["类型"] for r in rows] == ["API", "SDK", "开源代码"]  # every row, in order
    counters = portal.state()["counters"]
    assert counters["submits"] == 0
    # Each step saved once: 下一步 saves it, a 保存至草稿箱 before it would send the same content again.
    assert counters["by_route"]["POST /api/filing/save"] == 3
    entry = ledger_entry(settings, directory)
    assert entry is not None and (entry.status, entry.checkpoint) == (LedgerStatus.READY, "confirm")

    assert result.evidence_dir is not None
    secrets = [DEMO_PASSWORD, *session_cookies(settings, bundle.account)]
    problems = evidence_problems(Path(result.evidence_dir), ["step1", "step2", "step3", "confirm"], secrets)
    assert problems == []


def test_a_portal_whose_next_saves_nothing_gets_every_step_saved_first(
    portal: MockPortal, run: Runner, bundle_copy: Callable[[str], Path], tmp_path: Path
) -> None:
    """``[site] route_next = ""``: the profile says 下一步 only moves on, so 保存至草稿箱 comes before each
    下一步, and 下一步 is done when the next step shows (this mock's 下一步 saves too: 6 saves in all)."""
    from .helpers import make_settings

    profile = tmp_path / "profile.toml"
    profile.write_text('[site]\nroute_next = ""\n', encoding="utf-8")
    directory = bundle_copy("supporter")
    bundle = load_bundle(directory)

    result = run(directory, use=make_settings(portal.url, tmp_path / "state", profile_path=profile))

    assert result.status is RunStatus.READY, result.errors
    assert filing_problems(bundle, the_one_filing(portal, bundle)) == []
    counters = portal.state()["counters"]
    assert counters["draft_saves"] == 3 and counters["by_route"]["POST /api/filing/save"] == 6
