"""``beian-agent evidence prune``: delete evidence older than the retention period, keeping proof."""

from __future__ import annotations

from typing import Annotated

import typer

from agent.cli.options import ConfigOption, StateDirOption
from agent.errors import BeianError
from agent.settings import load_settings
from agent.state.ledger import Ledger
from agent.state.retention import plan_prune, prune

__all__ = ["evidence_app", "prune_command", "register"]

evidence_app = typer.Typer(
    name="evidence", help="Manage the evidence folders runs leave.", no_args_is_help=True
)


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    size = n / 1024
    for unit in ("KB", "MB"):
        if size < 1024:
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


@evidence_app.command("prune")
def prune_command(
    older_than: Annotated[
        int, typer.Option("--older-than", metavar="DAYS", help="Delete folders older than DAYS days.")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be deleted; delete nothing.")
    ] = False,
    include_submissions: Annotated[
        bool,
        typer.Option(
            "--include-submissions", help="Delete the evidence of submissions too (kept by default)."
        ),
    ] = False,
    config: ConfigOption = None,
    state_dir: StateDirOption = None,
) -> None:
    """List, then delete, evidence folders older than DAYS.

    Refuses DAYS below evidence.min_retention_days (default 183: 网络安全法 Art. 21, six months; exit 2).
    Folders the ledger records as the evidence of a submission are kept unless --include-submissions.
    """
    try:
        settings = load_settings(config, paths__state_dir=state_dir)
        dirs: set[str] = set()
        runs: set[str] = set()
        if settings.ledger_path.exists():
            ledger = Ledger(settings.ledger_path)
            dirs, runs = ledger.submission_evidence(), ledger.submission_runs()
        candidates = plan_prune(
            settings.paths.evidence_dir,
            older_than,
            min_days=settings.evidence.min_retention_days,
            submission_dirs=dirs,
            submission_runs=runs,
        )
    except BeianError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(int(exc.exit_code)) from None
    root = settings.paths.evidence_dir
    if not candidates:
        typer.echo(f"nothing in {root} is older than {older_than} days")
        return
    going = [c for c in candidates if include_submissions or not c.submission]
    for c in candidates:
        kept = c.submission and not include_submissions
        mark = "keep" if kept else ("would delete" if dry_run else "delete")
        why = " (evidence of a submission)" if c.submission else ""
        typer.echo(f"{mark}\t{c.created:%Y-%m-%d}\t{_size(c.size)}\t{c.path.name}{why}")
    total = _size(sum(c.size for c in going))
    if dry_run:
        typer.echo(f"dry run: {len(going)} folder(s), {total}, would be deleted; nothing was deleted")
        return
    deleted = prune(candidates, include_submissions=include_submissions)
    typer.echo(f"deleted {len(deleted)} folder(s), {total}; kept {len(candidates) - len(deleted)}")


def register(app: typer.Typer) -> None:
    app.add_typer(evidence_app, name="evidence")
