"""``beian-agent submit BUNDLE``: file one bundle, by default up to the confirmation page (确认提交)."""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer

from agent.bundle import Bundle, BundleInvalid, load_bundle
from agent.cli.options import ConfigOption, JsonOption, PortalUrlOption
from agent.errors import SettingsError
from agent.exit_codes import ExitCode
from agent.logging import configure_logging
from agent.result import RunResult, Until
from agent.run.runner import RunOptions, run_bundle
from agent.settings import Settings, load_settings

__all__ = ["register", "submit"]


def _fail(message: str, code: ExitCode) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(int(code))


def _human(result: RunResult) -> str:
    lines = [
        f"{result.bundle}: {result.status.value} (reached {result.step_reached}) in {result.duration_s:.1f}s",
    ]
    if result.algorithm:
        lines.append(f"  algorithm: {result.algorithm}  account: {result.account}")
    lines += [
        f"  error: {e.path + ' ' if e.path else ''}{e.label or ''} {e.message}".rstrip()
        for e in result.errors
    ]
    lines += [f"  warning: {w.path or ''} {w.label or ''} {w.message}".rstrip() for w in result.warnings]
    if result.evidence_dir:
        lines.append(f"  evidence: {result.evidence_dir}")
    return "\n".join(lines)


def submit(
    bundle: Annotated[Path, typer.Argument(help="The bundle directory (holding filing.toml).")],
    until: Annotated[
        Until, typer.Option("--until", help="draft: save every step; confirm: stop at 确认提交.")
    ] = Until.CONFIRM,
    do_submit: Annotated[
        bool,
        typer.Option(
            "--submit", help="Tick 我承诺上述填报信息真实有效 and click 提交 (needs --confirm-truthful)."
        ),
    ] = False,
    confirm_truthful: Annotated[
        bool,
        typer.Option(
            "--confirm-truthful",
            help="The operator attests that the content is true and valid; required with --submit.",
        ),
    ] = False,
    portal_url: PortalUrlOption = None,
    headed: Annotated[bool, typer.Option("--headed", help="Show the browser window.")] = False,
    as_json: JsonOption = False,
    mock: Annotated[
        bool,
        typer.Option(
            "--mock", help="Rehearse against the embedded mock portal; nothing reaches the real one."
        ),
    ] = False,
    config: ConfigOption = None,
) -> None:
    """File one bundle: log in, fill and check every step, save to 草稿箱, stop at 确认提交.

    Submitting is a legal statement of the filing entity: it happens only with both --submit and
    --confirm-truthful. Exit codes: 0 ready/submitted/already submitted, 1 failed or invalid, 2 usage,
    3 login required, 4 portal unreachable, 6 needs a person.
    """
    if do_submit != confirm_truthful:
        missing = "--confirm-truthful" if do_submit else "--submit"
        raise _fail(f"refusing to submit: {missing} is missing (both are needed to submit)", ExitCode.USAGE)
    if do_submit and until is not Until.CONFIRM:
        raise _fail("--submit goes through the confirmation page: drop --until draft", ExitCode.USAGE)
    if do_submit and mock:
        raise _fail("--mock is a rehearsal up to the confirmation page: drop --submit", ExitCode.USAGE)
    try:
        settings = load_settings(config, portal={"base_url": portal_url} if portal_url else None)
    except SettingsError as exc:
        raise _fail(str(exc), ExitCode.USAGE) from None
    configure_logging(settings.logging.level, settings.logging.json_output)
    options = RunOptions(
        until=until, submit=do_submit, confirm_truthful=confirm_truthful, headed=headed or None
    )
    with ExitStack() as stack:
        target = _loaded(bundle, settings)
        if mock:
            from agent.run.rehearsal import mock_rehearsal

            valid = [target] if isinstance(target, Bundle) else []
            settings = stack.enter_context(mock_rehearsal(valid, settings))
        result = run_bundle(target, settings, options)
    typer.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2) if as_json else _human(result))
    raise typer.Exit(int(result.exit_code))


def _loaded(directory: Path, settings: Settings) -> Bundle | Path:
    """The bundle, read once for the whole command; its directory when invalid (the run reports why)."""
    try:
        return load_bundle(directory, settings.profile())
    except BundleInvalid:
        return directory


def register(app: typer.Typer) -> None:
    app.command(name="submit")(submit)
