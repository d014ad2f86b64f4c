"""``probe`` against the mock portal: the wizard reached without saving, on the portal variant where
新增备案 creates the draft at once and on the one where only the first save does; texts found inside
longer texts; a renamed text listed with its page; a page that cannot be reached does not stop the walk."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from agent.run.probe import ProbeReport, run_probe
from fixtures.mock_portal import MockPortal
from tests.cli.portal_config import put_draft, writes

from .conftest import PROFILES
from .helpers import make_settings

pytestmark = pytest.mark.e2e
Portals = Callable[[str], MockPortal]
PROVIDER, SUPPORTER = "服务提供者", "技术支持者"
WIZARD_PAGES = {
    "wizard", "wizard_provider", "wizard_supporter", "wizard_step1", "wizard_step2",
    "wizard_step3_provider", "wizard_step3_supporter", "wizard_step4",
}  # fmt: skip


@pytest.fixture(scope="module")
def variant_portal(mock_portal: MockPortal, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portals]:
    """The mock portal of the named variant, back to its seeded state: the session's own when it runs
    that variant (``--mock-variant``), else one started for this module."""
    started: dict[str, MockPortal] = {}

    def get(name: str) -> MockPortal:
        if mock_portal.variant == name:
            running = mock_portal
        else:
            if name not in started:
                started[name] = MockPortal(tmp_path_factory.mktemp(name), variant=name).start()
            running = started[name]
        running.reset()
        return running

    yield get
    for portal in started.values():
        portal.stop()


def probe(portal: MockPortal, tmp_path: Path, browser: Browser, override: str, **options: Any) -> ProbeReport:
    """``run_probe`` as demo-provider, given the variant's profile override followed by ``override``."""
    profile = tmp_path / "profile.toml"
    shipped = PROFILES / f"{portal.variant}.toml"
    profile.write_text(
        (shipped.read_text(encoding="utf-8") if shipped.is_file() else "") + "\n" + override, encoding="utf-8"
    )
    settings = make_settings(portal.url, tmp_path, profile_path=profile)
    return run_probe(settings, options.pop("account", "demo-provider"), browser=browser, **options)


def drafts(portal: MockPortal, account: str = "demo-provider") -> list[dict[str, Any]]:
    return [f for f in portal.state()["accounts"][account]["filings"] if f["status"] == "草稿"]


def missing(report: ProbeReport) -> list[tuple[str, str, str]]:
    return [(m.page, m.key, m.text) for m in report.missing]


# 主体信息状态 is only ever part of a longer text (主体信息状态：已通过); 保存至草稿箱 is renamed so that
# the wizard's own page is reported as missing it.
OVERRIDE = """
[texts]
entity_status_line = "主体信息状态"
save_draft = "暂存"

[probe]
home = ["texts.home_entity", "texts.home_filings", "texts.home_products", "texts.entity_status_line"]
"""


@pytest.mark.parametrize("variant", ["default", "lazy-draft"])
def test_open_wizard_walks_step1_for_both_roles_and_reports_the_draft_it_left(
    variant_portal: Portals, tmp_path: Path, browser: Browser, variant: str
) -> None:
    portal = variant_portal(variant)
    before = writes(portal)
    assert drafts(portal) == []
    report = probe(portal, tmp_path, browser, OVERRIDE, open_wizard=True)

    # The texts found inside longer ones are not missing; the renamed one is, on the page it was on.
    assert missing(report) == [("wizard", "texts.save_draft", "暂存")]
    assert report.unreached == [] and report.writes == []
    assert {"wizard", "wizard_provider", "wizard_supporter", "wizard_step1"} <= set(report.pages)
    assert report.pages[-2:] == ["products", "products_listed"]  # the walk went on after the wizard
    not_checked = {u.page: u.reason for u in report.not_checked}
    assert set(not_checked) == {
        "wizard_step2",
        "wizard_step3_provider",
        "wizard_step3_supporter",
        "wizard_step4",
    }
    assert all("下一步" in reason for reason in not_checked.values())

    # Nothing was saved; the click itself created a draft only where the portal creates it at once.
    after = writes(portal)
    assert (after["draft_saves"], after["submits"], after["entity_submits"]) == (0, 0, 0)
    created = drafts(portal)
    record = report.new_filing
    assert record is not None
    assert record.drafts_before == 0
    if variant == "default":
        assert len(created) == 1
        assert record.draft_created is True and record.drafts_after == 1 and len(record.new_drafts) == 1
        assert [r.split(" ", 1)[0] for r in record.requests] == ["POST"]
        assert record.requests[0].endswith("/api/filing/create")
    else:
        assert created == [] and after == before
        assert record.draft_created is False and record.drafts_after == 0 and record.new_drafts == []
        assert record.requests == []


def test_without_open_wizard_no_filing_is_started(
    variant_portal: Portals, tmp_path: Path, browser: Browser
) -> None:
    portal = variant_portal("default")
    before = writes(portal)
    report = probe(portal, tmp_path, browser, "")
    assert report.ok, report.to_json()
    assert report.new_filing is None and writes(portal) == before and drafts(portal) == []
    assert {u.page for u in report.not_checked} == WIZARD_PAGES
    assert all("--open-wizard" in u.reason for u in report.not_checked)


def test_an_unreachable_page_does_not_stop_the_walk_through_every_draft(
    variant_portal: Portals, tmp_path: Path, browser: Browser
) -> None:
    portal = variant_portal("default")
    put_draft(portal, "demo-provider", step=2, role=PROVIDER, name="提供者草稿")
    put_draft(portal, "demo-provider", step=3, role=SUPPORTER, name="支持者草稿")
    put_draft(portal, "demo-provider", step=2, role=PROVIDER, name="同一步草稿")
    before = writes(portal)
    # 备案信息's card renamed: the page cannot be reached; 草稿箱 is opened from the header instead.
    report = probe(portal, tmp_path, browser, '[texts]\nhome_filings = "备案管理"\n', open_wizard=True)

    assert missing(report) == [("home", "texts.home_filings", "备案管理")]
    assert [(u.page, u.reason) for u in report.unreached] == [
        ("filings", "texts.home_filings (备案管理) is not on screen")
    ]
    assert report.pages[report.pages.index("drafts") :] == [
        "drafts", "drafts_listed",
        "wizard", "wizard_provider", "wizard_step2",
        "wizard", "wizard_supporter", "wizard_step3_supporter",
        "products", "products_listed",
    ]  # fmt: skip
    assert report.new_filing is None  # drafts existed: 新增备案 was not clicked
    assert writes(portal) == before and report.writes == []
    not_checked = {u.page: u.reason for u in report.not_checked}
    assert set(not_checked) == {"wizard_step1", "wizard_step3_provider", "wizard_step4"}
    assert not_checked["wizard_step3_provider"].startswith(f"no draft at step 3 as {PROVIDER};")
