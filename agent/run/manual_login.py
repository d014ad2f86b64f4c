"""A person logs in by hand (captcha, SMS code) in a visible browser; the session is kept for later runs.

The browser opens at the portal; once the page has left the login screen, the context's storage state
is written 0600 to the account's ``session_file`` (``agent.state.session_store``). Runs, ``batch`` and
``probe`` then start with that session and need no password.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import structlog
from playwright.sync_api import Browser, Page, expect

from agent.errors import LoginRequired, SettingsError
from agent.run.arrival import portal_session
from agent.run.browser import launched
from agent.settings import Settings
from agent.state.backend import database_url, save_session
from flows.pages.shell import Shell
from flows.widgets import by_role

__all__ = ["PageHook", "manual_login", "unattended_reason"]

_log = structlog.get_logger(__name__)

# Called with the opened page before the wait; tests log in through it, as a person would by hand.
PageHook = Callable[[Page], None]


def unattended_reason(env: Mapping[str, str], *, stdin_tty: bool, platform: str) -> str | None:
    """Why nobody can be at the browser now (no terminal, a CI job, no display), or None."""
    if env.get("CI"):
        return "the CI environment variable is set"
    if not stdin_tty:
        return "standard input is not a terminal"
    if platform.startswith("linux") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        return "there is no display (DISPLAY is not set)"
    return None


def manual_login(
    settings: Settings,
    account_name: str,
    *,
    timeout_s: float,
    headless: bool = False,
    on_page: PageHook | None = None,
    browser: Browser | None = None,
) -> str:
    """Open the portal, wait up to ``timeout_s`` for the page to leave the login screen, save the session.

    Returns where the session went: the session file, or the queue database (encrypted).
    ``LoginRequired`` when nobody logged in in time, ``PortalUnreachable``
    when the portal does not answer. A still valid saved session is reused and saved again.
    """
    account = settings.account(account_name)
    if account.session_file is None and database_url(settings) is None:
        raise SettingsError(f"account {account_name!r} has no session_file")
    with launched(settings, headed=not headless, given=browser) as live:
        _log.info("login_browser", account=account_name, browser_version=live.version, headless=headless)
        with portal_session(live, settings, account_name) as session:
            page = session.page
            session.open()
            if on_page is not None:
                on_page(page)
            # Logged in: the application's header is shown and the login button is gone.
            app = Shell(session.ctx).logged_in().first
            login_button = by_role(page, "button", settings.profile().text("login_button"))
            try:
                expect(app).to_be_visible(timeout=timeout_s * 1000)
                expect(login_button.filter(visible=True)).to_have_count(0, timeout=timeout_s * 1000)
            except AssertionError:
                raise LoginRequired(
                    f"nobody logged in as {account_name!r} within {timeout_s:g}s; nothing was saved"
                ) from None
            saved = save_session(settings, account_name, session.context)
    _log.info("login_saved", account=account_name, saved_to=saved)
    return saved
