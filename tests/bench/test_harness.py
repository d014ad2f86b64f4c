"""Bench helpers that need no browser: bundle copies, portal conditions, targets."""

from __future__ import annotations

from pathlib import Path

from bench.bundles import PROVIDER, SUPPORTER, batch_bundles, conditions, read_bundle, variant
from bench.phases import step_phases
from bench.targets import targets


def test_variant_renames_and_moves_the_bundle(tmp_path: Path) -> None:
    copy = variant(PROVIDER, tmp_path / "b", name="另一个算法", account="demo-newco")
    data = read_bundle(copy)
    assert data["algorithm"]["name"] == "另一个算法"
    assert data["account"] == "demo-newco"
    assert (copy / data["algorithm"]["self_assessment_report"]).is_file()
    assert read_bundle(PROVIDER)["algorithm"]["name"] != "另一个算法"


def test_batch_bundles_cycle_through_the_accounts_with_distinct_names(tmp_path: Path) -> None:
    bundles = batch_bundles(tmp_path, 5, "t")
    data = [read_bundle(b) for b in bundles]
    assert [d["account"] for d in data] == [
        "demo-provider", "demo-supporter", "demo-newco", "demo-bench", "demo-provider",
    ]  # fmt: skip
    assert len({d["algorithm"]["name"] for d in data}) == 5


def test_conditions_name_the_products_each_account_needs(tmp_path: Path) -> None:
    newco = variant(PROVIDER, tmp_path / "n", name="x", account="demo-newco")
    found = conditions([PROVIDER, SUPPORTER, newco])
    assert set(found) == {"demo-provider", "demo-supporter", "demo-newco"}
    assert found["demo-supporter"]["products"] == []
    product = found["demo-provider"]["products"][0]
    assert product["fields"]["产品名称"] == "智绘写作"
    assert product["fields"]["是否需实名认证"] == "是"
    assert [p["path"] for p in product["paths"]] == ["首页 > AI写作", "首页 > 灵感助手"]
    assert product["paths"][0]["functions"][0] == {
        "功能名称": "智能续写",
        "功能介绍": "根据用户已输入的文字内容，自动续写后续段落，用户可选择采纳、修改或重新生成。",
    }


def test_step_phases_split_the_run_at_stage_events() -> None:
    events = [(1.0, "session_saved"), (1.5, "logged_in"), (2.0, "noise"), (4.0, "step1")]
    assert step_phases(0.0, events, 5.0) == {"login": 1.5, "step1": 2.5, "finish": 1.0}


def test_targets_compare_side_by_side_and_stay_pending_without_numbers() -> None:
    def batch(c: int, per_min: float, pss: float, cpu: float) -> dict[str, object]:
        return {
            "concurrency": c,
            "workers": c,
            "filings_per_min": per_min,
            "peak": {"pss_mb": pss},
            "cpu_s_per_filing": cpu,
        }

    report = {
        "meta": {"quick": True, "elapsed_s": 170.0},
        "single": {"provider": {
            "agent": {"median_total_s": 2.6, "median_api_requests": 18, "median_tree_cpu_s": 3.0},
            "agent-trace": {"median_total_s": 3.0, "median_api_requests": 18, "median_tree_cpu_s": 4.0},
            "minimal": {"median_total_s": 2.0, "median_api_requests": 15, "median_tree_cpu_s": 2.0}}},
        "batch": {
            "agent": [batch(1, 6.0, 350.0, 3.0), batch(2, 10.0, 500.0, 3.0), batch(4, 16.0, 1000.0, 3.0)],
            "minimal": [batch(1, 8.0, 300.0, 2.0), batch(2, 12.0, 600.0, 2.0)],
        },
    }  # fmt: skip
    found = {t["target"]: t for t in targets(report)}
    time = found["single provider: agent / minimal time"]
    assert time["value"] == 1.3 and time["limit"] == 1.3 and time["met"] is True
    assert found["single provider: agent / minimal CPU s"]["met"] is False  # 1.5
    assert found["single provider: agent / minimal API requests"]["value"] == 1.2
    scaling = found["batch: agent's filings/min scaling c2/c1 ≥ the script's"]
    assert (scaling["value"], scaling["limit"], scaling["met"]) == (10 / 6, 1.5, True)
    assert found["batch: peak PSS per concurrent filing at c4 (MB)"]["value"] == 250.0
    assert found["batch: peak PSS per concurrent filing at c4 (MB)"]["met"] is True
    assert found["--quick wall time (s)"]["met"] is True
    extra = found["(extra) single provider: agent-trace / minimal time"]
    assert extra["value"] == 1.5 and extra["extra"] is True
    assert found["(extra) batch: agent's scaling c4/c1 vs the script's"]["met"] is None  # no script c4
    assert all(t["met"] is None for t in targets({}))
