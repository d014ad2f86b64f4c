"""``beian-agent status``: what the ledger knows, per bundle and per account, and the last runs."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import date
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from agent.cli.options import ConfigOption, JsonOption, StateDirOption
from agent.errors import BeianError
from agent.exit_codes import ExitCode
from agent.redact import redact
from agent.run.changes import bundle_change, pending_changes
from agent.settings import Settings, load_settings
from agent.state.backend import database_url, open_ledger
from agent.state.deadlines import load_calendar
from agent.state.ledger import RunLedger
from agent.status import PortalState, portal_text

__all__ = ["register", "status", "status_document"]

_LAST_RUNS = 5


def status_document(ledger: RunLedger, settings: Settings | None = None) -> dict[str, Any]:
    """The ledger as a document; with ``settings``, ``warnings`` name approved bundles changed since."""
    entries = ledger.entries()
    warnings: list[str] = []
    if settings is not None:
        profile = settings.profile()
        approved = portal_text(PortalState.APPROVED, profile)
        changes = pending_changes(entries, bundle_change(profile), approved, date.today(), load_calendar())
        warnings = [c.message() for c in changes]
    accounts: dict[str, dict[str, int]] = {}
    for entry in entries:
        counts = accounts.setdefault(entry.account or "(unknown)", {})
        counts[entry.status.value] = counts.get(entry.status.value, 0) + 1
    runs = ledger.runs()[-_LAST_RUNS:]
    document = {
        "bundles": [asdict(e) | {"status": e.status.value} for e in entries],
        "accounts": accounts,
        "runs": [asdict(r) for r in runs],
        "warnings": warnings,
    }
    redacted: dict[str, Any] = redact(document)
    return redacted


def _print_tables(document: dict[str, Any]) -> None:
    tty = sys.stdout.isatty()
    if not tty:
        columns = (
            "bundle_key",
            "account",
            "algorithm_name",
            "status",
            "checkpoint",
            "attempts",
            "updated_at",
            "portal_status",
            "filing_number",
            "opinion",
        )
        typer.echo("\t".join(columns) + "\tlast_error")
        for entry in document["bundles"]:
            cells = [str(entry[c] if entry[c] is not None else "") for c in columns]
            typer.echo("\t".join([*cells, (entry["last_error"] or "").replace("\n", " ")]))
        for warning in document["warnings"]:
            typer.echo(f"warning: {warning}")
        for account, counts in sorted(document["accounts"].items()):
            typer.echo(f"account {account}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        for run in document["runs"]:
            typer.echo(
                f"run {run['run_id']} {run['command']}: started {run['started']}, "
                f"finished {run['finished'] or '(not finished)'}, {run['summary'] or ''}"
            )
        return
    console = Console()
    table = Table(title="bundles")
    headings = ("bundle", "account", "algorithm", "status", "step", "attempts", "updated", "portal", "number")
    for name in (*headings, "last error / 审核意见"):
        table.add_column(name, overflow="fold")
    for e in document["bundles"]:
        shown = (e["account"], e["algorithm_name"], e["status"], e["checkpoint"], e["attempts"])
        portal = (e["portal_status"] or "", e["filing_number"] or "")
        note = e["opinion"] or e["last_error"] or ""
        table.add_row(e["bundle_key"], *(str(c or "") for c in shown), e["updated_at"], *portal, note)
    console.print(table)
    for warning in document["warnings"]:
        console.print(f"[bold yellow]warning:[/] {warning}", highlight=False)
    accounts = Table(title="accounts")
    accounts.add_column("account")
    accounts.add_column("bundles by status")
    for account, counts in sorted(document["accounts"].items()):
        accounts.add_row(account, ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    console.print(accounts)
    for run in document["runs"]:
        console.print(
            f"run {run['run_id']} {run['command']}: started {run['started']}, "
            f"finished {run['finished'] or '(not finished)'}, {run['summary'] or ''}",
            markup=False,
            highlight=False,
        )


def status(
    as_json: JsonOption = False,
    config: ConfigOption = None,
    state_dir: StateDirOption = None,
) -> None:
    """Show what the ledger knows: each bundle's status and step, counts per account, the last runs."""
    try:
        settings = load_settings(config, paths__state_dir=state_dir)
    except BeianError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(int(exc.exit_code)) from None
    if database_url(settings) is None and not settings.ledger_path.exists():
        # Reading must not create a ledger in a directory that a typo named.
        empty: dict[str, Any] = {"bundles": [], "accounts": {}, "runs": [], "warnings": []}
        if as_json:
            typer.echo(json.dumps(empty))
        else:
            typer.echo(f"no ledger in {settings.paths.state_dir}: nothing has run there yet")
        raise typer.Exit(int(ExitCode.OK))
    document = status_document(open_ledger(settings), settings)
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        _print_tables(document)


def register(app: typer.Typer) -> None:
    app.command("status")(status)
