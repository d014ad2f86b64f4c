"""``beian-agent login``: log in by hand in a visible browser and keep the session for unattended runs."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from agent import progress
from agent.cli.options import ConfigOption, PortalUrlOption
from agent.cli.output import QuietOption, VerboseOption, fail, failures_exit, live_progress, setup_output
from agent.errors import SettingsError
from agent.exit_codes import ExitCode
from agent.live import stage_titles
from agent.progress import Stage
from agent.run.arrival import pick_account
from agent.run.manual_login import manual_login, unattended_reason
from agent.settings import load_settings

__all__ = ["login", "register"]


def login(
    account: Annotated[
        str | None,
        typer.Option("--account", help="The configured account to log in as (default: the only one)."),
    ] = None,
    portal_url: PortalUrlOption = None,
    config: ConfigOption = None,
    timeout_s: Annotated[
        float, typer.Option("--timeout-s", min=1, help="How long to wait for the login, in seconds.")
    ] = 300,
    headless_check: Annotated[
        bool, typer.Option("--headless-check", hidden=True, help="Run headless, unattended (tests only).")
    ] = False,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
) -> None:
    """Open a visible browser at the portal, wait while you log in by hand, and save the session.

    The session file (the account's session_file, written 0600) holds live cookies: keep it private.
    Later runs of this account reuse it without a password. Needs a person at a display: refuses to
    run from CI, without a terminal or without a display. Exit codes: 0 saved, 2 usage or unattended,
    3 nobody logged in in time, 4 portal unreachable.
    """
    if not headless_check:
        reason = unattended_reason(os.environ, stdin_tty=sys.stdin.isatty(), platform=sys.platform)
        if reason is not None:
            raise fail(
                f"login needs a person at the browser, and {reason}; run it in a desktop session",
                ExitCode.USAGE,
            )
    try:
        settings = load_settings(config, portal={"base_url": portal_url} if portal_url else None)
        name = pick_account(settings, account)
    except SettingsError as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    live = setup_output(settings, verbose=verbose, quiet=quiet)
    waiting = f"log in as {name} in the browser window; waiting up to {timeout_s:g}s"
    if not headless_check and not live:
        typer.echo(f"{waiting[0].upper()}{waiting[1:]}.", err=True)
    header = f"login to {settings.portal.base_url} as {name}"
    with live_progress(live, header, stage_titles(settings.profile(), provider=True)):
        progress.stage_started(Stage.LOGIN)
        progress.action(waiting)
        with failures_exit():
            saved = manual_login(settings, name, timeout_s=timeout_s, headless=headless_check)
        progress.stage_done(Stage.LOGIN)
    typer.echo(f"session for {name} saved to {saved} (mode 0600); runs of this account now reuse it")


def register(app: typer.Typer) -> None:
    app.command("login")(login)
