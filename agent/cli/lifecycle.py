"""``beian-agent change BUNDLE`` (变更) and ``beian-agent cancel BUNDLE --reason TEXT`` (注销).

Both act on the approved filing of the bundle's 算法名称, run like ``submit`` (checkpoints, resume,
read-back, evidence) and write the final step only with ``--submit --confirm-truthful``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from agent.cli.options import ConfigOption, JsonOption, PortalUrlOption
from agent.cli.output import QuietOption, VerboseOption, live_progress, setup_output
from agent.cli.submit import _human, _loaded, _view_of
from agent.errors import SettingsError
from agent.exit_codes import ExitCode
from agent.run.plans import CancelPlan, ChangePlan, FilingPlan
from agent.run.runner import RunOptions, run_bundle
from agent.settings import load_settings

__all__ = ["cancel", "change", "register"]

BundleArg = Annotated[Path, typer.Argument(help="The bundle directory (holding filing.toml).")]
SubmitOption = Annotated[
    bool, typer.Option("--submit", help="Send it to the portal (needs --confirm-truthful); else stop before.")
]
TruthfulOption = Annotated[
    bool,
    typer.Option(
        "--confirm-truthful", help="The operator attests the content is true; required with --submit."
    ),
]
HeadedOption = Annotated[bool, typer.Option("--headed", help="Show the browser window.")]


def _run(
    plan: FilingPlan,
    bundle: Path,
    do_submit: bool,
    confirm_truthful: bool,
    portal_url: str | None,
    headed: bool,
    as_json: bool,
    config: Path | None,
    verbose: int,
    quiet: bool,
) -> None:
    if do_submit != confirm_truthful:
        missing = "--confirm-truthful" if do_submit else "--submit"
        typer.echo(f"Error: refusing to submit: {missing} is missing (both are needed)", err=True)
        raise typer.Exit(int(ExitCode.USAGE))
    try:
        settings = load_settings(config, portal={"base_url": portal_url} if portal_url else None)
    except SettingsError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(int(ExitCode.USAGE)) from None
    live = setup_output(settings, verbose=verbose, quiet=quiet, as_json=as_json)
    options = RunOptions(submit=do_submit, confirm_truthful=confirm_truthful, headed=headed or None)
    target = _loaded(bundle, settings)
    header, titles = _view_of(target, settings)
    with live_progress(live, header, titles):
        result = run_bundle(target, settings, options, plan=plan)
    typer.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2) if as_json else _human(result))
    raise typer.Exit(int(result.exit_code))


def change(
    bundle: BundleArg,
    do_submit: SubmitOption = False,
    confirm_truthful: TruthfulOption = False,
    portal_url: PortalUrlOption = None,
    headed: HeadedOption = False,
    as_json: JsonOption = False,
    config: ConfigOption = None,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
) -> None:
    """File a 变更 of the bundle's approved filing: list what changed, refill the wizard, stop at 确认提交.

    The changes are listed (as warnings) before anything is written; nothing changed, nothing is
    written. 提交 only with both --submit and --confirm-truthful; the filing number is kept.
    """
    _run(
        ChangePlan(), bundle, do_submit, confirm_truthful, portal_url, headed, as_json, config, verbose, quiet
    )


def cancel(
    bundle: BundleArg,
    reason: Annotated[
        str, typer.Option("--reason", help="注销原因, as the portal will show it (≤ 200 characters).")
    ],
    do_submit: SubmitOption = False,
    confirm_truthful: TruthfulOption = False,
    portal_url: PortalUrlOption = None,
    headed: HeadedOption = False,
    as_json: JsonOption = False,
    config: ConfigOption = None,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
) -> None:
    """File a 注销 of the bundle's approved filing: fill the dialog, and confirm only with both flags."""
    if not reason.strip() or len(reason.strip()) > 200:
        typer.echo("Error: --reason: 注销原因 must be 1 to 200 characters", err=True)
        raise typer.Exit(int(ExitCode.USAGE))
    plan = CancelPlan(reason.strip())
    _run(plan, bundle, do_submit, confirm_truthful, portal_url, headed, as_json, config, verbose, quiet)


def register(app: typer.Typer) -> None:
    app.command("change")(change)
    app.command("cancel")(cancel)
