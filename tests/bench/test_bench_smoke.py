"""``python -m bench.run --quick`` against a real mock portal: every section is there and sane.

Nothing here times anything: the numbers only have to exist, be positive and be combined into ratios.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from bench.agent_side import agent_available
from bench.run import main

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench-results")
    # 4 filings: one for each of the batch's accounts, demo-bench (added by the bench) included. In a
    # thread of its own: the bench starts Playwright's sync API, which refuses a thread where another
    # instance (pytest-playwright's, from earlier tests of the session) already runs its loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(main, ["--quick", "--batch", "4", "--out", str(out)]).result() == 0
    latest: dict[str, Any] = json.loads((out / "latest.json").read_text(encoding="utf-8"))
    stamped = list(out.glob("bench-*.json"))
    assert len(stamped) == 1 and json.loads(stamped[0].read_text(encoding="utf-8")) == latest
    return latest


def _filers() -> list[str]:
    return ["agent", "minimal"] if agent_available() is None else ["minimal"]


def test_single_filings_have_totals_phases_and_request_counts(report: dict[str, Any]) -> None:
    for role in ("provider", "supporter"):
        for filer in _filers():
            summary = report["single"][role][filer]
            assert summary["ok"] == len(summary["runs"]) == 1, summary["runs"]
            assert summary["median_total_s"] > summary["median_filing_s"] > 0
            assert summary["median_browser_start_s"] > 0
            assert summary["median_api_requests"] > 0
            assert {"login", "step1", "step2", "step3"} <= set(summary["median_steps"])
    minimal = report["single"]["provider"]["minimal"]["runs"][0]["routes"]
    # The least the pages need: 4 wizard pages read their filing, 3 steps are saved, 2 files go up.
    assert minimal["GET /api/filing/detail"] == 4
    assert minimal["POST /api/filing/save"] == 3
    assert minimal["POST /api/filing/upload"] == 2


def test_batches_report_throughput_and_memory(report: dict[str, Any]) -> None:
    # The agent at 1, 2 and 4 (its memory target is judged at 4), the script at 1 and 2 (its scaling).
    expected = {"minimal": [1, 2]}
    if agent_available() is None:
        expected["agent"] = [1, 2, 4]
    assert {who: [r["concurrency"] for r in rounds] for who, rounds in report["batch"].items()} == expected
    for rounds in report["batch"].values():
        for r in rounds:
            # --quick files half the batch at concurrency 1 (a rate per minute all the same).
            assert r["ok"] == r["filings"] == (2 if r["concurrency"] == 1 else 4), r["failures"]
            assert r["workers"] == r["concurrency"]
            assert r["filings_per_min"] > 0
            assert r["peak"]["rss_mb"] > r["peak"]["pss_mb"] > 0
            assert r["peak"]["processes"] > 2  # this process, Playwright's driver, Chromium's processes
            assert r["api_requests_per_filing"] > 0
            assert r["cpu_s_per_filing"] > 0 and r["portal_cpu_s_per_filing"] > 0


def test_every_target_has_a_value_and_a_verdict_or_is_pending(report: dict[str, Any]) -> None:
    targets = {t["target"]: t for t in report["targets"] if not t.get("extra")}
    # time, CPU and API requests per role, scaling at 2, memory at 4, the --quick wall time
    assert len(targets) == 9
    assert targets["--quick wall time (s)"]["value"] > 0
    for target in targets.values():
        if agent_available() is None:
            assert target["value"] > 0
            assert target["met"] in (True, False)
        elif target["target"] != "--quick wall time (s)":
            assert target["met"] is None
    if agent_available() is not None:
        assert any("pending" in note for note in report["meta"]["notes"])


def test_results_directory_is_ignored_by_git() -> None:
    ignore = (Path(__file__).resolve().parents[2] / ".gitignore").read_text(encoding="utf-8")
    assert "bench/results/" in ignore.split()
