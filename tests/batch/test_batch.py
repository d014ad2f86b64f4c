from __future__ import annotations

import itertools
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

from agent.batch.entry import BatchOptions, BatchReport, batch_exit_code, run_batch
from agent.batch.lock import RunLock
from agent.batch.plan import BatchItem
from agent.errors import LockHeld, SettingsError
from agent.exit_codes import ExitCode
from agent.result import RunResult, Until
from agent.state.ledger import Ledger, bundle_key_for
from agent.status import BatchOutcome

from .conftest import FIXTURES, FakeRunner, make_bundle, make_settings, no_browser


def eight_bundles(root: Path) -> list[Path]:
    """8 valid bundles over 3 accounts (4 + 2 + 2)."""
    made = [make_bundle(root, "demo-provider", f"提供者算法{n}") for n in range(4)]
    made += [make_bundle(root, "demo-supporter", f"支持者算法{n}") for n in range(2)]
    made += [make_bundle(root, "demo-newco", f"新主体算法{n}") for n in range(2)]
    return made


def run(root: Path, tmp_path: Path, runner: FakeRunner, **options: object) -> BatchReport:
    settings = make_settings(tmp_path)
    return run_batch([root], settings, BatchOptions(**options), runner=runner, browsers=no_browser)  # type: ignore[arg-type]


def test_accounts_run_in_parallel_but_each_account_serially(tmp_path: Path) -> None:
    root = tmp_path / "bundles"
    eight_bundles(root)
    runner = FakeRunner(rendezvous=2)
    report = run(root, tmp_path, runner, concurrency=2)
    assert report.exit_code is ExitCode.OK
    assert [i.outcome for i in report.items] == [BatchOutcome.READY] * 8
    assert runner.violations == []
    for account in ("demo-provider", "demo-supporter", "demo-newco"):
        spans = sorted((s, e) for a, _, s, e in runner.intervals if a == account)
        assert all(prev_end <= start for (_, prev_end), (start, _) in itertools.pairwise(spans))
    assert runner.max_active == 2  # reached, never exceeded


def test_concurrency_one_runs_one_bundle_at_a_time(tmp_path: Path) -> None:
    root = tmp_path / "bundles"
    eight_bundles(root)
    runner = FakeRunner()
    assert run(root, tmp_path, runner, concurrency=1).exit_code is ExitCode.OK
    assert runner.max_active == 1 and len(runner.calls) == 8


def test_one_failure_or_crash_never_stops_the_others(tmp_path: Path) -> None:
    root = tmp_path / "bundles"
    eight_bundles(root)
    runner = FakeRunner(behaviours={"提供者算法1": "fail", "支持者算法0": "crash"})
    report = run(root, tmp_path, runner, concurrency=2)
    outcomes = {i.algorithm: i.outcome for i in report.items}
    assert outcomes.pop("提供者算法1") is BatchOutcome.FAILED
    assert outcomes.pop("支持者算法0") is BatchOutcome.FAILED
    assert set(outcomes.values()) == {BatchOutcome.READY}
    assert report.exit_code is ExitCode.FAILED
    crashed = next(i for i in report.items if i.algorithm == "支持者算法0")
    assert "internal error: RuntimeError: boom" in crashed.errors[0]["message"]


def test_invalid_bundles_are_reported_and_never_run(tmp_path: Path) -> None:
    root = tmp_path / "bundles"
    make_bundle(root, "demo-provider", "好算法")
    shutil.copytree(FIXTURES / "invalid" / "bad-id-numbers", root / "bad-id-numbers")
    runner = FakeRunner()
    report = run(root, tmp_path, runner)
    assert runner.calls == ["好算法"]
    bad = next(i for i in report.items if i.outcome is BatchOutcome.INVALID)
    assert bad.bundle == bundle_key_for(root / "bad-id-numbers") and len(bad.errors) == 2
    assert report.exit_code is ExitCode.FAILED


def test_same_algorithm_twice_and_unknown_account_are_invalid(tmp_path: Path) -> None:
    root = tmp_path / "bundles"
    make_bundle(root, "demo-provider", "同名算法", directory="a")
    make_bundle(root, "demo-provider", "同名算法", directory="b")
    other = make_bundle(root, "demo-newco", "别的账号", directory="c")
    toml = other / "filing.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('"demo-newco"', '"nobody-here"'), encoding="utf-8"
    )
    runner = FakeRunner()
    report = run(root, tmp_path, runner)
    assert runner.calls == ["同名算法"]
    notes = {
        Path(i.bundle).name: i.errors[0]["message"] for i in report.items if i.outcome is BatchOutcome.INVALID
    }
    assert "same account and algorithm name" in notes["b"]
    assert "'nobody-here' is not configured" in notes["c"]


@pytest.mark.parametrize(
    ("behaviour", "code"),
    [
        ("login", ExitCode.LOGIN_REQUIRED),
        ("unreachable", ExitCode.PORTAL_UNREACHABLE),
        ("needs_person", ExitCode.NEEDS_PERSON),
        ("fail", ExitCode.FAILED),
    ],
)
def test_exit_code_names_the_most_pressing_problem(tmp_path: Path, behaviour: str, code: ExitCode) -> None:
    root = tmp_path / "bundles"
    eight_bundles(root)
    runner = FakeRunner(behaviours={"提供者算法0": behaviour, "支持者算法0": "fail"})
    report = run(root, tmp_path, runner, concurrency=1)
    assert report.exit_code is code


def test_login_required_skips_the_rest_of_that_account_only(tmp_path: Path) -> None:
    root = tmp_path / "bundles"
    eight_bundles(root)
    runner = FakeRunner(behaviours={"提供者算法0": "login"})
    report = run(root, tmp_path, runner, concurrency=2)
    provider = [i for i in report.items if i.account == "demo-provider"]
    assert [i.outcome for i in provider] == [BatchOutcome.FAILED] + [BatchOutcome.NOT_RUN] * 3
    assert all("beian-agent login" in i.note for i in provider[1:])
    assert {i.outcome for i in report.items if i.account != "demo-provider"} == {BatchOutcome.READY}
    assert report.exit_code is ExitCode.LOGIN_REQUIRED


def test_unreachable_portal_starts_nothing_more(tmp_path: Path) -> None:
    root = tmp_path / "bundles"
    eight_bundles(root)
    runner = FakeRunner(behaviours={"提供者算法0": "unreachable"})
    report = run(root, tmp_path, runner, concurrency=1)
    assert runner.calls == ["提供者算法0"]
    assert {i.outcome for i in report.items[1:]} == {BatchOutcome.NOT_RUN}
    assert report.exit_code is ExitCode.PORTAL_UNREACHABLE


def test_exit_code_priority() -> None:
    def item(outcome: BatchOutcome, code: ExitCode) -> BatchItem:
        return BatchItem(bundle="b", outcome=outcome, exit_code=code)

    ok = item(BatchOutcome.SKIPPED, ExitCode.OK)
    failed = item(BatchOutcome.FAILED, ExitCode.FAILED)
    assert batch_exit_code([ok]) is ExitCode.OK
    assert batch_exit_code([ok, item(BatchOutcome.INVALID, ExitCode.FAILED)]) is ExitCode.FAILED
    assert (
        batch_exit_code([failed, item(BatchOutcome.NEEDS_PERSON, ExitCode.NEEDS_PERSON)])
        is ExitCode.NEEDS_PERSON
    )
    assert (
        batch_exit_code(
            [
                item(BatchOutcome.NOT_RUN, ExitCode.PORTAL_UNREACHABLE),
                item(BatchOutcome.FAILED, ExitCode.LOGIN_REQUIRED),
            ]
        )
        is ExitCode.LOGIN_REQUIRED
    )
    assert batch_exit_code([ok], interrupted=True) is ExitCode.INTERRUPTED


def test_rerun_skips_what_is_ready_and_runs_what_changed_or_failed(tmp_path: Path) -> None:
    root = tmp_path / "bundles"
    bundles = eight_bundles(root)
    first = FakeRunner(behaviours={"提供者算法2": "fail"})
    run(root, tmp_path, first, concurrency=2)
    changed = bundles[5] / "filing.toml"
    changed.write_text(changed.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    second = FakeRunner()
    report = run(root, tmp_path, second, concurrency=2)
    assert sorted(second.calls) == sorted(["提供者算法2", "支持者算法1"])
    skipped = [i for i in report.items if i.outcome is BatchOutcome.SKIPPED]
    assert len(skipped) == 6 and all("already ready with the same content" in i.note for i in skipped)
    assert report.exit_code is ExitCode.OK
    third = FakeRunner()
    run(root, tmp_path, third, recheck=True)
    assert len(third.calls) == 8


def test_until_draft_counts_saved_and_confirm_needs_ready(tmp_path: Path) -> None:
    root = tmp_path / "bundles"
    make_bundle(root, "demo-provider", "草稿算法")
    drafts = run(root, tmp_path, FakeRunner(), until=Until.DRAFT)
    assert [i.outcome for i in drafts.items] == [BatchOutcome.SAVED] and drafts.exit_code is ExitCode.OK
    again = FakeRunner()
    assert run(root, tmp_path, again, until=Until.DRAFT).items[0].outcome is BatchOutcome.SKIPPED
    assert again.calls == []
    confirm = FakeRunner()
    assert run(root, tmp_path, confirm).items[0].outcome is BatchOutcome.READY
    assert confirm.calls == ["草稿算法"]


def test_submitted_is_never_rerun_and_submitting_needs_a_person(tmp_path: Path) -> None:
    root = tmp_path / "bundles"
    done = make_bundle(root, "demo-provider", "已提交算法")
    unsure = make_bundle(root, "demo-supporter", "提交中算法")
    settings = make_settings(tmp_path)
    ledger = Ledger(settings.ledger_path)
    ledger.record_checkpoint(bundle_key_for(done), "r0", "submitted", "submitted")
    ledger.record_checkpoint(bundle_key_for(unsure), "r0", "confirm", "ready")
    ledger.mark_submitting(bundle_key_for(unsure), "r0")
    runner = FakeRunner()
    report = run_batch([root], settings, BatchOptions(), runner=runner, browsers=no_browser)
    assert runner.calls == []
    outcomes = {i.algorithm: i.outcome for i in report.items}
    assert outcomes == {"已提交算法": BatchOutcome.SKIPPED, "提交中算法": BatchOutcome.NEEDS_PERSON}
    assert report.exit_code is ExitCode.NEEDS_PERSON


def test_a_held_lock_refuses_the_batch(tmp_path: Path) -> None:
    root = tmp_path / "bundles"
    make_bundle(root, "demo-provider", "锁算法")
    settings = make_settings(tmp_path)
    runner = FakeRunner()
    with RunLock(settings.lock_path, command="batch nightly"), pytest.raises(LockHeld, match="batch nightly"):
        run_batch([root], settings, BatchOptions(), runner=runner, browsers=no_browser)
    assert runner.calls == []


def test_stop_event_lets_the_run_in_flight_finish_and_starts_no_more(tmp_path: Path) -> None:
    root = tmp_path / "bundles"
    eight_bundles(root)
    stop = threading.Event()

    class StopAfterFirst(FakeRunner):
        def __call__(self, *args: Any, **kwargs: Any) -> RunResult:
            result = super().__call__(*args, **kwargs)
            stop.set()
            return result

    runner = StopAfterFirst()
    settings = make_settings(tmp_path)
    report = run_batch(
        [root], settings, BatchOptions(concurrency=1), runner=runner, browsers=no_browser, stop=stop
    )
    assert len(runner.calls) == 1
    assert [i.outcome for i in report.items].count(BatchOutcome.NOT_RUN) == 7
    assert report.exit_code is ExitCode.INTERRUPTED


def test_ledger_records_the_batch_run(tmp_path: Path) -> None:
    root = tmp_path / "bundles"
    eight_bundles(root)
    report = run(root, tmp_path, FakeRunner(behaviours={"新主体算法1": "fail"}))
    ledger = Ledger(make_settings(tmp_path).ledger_path)
    (record,) = ledger.runs()
    assert record.run_id == report.run_id and record.finished is not None
    assert record.summary is not None and record.summary["ready"] == 7 and record.summary["failed"] == 1


def test_missing_path_and_empty_directory_are_usage_errors(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with pytest.raises(SettingsError, match="does not exist"):
        run_batch([tmp_path / "nope"], settings, BatchOptions(), runner=FakeRunner(), browsers=no_browser)
    (tmp_path / "empty").mkdir()
    with pytest.raises(SettingsError, match="no bundles found"):
        run_batch([tmp_path / "empty"], settings, BatchOptions(), runner=FakeRunner(), browsers=no_browser)
