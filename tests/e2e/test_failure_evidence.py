"""A run that fails on any page leaves evidence naming that page: a masked screenshot, page.html,
failure.json (where, what, the last API exchanges) and the trace; a run that succeeds keeps no trace.

Each failure is forced the way a drifted portal would force it: a profile override naming a button,
label or section the page does not have, or the portal changing a saved value.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agent.status import RunStatus
from fixtures.mock_portal import DEMO_PASSWORD, MockPortal

from .conftest import Runner
from .helpers import make_settings

pytestmark = pytest.mark.e2e

# (bundle, profile override, mock faults, run options, evidence key, the page as errors name it)
CASES: dict[str, tuple[str, str, dict[str, Any], dict[str, Any], str]] = {
    "login": ("supporter", '[texts]\nlogin_button = "登录系统"\n', {}, {}, "login"),
    "entity": ("newco", '[sections]\nentity_basic = "主体概况"\n', {}, {}, "主体信息"),
    "products": ("provider", '[texts]\nadd_product = "添加产品"\n', {}, {}, "产品及功能信息"),
    "step1": ("supporter", '[labels]\n"版本号" = "版本编号"\n', {}, {}, "step 1"),
    "step2": ("supporter", '[labels]\n"算法简介" = "算法概述"\n', {}, {}, "step 2"),
    "step3": ("supporter", '[placeholders]\naccess_type = "请选择类别"\n', {}, {}, "step 3"),
    "confirm": ("supporter", "", {"truncate_fields": ["版本号"]}, {}, "确认提交"),
    "submit": (
        "supporter",
        '[texts]\ncommitment = "我承诺所填信息真实"\n',
        {},
        {"submit": True, "confirm_truthful": True},
        "提交",
    ),
}
FAST = {"action_ms": 3_000}  # what is not on screen is known sooner; the mock answers in milliseconds


def _trace_text(trace: Path) -> str:
    with zipfile.ZipFile(trace) as archive:
        return "".join(archive.read(i).decode("utf-8", "replace") for i in archive.infolist())


@pytest.mark.parametrize("key", list(CASES))
def test_a_failure_on_every_page_leaves_evidence_naming_it(
    key: str, portal: MockPortal, run: Runner, bundle_copy: Callable[[str], Path], tmp_path: Path
) -> None:
    which, override, faults, options, page = CASES[key]
    profile = tmp_path / "profile.toml"
    profile.write_text(override, encoding="utf-8")
    # As shipped (retain-on-failure): the trace is there because the run failed.
    settings = make_settings(
        portal.url, tmp_path, portal={"profile_path": profile}, timeouts=FAST, browser={}
    )
    if faults:
        portal.set_faults(**faults)

    result = run(bundle_copy(which), use=settings, **options)

    # A failed 提交 leaves the filing at 确认提交 (ready, not submitted): the run still exits non-zero.
    assert result.status is (RunStatus.READY if key == "submit" else RunStatus.FAILED)
    assert result.exit_code != 0
    message = result.errors[-1].message
    assert message.startswith(f"{page}: "), message
    assert "Locator expected" not in message and "did not answer" not in message
    evidence = Path(str(result.evidence_dir))
    shots = sorted(p.name for p in (evidence / "screenshots").glob("*.png"))
    expected_key = "confirm" if key == "confirm" else key
    assert any(s.endswith(f"-failed-{expected_key}.png") for s in shots), shots
    failure = json.loads((evidence / "failure.json").read_text(encoding="utf-8"))
    assert failure["page"] == page and failure["error"].startswith(f"{page}: ")
    assert failure["url"].startswith(portal.url)
    assert failure["screenshot"] in {f"screenshots/{s}" for s in shots}
    api = failure["exchanges"]
    assert 0 < len(api) <= 20 and all(
        {"method", "route", "status", "errno", "duration_ms"} <= set(e) for e in api
    )
    html = (evidence / "page.html").read_text(encoding="utf-8")
    assert "<html" in html.lower()
    trace = evidence / "trace.zip"
    assert trace.is_file(), sorted(p.name for p in evidence.iterdir())
    for text in (html, json.dumps(failure, ensure_ascii=False), _trace_text(trace)):
        assert DEMO_PASSWORD not in text


def test_a_successful_run_keeps_no_trace_unless_asked(
    portal: MockPortal, run: Runner, bundle_copy: Callable[[str], Path], tmp_path: Path
) -> None:
    directory = bundle_copy("supporter")
    default = make_settings(portal.url, tmp_path, browser={})  # as shipped: retain-on-failure
    assert default.browser.trace == "retain-on-failure"
    result = run(directory, use=default)
    assert result.status is RunStatus.READY, result.errors
    evidence = Path(str(result.evidence_dir))
    assert not list(evidence.glob("trace*.zip")) and not (evidence / "failure.json").exists()

    kept = make_settings(portal.url, tmp_path / "on", browser={"trace": "on"})
    again = run(directory, use=kept)
    assert again.status is RunStatus.READY, again.errors
    assert (Path(str(again.evidence_dir)) / "trace.zip").is_file()
