"""``beian-agent queue ...``: bundles filed by workers on several machines from one PostgreSQL queue.

``enqueue`` validates and queues bundles, ``worker`` files them, ``status`` counts them per account,
``init-db`` creates the tables ahead of time (the other commands create what is missing themselves),
``new-session-key`` prints a key for ``BEIAN_SESSION_KEY``. See README "A queue across machines".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from agent.cli.options import ConfigOption
from agent.errors import BeianError
from agent.exit_codes import ExitCode
from agent.logging import configure_logging
from agent.result import Until
from agent.settings import Settings, load_settings
from agent.status import EnqueueOutcome

__all__ = ["register"]

DatabaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="PostgreSQL URL (default: [queue] database_url or BEIAN_QUEUE__DATABASE_URL).",
        show_default=False,
    ),
]

queue_app = typer.Typer(
    name="queue",
    help="File bundles from a queue in PostgreSQL, with workers on any number of machines.",
    no_args_is_help=True,
)


def _settings(config: Path | None, database_url: str | None) -> Settings:
    try:
        settings = load_settings(config, queue__database_url=database_url)
    except BeianError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(int(exc.exit_code)) from None
    configure_logging(settings.logging.level, settings.logging.json_output)
    return settings


def _fail(exc: BeianError) -> typer.Exit:
    typer.echo(f"Error: {exc}", err=True)
    return typer.Exit(int(exc.exit_code))


@queue_app.command("enqueue")
def enqueue_command(
    paths: Annotated[
        list[Path], typer.Argument(help="Bundle directories, directories of bundles, or manifest files.")
    ],
    until: Annotated[Until, typer.Option("--until", help="Stop at the draft or the confirmation page.")] = (
        Until.CONFIRM
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
) -> None:
    """Validate every bundle and queue one filing job per valid bundle that is not done yet.

    Invalid bundles are reported, not queued. Exit 0 when every bundle is queued, already queued or
    done; 1 when some are invalid; 6 when a person must check one first.
    """
    from agent.queue.app import enqueue

    settings = _settings(config, database_url)
    try:
        items = enqueue(settings, paths, until=until)
    except BeianError as exc:
        raise _fail(exc) from None
    if as_json:
        typer.echo(json.dumps([i.to_json() for i in items], ensure_ascii=False, indent=2))
    else:
        for item in items:
            what = f"{item.account} {item.algorithm}" if item.account else ""
            note = f" — {item.note}" if item.note else ""
            typer.echo(f"{item.outcome.value:<15} {what} {item.bundle}{note}".replace("  ", " "))
            for error in item.errors:
                typer.echo(f"    {error.get('label') or error.get('path')}: {error.get('message')}")
        counts: dict[str, int] = {}
        for item in items:
            counts[item.outcome.value] = counts.get(item.outcome.value, 0) + 1
        typer.echo(", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items())) or "no bundles")
    outcomes = {i.outcome for i in items}
    if EnqueueOutcome.INVALID in outcomes:
        raise typer.Exit(int(ExitCode.FAILED))
    if EnqueueOutcome.NEEDS_PERSON in outcomes:
        raise typer.Exit(int(ExitCode.NEEDS_PERSON))


@queue_app.command("worker")
def worker_command(
    concurrency: Annotated[
        int,
        typer.Option("--concurrency", min=1, help="Bundles this process files at once (one Chromium each)."),
    ] = 1,
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
) -> None:
    """Take filing jobs from the queue until stopped; SIGTERM lets the bundles in flight finish."""
    from agent.queue.worker import run_worker

    settings = _settings(config, database_url)
    try:
        run_worker(settings, concurrency)
    except BeianError as exc:
        raise _fail(exc) from None


@queue_app.command("status")
def status_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
) -> None:
    """Bundles per account by their latest job: waiting, running, done, failed."""
    from agent.queue.app import require_url
    from agent.queue.records import status_by_account
    from agent.queue.schema import ensure_schema
    from agent.status import JOB_COLUMNS

    settings = _settings(config, database_url)
    try:
        url = require_url(settings)
    except BeianError as exc:
        raise _fail(exc) from None
    ensure_schema(url)
    counts = status_by_account(url)
    if as_json:
        typer.echo(json.dumps(counts, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{'account':<24}" + "".join(f"{c:>9}" for c in JOB_COLUMNS))
    for account, per in counts.items():
        typer.echo(f"{account:<24}" + "".join(f"{per[c]:>9}" for c in JOB_COLUMNS))
    if not counts:
        typer.echo("nothing queued yet")


@queue_app.command("init-db")
def init_db_command(config: ConfigOption = None, database_url: DatabaseUrlOption = None) -> None:
    """Create the queue's and the ledger's tables now (the other commands create them when missing)."""
    from agent.queue.app import require_url
    from agent.queue.schema import ensure_schema

    settings = _settings(config, database_url)
    try:
        created = ensure_schema(require_url(settings))
    except BeianError as exc:
        raise _fail(exc) from None
    typer.echo("tables created" if created else "tables already there; nothing changed")


@queue_app.command("new-session-key")
def new_session_key_command() -> None:
    """Print a new key for BEIAN_SESSION_KEY (sessions in the queue database are encrypted with it)."""
    from agent.state.pg_sessions import new_key

    typer.echo(new_key())


def register(app: typer.Typer) -> None:
    app.add_typer(queue_app)
