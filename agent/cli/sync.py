"""``beian-agent sync [--account NAME]``: read each account's filings from the portal into the ledger.

Never writes to the portal. Exit 0, or 1 when a filing is 已退回 (so a scheduled run alerts someone).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer
from playwright.sync_api import Error as PlaywrightError

from agent.cli.options import ConfigOption, JsonOption, PortalUrlOption, StateDirOption
from agent.errors import BeianError, from_browser
from agent.exit_codes import ExitCode
from agent.redact import redact
from agent.run.arrival import pick_account
from agent.run.browser import launched
from agent.run.sync import SyncReport, apply_rows, read_account
from agent.settings import load_settings
from agent.state.backend import open_ledger

__all__ = ["register", "sync"]


def human(report: SyncReport) -> str:
    lines = []
    for f in report.filings:
        number = f.filing_number or "-"
        new = " (new)" if f.changed else ""
        lines.append(f"{f.account}  {f.name}  {f.status}  {number}{new}")
        if f.opinion:
            lines.append(f"    审核意见: {f.opinion}")
    lines += [f"warning: {w}" for w in report.warnings]
    returned = len(report.returned)
    lines.append(
        f"{len(report.filings)} filing(s) read; {returned} returned" if report.filings else "no filings"
    )
    return "\n".join(lines)


def sync(
    account: Annotated[
        str | None, typer.Option("--account", help="Only this configured account (default: every one).")
    ] = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
    portal_url: PortalUrlOption = None,
    state_dir: StateDirOption = None,
) -> None:
    """Read every filing's status, number and opinion from the portal into the ledger (never writes)."""
    try:
        portal = {"base_url": portal_url} if portal_url else None
        settings = load_settings(config, portal=portal, paths__state_dir=state_dir)
        accounts = [pick_account(settings, account)] if account else sorted(settings.accounts)
        ledger = open_ledger(settings)
        run_id = ledger.begin_run("sync")
        report = SyncReport()
        with launched(settings) as browser:
            for name in accounts:
                rows = read_account(browser, settings, name)
                apply_rows(name, rows, ledger, run_id, settings.profile(), report)
        ledger.finish_run(run_id, {"read": len(report.filings), "returned": len(report.returned)})
    except (BeianError, PlaywrightError) as exc:
        error = exc if isinstance(exc, BeianError) else from_browser(exc)
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(int(error.exit_code)) from None
    if as_json:
        document = {"filings": [asdict(f) for f in report.filings], "warnings": report.warnings}
        typer.echo(json.dumps(redact(document), ensure_ascii=False, indent=2))
    else:
        typer.echo(human(report))
    raise typer.Exit(int(ExitCode.FAILED) if report.returned else int(ExitCode.OK))


def register(app: typer.Typer) -> None:
    app.command("sync")(sync)
