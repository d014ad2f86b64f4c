"""``beian-agent validate BUNDLE...``: report every problem of every bundle before any browser opens."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from agent.bundle import BundleError, BundleInvalid, load_bundle
from agent.cli.options import JsonOption
from agent.exit_codes import ExitCode
from agent.profile import PortalProfile, ProfileError, load_profile

__all__ = ["register", "report"]


def report(directory: Path, profile: PortalProfile) -> dict[str, Any]:
    """One bundle's entry of the ``--json`` document."""
    entry: dict[str, Any] = {"bundle": str(directory), "valid": True, "errors": []}
    try:
        bundle = load_bundle(directory, profile)
    except BundleInvalid as exc:
        entry["valid"] = False
        entry["errors"] = [error.as_dict() for error in exc.errors]
        return entry
    entry.update(account=bundle.account, role=bundle.role, content_hash=bundle.content_hash())
    return entry


def _human(entry: dict[str, Any]) -> str:
    if entry["valid"]:
        return f"{entry['bundle']}: valid — {entry['role']}, account {entry['account']}"
    errors = [BundleError(**e) for e in entry["errors"]]
    count = f"{len(errors)} problem{'s' if len(errors) != 1 else ''}"
    return "\n".join([f"{entry['bundle']}: INVALID, {count}", *(f"  {error}" for error in errors)])


def validate(
    bundles: Annotated[list[Path], typer.Argument(help="Bundle directories, each holding a filing.toml.")],
    as_json: JsonOption = False,
    profile_path: Annotated[
        Path | None,
        typer.Option("--profile", help="A portal profile override (TOML) for the option vocabularies."),
    ] = None,
) -> None:
    """Check filing bundles: every problem, with its path, portal label and how to fix it.

    Exit 0 when all bundles are valid, 1 when any is invalid, 2 for a usage error.
    """
    try:
        profile = load_profile(profile_path)
    except ProfileError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(ExitCode.USAGE) from None
    entries = [report(directory, profile) for directory in bundles]
    valid = all(entry["valid"] for entry in entries)
    if as_json:
        typer.echo(json.dumps({"valid": valid, "bundles": entries}, ensure_ascii=False, indent=2))
    else:
        typer.echo("\n".join(_human(entry) for entry in entries))
    raise typer.Exit(ExitCode.OK if valid else ExitCode.FAILED)


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
