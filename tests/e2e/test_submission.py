"""提交: only with both operator flags, exactly once, and never guessed after an unclear answer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.bundle import load_bundle
from agent.cli.app import app
from agent.exit_codes import ExitCode
from agent.settings import Settings
from agent.state.ledger import Ledger, bundle_key_for
from agent.status import LedgerStatus, RunStatus
from fixtures.mock_portal import MockPortal

from .conftest import Runner
from .helpers import When, filing_problems, ledger_entry, make_settings, the_one_filing

pytestmark = pytest.mark.e2e

SUBMIT = "POST /api/filing/submit"


def test_submit_without_the_truthfulness_flag_is_refused(
    portal: MockPortal, run: Runner, bundle_copy: Callable[[str], Path], settings: Settings
) -> None:
    directory = bundle_copy("supporter")
    bundle = load_bundle(directory)

    result = run(directory, submit=True, confirm_truthful=False)

    assert result.exit_code is ExitCode.NEEDS_PERSON
    assert any("--confirm-truthful" in e.message for e in result.errors), result.errors
    counters = portal.state()["counters"]
    assert counters["submits"] == 0 and SUBMIT not in counters["by_route"]
    filing = the_one_filing(portal, bundle)
    assert (filing["status"], filing["commitment"]) == ("草稿", False)
    entry = ledger_entry(settings, directory)
    assert entry is not None and entry.status not in (LedgerStatus.SUBMITTING, LedgerStatus.SUBMITTED)


def test_cli_refuses_submit_without_confirm_truthful_before_opening_the_portal(
    portal: MockPortal, bundle_copy: Callable[[str], Path]
) -> None:
    directory = bundle_copy("supporter")

    outcome = CliRunner().invoke(app, ["submit", str(directory), "--submit", "--portal-url", portal.url])

    assert outcome.exit_code == ExitCode.USAGE, outcome.output
    assert "--confirm-truthful" in outcome.output
    assert portal.state()["counters"]["requests"] == 0


def test_submit_once_then_already_submitted_even_without_the_ledger(
    portal: MockPortal,
    run: Runner,
    bundle_copy: Callable[[str], Path],
    settings: Settings,
    tmp_path: Path,
) -> None:
    directory = bundle_copy("supporter")
    bundle = load_bundle(directory)

    first = run(directory, submit=True, confirm_truthful=True)

    assert first.status is RunStatus.SUBMITTED, first.errors
    assert first.exit_code is ExitCode.OK
    filing = the_one_filing(portal, bundle)
    assert (filing["status"], filing["commitment"]) == ("待审核", True)
    assert filing_problems(bundle, filing) == []
    assert portal.state()["counters"]["submits"] == 1
    entry = ledger_entry(settings, directory)
    assert entry is not None and entry.status is LedgerStatus.SUBMITTED

    again = run(directory, submit=True, confirm_truthful=True)

    assert again.status is RunStatus.ALREADY_SUBMITTED and again.exit_code is ExitCode.OK
    assert portal.state()["counters"]["by_route"][SUBMIT] == 1

    # A fresh state directory: the ledger knows nothing, the portal's list shows 待审核.
    wiped = make_settings(portal.url, tmp_path / "elsewhere")
    third = run(directory, use=wiped, submit=True, confirm_truthful=True)

    assert third.status is RunStatus.ALREADY_SUBMITTED, third.errors
    assert third.exit_code is ExitCode.OK
    counters = portal.state()["counters"]
    assert (counters["submits"], counters["by_route"][SUBMIT]) == (1, 1)
    entry = ledger_entry(wiped, directory)
    assert entry is not None and entry.status is LedgerStatus.ALREADY_SUBMITTED
    the_one_filing(portal, bundle)


def test_a_failed_submit_is_reported_not_repeated(
    portal: MockPortal, run: Runner, bundle_copy: Callable[[str], Path], settings: Settings
) -> None:
    directory = bundle_copy("supporter")
    bundle = load_bundle(directory)
    ledger, key = Ledger(settings.ledger_path), bundle_key_for(directory)

    def at_confirmation() -> bool:
        entry = ledger.get(key)
        return entry is not None and entry.status is LedgerStatus.READY

    # Every write fails from the confirmation page on: 提交 is the only write left.
    with When(at_confirmation, lambda: portal.set_faults(fail_rate=1.0)) as failing:
        result = run(directory, submit=True, confirm_truthful=True)

    assert failing.fired.is_set()
    assert result.exit_code is ExitCode.NEEDS_PERSON, result.errors
    assert any("提交" in e.message for e in result.errors), result.errors
    counters = portal.state()["counters"]
    assert counters["by_route"][SUBMIT] == 1, "提交 was clicked more than once"
    assert counters["submits"] == 0
    assert the_one_filing(portal, bundle)["status"] == "草稿"
    entry = ledger_entry(settings, directory)
    assert entry is not None and entry.status is LedgerStatus.SUBMITTING  # sticky until the portal is read

    # The portal recovers: the next run reads its list first, finds the draft, and submits once.
    portal.set_faults(fail_rate=0.0)
    retry = run(directory, submit=True, confirm_truthful=True)

    assert retry.status is RunStatus.SUBMITTED, retry.errors
    counters = portal.state()["counters"]
    assert (counters["submits"], counters["by_route"][SUBMIT]) == (1, 2)
    assert the_one_filing(portal, bundle)["status"] == "待审核"
