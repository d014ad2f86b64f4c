"""The batch end to end: the real runner and Chromium against the mock portal, the CLI in a child process."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from agent.bundle import load_bundle
from agent.state.ledger import Ledger
from agent.status import LedgerStatus
from fixtures.mock_portal import MockPortal

from .conftest import FIXTURES, make_bundle
from .e2e_helpers import CLI, child_env, filings_by_name, run_cli, write_config

pytestmark = pytest.mark.e2e

FAULT_LABEL = "演练故障字段"


def test_batch_mock_on_the_fixtures_from_a_clean_state_dir(tmp_path: Path) -> None:
    state = tmp_path / "state"
    result = run_cli(
        "batch",
        "--mock",
        str(FIXTURES),
        "--state-dir",
        str(state),
        "--report",
        str(tmp_path / "r"),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3/3 ok (ready 3); exit code 0" in result.stdout
    document = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert [b["outcome"] for b in document["bundles"]] == ["ready"] * 3
    assert document["browser_versions"] and document["config"]["portal"]["base_url"].startswith(
        "http://127.0.0.1:"
    )
    entries = Ledger(state / "ledger.sqlite3").entries()
    assert sorted(e.status for e in entries) == [LedgerStatus.READY] * 3


def _with_fault_field(bundle: Path) -> None:
    toml = bundle / "filing.toml"
    text = toml.read_text(encoding="utf-8")
    assert text.count('extra = { "策略描述" = ') == 1
    toml.write_text(
        text.replace('extra = { "策略描述" = ', f'extra = {{ "{FAULT_LABEL}" = "故障值", "策略描述" = ')
    )


def test_nine_bundles_three_accounts_one_invalid_one_failing(tmp_path: Path, portal: MockPortal) -> None:
    bundles = tmp_path / "bundles"
    made = [make_bundle(bundles, "demo-provider", f"批量提供者算法{n}") for n in range(3)]
    made += [make_bundle(bundles, "demo-supporter", f"批量支持者算法{n}") for n in range(3)]
    made += [make_bundle(bundles, "demo-newco", f"批量新主体算法{n}") for n in range(2)]
    failing = made[4]
    _with_fault_field(failing)
    shutil.copytree(FIXTURES / "invalid" / "bad-url", bundles / "zz-invalid")
    # A field only one bundle fills, which the page then silently cuts short: that bundle's read-back fails.
    portal.set_faults(extra_fields=[{"section": "算法策略", "label": FAULT_LABEL}], drop_fields=[FAULT_LABEL])
    config = write_config(tmp_path)
    result = run_cli(
        "batch", str(bundles), "--config", str(config), "--portal-url", portal.url,
        "--concurrency", "2", "--report", str(tmp_path / "r"), cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr

    document = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    outcomes = {Path(b["bundle"]).name: b["outcome"] for b in document["bundles"]}
    assert outcomes.pop("zz-invalid") == "invalid"
    assert outcomes.pop(failing.name) == "failed"
    assert set(outcomes.values()) == {"ready"} and len(outcomes) == 7
    assert document["summary"]["total"] == 9 and document["exit_code"] == 1
    page = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "Demo@2026" not in page and "trace.zip" in page

    filings = filings_by_name(portal.state())
    for bundle_dir in made:
        bundle = load_bundle(bundle_dir)
        name = bundle.filing.algorithm.name
        if bundle_dir == failing:
            assert len(filings.get(name, [])) <= 1
            continue
        ((account, filing),) = filings[name]  # exactly one filing per algorithm
        assert account == bundle.account
        basic = filing["sections"]["算法基础属性信息"]
        assert basic["版本号"] == bundle.filing.algorithm.version
        assert basic["应用领域"] == bundle.filing.algorithm.application_fields
        assert filing["sections"]["算法数据"]["算法简介"] == bundle.filing.algorithm.data.intro
        assert filing["status"] == "草稿"

    ledger = Ledger(tmp_path / "state" / "ledger.sqlite3")
    statuses = {Path(e.bundle_key).name: e.status for e in ledger.entries()}
    assert statuses.pop(failing.name) is LedgerStatus.FAILED
    assert set(statuses.values()) == {LedgerStatus.READY} and len(statuses) == 7


def test_a_killed_batch_is_finished_by_the_next_run_without_duplicates(
    tmp_path: Path, portal: MockPortal
) -> None:
    bundles = tmp_path / "bundles"
    made = [make_bundle(bundles, "demo-provider", f"中断提供者算法{n}") for n in range(3)]
    made += [make_bundle(bundles, "demo-supporter", f"中断支持者算法{n}") for n in range(3)]
    config = write_config(tmp_path)
    args = [
        CLI,
        "batch",
        str(bundles),
        "--config",
        str(config),
        "--portal-url",
        portal.url,
        "--concurrency",
        "2",
    ]
    ledger_file = tmp_path / "state" / "ledger.sqlite3"
    # Its own session, so the kill reaches the browsers too, as a crashed host's would.
    child = subprocess.Popen(
        args, cwd=tmp_path, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        while True:
            # The pause between looks is a wait on the child: it returns at once if the child ends.
            with pytest.raises(subprocess.TimeoutExpired):
                child.wait(timeout=0.3)
            if ledger_file.exists():
                entries = Ledger(ledger_file).entries()
                if sum(e.status is LedgerStatus.READY for e in entries) >= 2:
                    break
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    before = {Path(e.bundle_key).name: e.status for e in Ledger(ledger_file).entries()}
    assert (
        LedgerStatus.READY in before.values()
        and len([s for s in before.values() if s is LedgerStatus.READY]) < 6
    )

    result = run_cli(
        "batch", str(bundles), "--config", str(config), "--portal-url", portal.url, "--concurrency", "2",
        "--json", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "stale_run_lock_taken_over" in result.stderr
    document = json.loads(result.stdout)
    outcomes = {Path(b["bundle"]).name: b["outcome"] for b in document["bundles"]}
    for name, status in before.items():
        if status is LedgerStatus.READY:
            assert outcomes[name] == "skipped"
    assert set(outcomes.values()) <= {"skipped", "ready"}

    filings = filings_by_name(portal.state())
    for bundle_dir in made:
        bundle = load_bundle(bundle_dir)
        ((account, _),) = filings[bundle.filing.algorithm.name]  # one filing each: nothing created twice
        assert account == bundle.account
    assert {e.status for e in Ledger(ledger_file).entries()} == {LedgerStatus.READY}
