"""``beian-agent login``: log in by hand in a visible browser and keep the session for unattended runs."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from playwright.sync_api import Error as PlaywrightError

from agent.cli.options import ConfigOption, PortalUrlOption
from agent.errors import BeianError, SettingsError
from agent.exit_codes import ExitCode
from agent.logging import configure_logging
from agent.run.arrival import pick_account
from agent.run.manual_login import manual_login, unattended_reason
from agent.settings import load_settings

__all__ = ["login", "register"]


def _fail(message: str, code: ExitCode) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(int(code))


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
            raise _fail(
                f"login needs a person at the browser, and {reason}; run it in a desktop session",
                ExitCode.USAGE,
            )
    try:
        settings = load_settings(config, portal={"base_url": portal_url} if portal_url else None)
        name = pick_account(settings, account)
    except SettingsError as exc:
        raise _fail(str(exc), ExitCode.USAGE) from None
    configure_logging(settings.logging.level, settings.logging.json_output)
    if not headless_check:
        typer.echo(f"Log in as {name} in the browser window; waiting up to {timeout_s:g}s.", err=True)
    try:
        saved = manual_login(settings, name, timeout_s=timeout_s, headless=headless_check)
    except BeianError as exc:
        raise _fail(str(exc), exc.exit_code) from None
    except PlaywrightError as exc:
        raise _fail(str(exc).splitlines()[0] if str(exc) else "the browser failed", ExitCode.FAILED) from None
    typer.echo(f"session for {name} saved to {saved} (mode 0600); runs of this account now reuse it")


def register(app: typer.Typer) -> None:
    app.command("login")(login)
