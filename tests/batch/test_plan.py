from __future__ import annotations

from pathlib import Path

import pytest

from agent.batch.entry import BatchOptions, run_batch
from agent.batch.plan import discover_bundles, ledger_decision
from agent.errors import SettingsError
from agent.result import Until
from agent.state.ledger import LedgerEntry
from agent.status import BatchOutcome, LedgerStatus

from .conftest import FIXTURES, FakeRunner, make_bundle, make_settings, no_browser


def entry(status: LedgerStatus, content_hash: str = "h") -> LedgerEntry:
    return LedgerEntry(
        bundle_key="k", content_hash=content_hash, account="a", algorithm_name="n", draft_ref=None,
        checkpoint=None, status=status, attempts=1, last_error=None, updated_at="t", run_id="r1",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("status", "until", "same", "expected"),
    [
        (LedgerStatus.SUBMITTED, Until.CONFIRM, False, BatchOutcome.SKIPPED),
        (LedgerStatus.ALREADY_SUBMITTED, Until.DRAFT, False, BatchOutcome.SKIPPED),
        (LedgerStatus.SUBMITTING, Until.CONFIRM, True, BatchOutcome.NEEDS_PERSON),
        (LedgerStatus.READY, Until.CONFIRM, True, BatchOutcome.SKIPPED),
        (LedgerStatus.READY, Until.CONFIRM, False, None),
        (LedgerStatus.READY, Until.DRAFT, True, BatchOutcome.SKIPPED),
        (LedgerStatus.SAVED, Until.DRAFT, True, BatchOutcome.SKIPPED),
        (LedgerStatus.SAVED, Until.CONFIRM, True, None),
        (LedgerStatus.RUNNING, Until.CONFIRM, True, None),
        (LedgerStatus.FAILED, Until.CONFIRM, True, None),
        (LedgerStatus.NEEDS_PERSON, Until.CONFIRM, True, None),
    ],
)
def test_ledger_decision(
    status: LedgerStatus, until: Until, same: bool, expected: BatchOutcome | None
) -> None:
    decision = ledger_decision(entry(status), "h" if same else "other", until)
    assert (decision[0] if decision else None) == expected


def test_recheck_runs_ready_but_never_submitted() -> None:
    assert ledger_decision(entry(LedgerStatus.READY), "h", Until.CONFIRM, recheck=True) is None
    decision = ledger_decision(entry(LedgerStatus.SUBMITTED), "h", Until.CONFIRM, recheck=True)
    assert decision is not None and decision[0] is BatchOutcome.SKIPPED
    assert ledger_decision(None, "h", Until.CONFIRM) is None


def test_directory_of_bundles_takes_only_subdirectories_with_filing_toml() -> None:
    found = discover_bundles([FIXTURES])
    assert [p.name for p in found] == ["newco-provider", "provider-basic", "supporter-basic"]


def test_a_bundle_directory_is_itself_a_bundle() -> None:
    assert discover_bundles([FIXTURES / "provider-basic"]) == [FIXTURES / "provider-basic"]


def test_manifest_lines_comments_relative_paths_and_duplicates(tmp_path: Path) -> None:
    a = make_bundle(tmp_path / "b", "demo-provider", "甲")
    make_bundle(tmp_path / "b", "demo-newco", "乙")
    lists = tmp_path / "lists"
    lists.mkdir()
    manifest = lists / "nightly.txt"
    manifest.write_text(
        "# nightly filings\n\n../b/甲   # the first one\n../b\n"
        + str(FIXTURES / "invalid" / "bad-url")
        + "\n",
        encoding="utf-8",
    )
    found = discover_bundles([manifest, a])
    assert [p.resolve().name for p in found] == ["甲", "乙", "bad-url"]


def test_a_manifest_entry_that_is_missing_is_an_invalid_bundle_not_a_stop(tmp_path: Path) -> None:
    make_bundle(tmp_path, "demo-provider", "在")
    manifest = tmp_path / "m.txt"
    manifest.write_text("missing-bundle\n在\n", encoding="utf-8")
    settings = make_settings(tmp_path)
    runner = FakeRunner()
    report = run_batch([manifest], settings, BatchOptions(), runner=runner, browsers=no_browser)
    assert runner.calls == ["在"]
    missing = report.items[0]
    assert missing.outcome is BatchOutcome.INVALID and "is not a directory" in missing.errors[0]["message"]
    assert report.exit_code == 1


def test_a_missing_command_line_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="does not exist"):
        discover_bundles([tmp_path / "typo"])
