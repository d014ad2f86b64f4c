"""report.html in a real browser, opened from a moved copy with the evidence gone: it is all there."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Request, Route

from agent.batch.report import write_reports
from agent.settings import load_settings

from .report_helpers import finished_run

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def _real_screenshots(browser: Browser) -> list[bytes]:
    """Screenshots as the runner takes them: full-page PNGs from Chromium."""
    page = browser.new_page(viewport={"width": 900, "height": 600})
    shots = []
    for title in ("填写算法基础属性信息", "填写算法详细属性信息", "确认提交"):
        page.set_content(f"<h1 style='font-family:sans-serif'>{title}</h1><p>{'内容 ' * 200}</p>")
        shots.append(page.screenshot(full_page=True))
    page.close()
    return shots


def test_moved_report_shows_every_image_and_requests_nothing(browser: Browser, tmp_path: Path) -> None:
    settings = load_settings(None, paths__state_dir=tmp_path / "state", paths__evidence_dir=tmp_path / "ev")
    report = finished_run(tmp_path / "ev", _real_screenshots(browser))
    write_reports(report, settings, tmp_path / "ev" / "batch-x")
    moved = tmp_path / "mailed" / "report"
    shutil.move(tmp_path / "ev" / "batch-x", moved)
    shutil.rmtree(tmp_path / "ev")

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def watch(route: Route, request: Request) -> None:
        if not request.url.startswith(("data:", "file:")):
            outside.append(request.url)
            route.abort()
            return
        route.continue_()

    page.route("**/*", watch)
    page.goto((moved / "report.html").as_uri())
    page.wait_for_load_state("load")
    images = page.locator("img")
    assert images.count() == 3
    widths = images.evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
    assert all(w > 0 for w in widths), widths
    assert outside == []
    # The field table is laid out: a header row and one row per field read back, visible.
    table = page.locator("table").filter(has_text="门户显示的值")
    assert table.is_visible()
    assert table.locator("tbody tr").count() == 3
    assert table.locator("td.bad").inner_text() == "✗"
    # The configuration is collapsed until asked for.
    assert not page.get_by_text('"base_url"').is_visible()
    # A thumbnail opens full size on a click, without a script.
    first = images.first
    small = first.bounding_box()
    first.click()
    large = first.bounding_box()
    assert small is not None and large is not None and large["width"] > small["width"]
    first.click()
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    page.close()
