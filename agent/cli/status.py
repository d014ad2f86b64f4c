"""``beian-agent status``: what the ledger knows, per bundle and per account, and the last runs."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from agent.cli.options import ConfigOption, JsonOption, StateDirOption
from agent.errors import BeianError
from agent.exit_codes import ExitCode
from agent.redact import redact
from agent.settings import load_settings
from agent.state.ledger import Ledger

__all__ = ["register", "status", "status_document"]

_LAST_RUNS = 5


def status_document(ledger: Ledger) -> dict[str, Any]:
    entries = ledger.entries()
    accounts: dict[str, dict[str, int]] = {}
    for entry in entries:
        counts = accounts.setdefault(entry.account or "(unknown)", {})
        counts[entry.status.value] = counts.get(entry.status.value, 0) + 1
    runs = ledger.runs()[-_LAST_RUNS:]
    document = {
        "bundles": [asdict(e) | {"status": e.status.value} for e in entries],
        "accounts": accounts,
        "runs": [asdict(r) for r in runs],
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
        )
        typer.echo("\t".join(columns) + "\tlast_error")
        for entry in document["bundles"]:
            cells = [str(entry[c] if entry[c] is not None else "") for c in columns]
            typer.echo("\t".join([*cells, (entry["last_error"] or "").replace("\n", " ")]))
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
    for name in ("bundle", "account", "algorithm", "status", "step", "attempts", "updated", "last error"):
        table.add_column(name, overflow="fold")
    for e in document["bundles"]:
        shown = (e["account"], e["algorithm_name"], e["status"], e["checkpoint"], e["attempts"])
        table.add_row(e["bundle_key"], *(str(c or "") for c in shown), e["updated_at"], e["last_error"] or "")
    console.print(table)
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
    if not settings.ledger_path.exists():
        # Reading must not create a ledger in a directory that a typo named.
        empty: dict[str, Any] = {"bundles": [], "accounts": {}, "runs": []}
        if as_json:
            typer.echo(json.dumps(empty))
        else:
            typer.echo(f"no ledger in {settings.paths.state_dir}: nothing has run there yet")
        raise typer.Exit(int(ExitCode.OK))
    document = status_document(Ledger(settings.ledger_path))
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        _print_tables(document)


def register(app: typer.Typer) -> None:
    app.command("status")(status)
