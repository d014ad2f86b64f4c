"""``beian-agent validate BUNDLE...``: report every problem of every bundle before any browser opens."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from agent.bundle import BundleError, check_bundle, discover_bundles
from agent.cli.options import ConfigOption, JsonOption
from agent.errors import ProfileError, SettingsError
from agent.exit_codes import ExitCode
from agent.profile import PortalProfile, load_profile
from agent.settings import load_settings

__all__ = ["register", "report"]


def report(directory: Path, profile: PortalProfile) -> dict[str, Any]:
    """One bundle's entry of the ``--json`` document; never raises."""
    result = check_bundle(directory, profile)
    entry: dict[str, Any] = {
        "bundle": str(directory),
        "valid": result.valid,
        "errors": [error.as_dict() for error in result.errors],
        "warnings": [warning.as_dict() for warning in result.warnings],
    }
    if result.bundle is not None:
        try:
            content_hash = result.bundle.content_hash()
        except OSError as exc:  # a file changed or vanished since it was checked
            problem = BundleError("", "", f"{directory} could not be hashed ({exc.strerror}) — run again")
            entry.update(valid=False, errors=[problem.as_dict()])
            return entry
        entry.update(account=result.bundle.account, role=result.bundle.role, content_hash=content_hash)
    return entry


def _human(entry: dict[str, Any]) -> str:
    warnings = [f"  warning: {BundleError(**w)}" for w in entry["warnings"]]
    if entry["valid"]:
        return "\n".join(
            [f"{entry['bundle']}: valid — {entry['role']}, account {entry['account']}", *warnings]
        )
    errors = [BundleError(**e) for e in entry["errors"]]
    count = f"{len(errors)} problem{'s' if len(errors) != 1 else ''}"
    return "\n".join([f"{entry['bundle']}: INVALID, {count}", *(f"  {error}" for error in errors)])


def _profile(config: Path | None, override: Path | None) -> PortalProfile:
    """The profile ``submit`` would use (config file, BEIAN_ environment); ``--profile`` wins."""
    if override is not None:
        return load_profile(override)
    return load_settings(config).profile()


def _entries(paths: list[Path], profile: PortalProfile) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for path in paths:
        try:
            found = discover_bundles([path], missing_ok=True)
        except SettingsError as exc:  # an unreadable manifest or folder: its own entry, the others go on
            message = f"{exc} — give a bundle directory, a folder of bundles or a manifest file"
            error = BundleError("", "", message)
            entries.append({"bundle": str(path), "valid": False, "errors": [error.as_dict()], "warnings": []})
            continue
        for directory in found:
            if str(directory) not in seen:
                seen.add(str(directory))
                entries.append(report(directory, profile))
    return entries


def validate(
    bundles: Annotated[
        list[Path],
        typer.Argument(help="Bundle directories, folders of bundles, or manifest files (as for batch)."),
    ],
    as_json: JsonOption = False,
    profile_path: Annotated[
        Path | None,
        typer.Option("--profile", help="A portal profile override (TOML); wins over the config's."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Check filing bundles: every problem, with its path, portal label and how to fix it.

    Warnings (what the portal's reviewers would query) are listed but do not fail a bundle.
    Exit 0 when all bundles are valid, 1 when any is invalid, 2 for a usage error.
    """
    try:
        profile = _profile(config, profile_path)
    except (ProfileError, SettingsError) as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(ExitCode.USAGE) from None
    entries = _entries(bundles, profile)
    valid = all(entry["valid"] for entry in entries)
    if as_json:
        typer.echo(json.dumps({"valid": valid, "bundles": entries}, ensure_ascii=False, indent=2))
    else:
        typer.echo("\n".join(_human(entry) for entry in entries))
    raise typer.Exit(ExitCode.OK if valid else ExitCode.FAILED)


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
