"""Arriving at the portal as an account: open it, and log in only when it asks and the account allows it.

``portal_session`` is the one way a command opens the portal as an account: submit and batch (through the
runner), ``probe``, ``login`` and ``sync``. It gives a fresh browser context carrying the account's saved
session (see ``agent.state.backend``) and a page; ``PortalSession.arrive`` then waits for the first page,
which shows either the login form or the logged-in application (``Shell.logged_in``, the one definition).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import structlog
from playwright.sync_api import Browser, BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError

from agent.errors import LoginFailed, LoginRequired, PortalUnreachable, SettingsError
from agent.settings import Settings
from agent.state.backend import load_session, save_session
from flows.pages.base import PageContext
from flows.pages.login import LoginPage
from flows.pages.shell import Shell

__all__ = [
    "PortalSession",
    "arrive",
    "open_context",
    "open_portal",
    "page_context",
    "pick_account",
    "portal_session",
]

_log = structlog.get_logger(__name__)


def pick_account(settings: Settings, name: str | None) -> str:
    """``name`` if given (and configured), else the only configured account; ``SettingsError`` otherwise."""
    if name is not None:
        settings.account(name)
        return name
    if len(settings.accounts) == 1:
        return next(iter(settings.accounts))
    known = ", ".join(sorted(settings.accounts)) or "none"
    raise SettingsError(f"name the account with --account (configured: {known})")


def open_context(
    browser: Browser, settings: Settings, account_name: str, *, use_session: bool = True
) -> BrowserContext:
    """A fresh browser context, carrying the account's saved session when there is one."""
    settings.account(account_name)
    state = load_session(settings, account_name) if use_session else None
    context = browser.new_context(
        storage_state=state, locale="zh-CN", viewport={"width": 1440, "height": 900}, accept_downloads=False
    )
    context.set_default_timeout(settings.timeouts.action_ms)
    context.set_default_navigation_timeout(settings.timeouts.navigation_ms)
    return context


def page_context(page: Page, settings: Settings) -> PageContext:
    # The flows' waits on the page (``expect``) get the same patience as their actions; a slow portal
    # needs more than Playwright's 5 s default. The option is process-wide, as the settings are.
    expect.set_options(timeout=settings.timeouts.action_ms)
    return PageContext(
        page=page,
        profile=settings.profile(),
        action_timeout_ms=settings.timeouts.action_ms,
        navigation_timeout_ms=settings.timeouts.navigation_ms,
        upload_timeout_ms=settings.timeouts.upload_ms,
    )


def open_portal(page: Page, settings: Settings) -> None:
    """Load the portal's base URL; ``PortalUnreachable`` when nothing answers."""
    try:
        page.goto(settings.portal.base_url, wait_until="domcontentloaded")
    except PlaywrightError as exc:
        raise PortalUnreachable(
            f"{settings.portal.base_url} did not answer: {str(exc).splitlines()[0]}"
        ) from None


def arrive(
    ctx: PageContext,
    settings: Settings,
    account_name: str,
    *,
    before_password: Callable[[], None] | None = None,
    timeout_ms: float | None = None,
) -> bool:
    """Wait for the login form or the logged-in application (``Shell.logged_in``).

    On the login form, log in with the configured password if the account allows it, save the session
    and return True; otherwise raise ``LoginRequired``. Returns False when the saved session was enough.
    ``before_password`` runs just before the password is typed (e.g. to pause a trace); ``timeout_ms``
    bounds the first wait (None: the navigation timeout).
    """
    login = LoginPage(ctx)
    first_wait = timeout_ms if timeout_ms is not None else ctx.navigation_timeout_ms
    landing = Shell(ctx).logged_in()
    expect(login.button("login_button").or_(landing).first).to_be_visible(timeout=first_wait)
    if not login.is_current():
        return False
    account = settings.account(account_name)
    how = f"run `beian-agent login --account {account_name}` and log in by hand"
    if not account.allow_auto_login or account.password is None:
        raise LoginRequired(f"the portal asks for a login and this run may not log in by itself; {how}")
    if before_password is not None:
        before_password()  # the password must never enter a trace
    try:
        login.log_in(account.username, account.password.get_secret_value())
    except LoginFailed as exc:
        # Trying again would only be refused again (and may lock the account): a person acts.
        raise LoginFailed(
            f"the portal refused the login ({exc}); correct the account's password in the config, or {how}"
        ) from None
    save_session(settings, account_name, ctx.page.context)
    _log.info("logged_in", account=account_name)
    return True


@dataclass(frozen=True)
class PortalSession:
    """One account's browser context on the portal and the page the command works on."""

    settings: Settings
    account: str
    context: BrowserContext
    page: Page
    ctx: PageContext

    def open(self) -> None:
        """Load the portal's base URL; ``PortalUnreachable`` when nothing answers."""
        open_portal(self.page, self.settings)

    def arrive(
        self, *, before_password: Callable[[], None] | None = None, timeout_ms: float | None = None
    ) -> bool:
        """``arrive`` as this session's account: True if it had to log in, False if the session was enough."""
        return arrive(
            self.ctx, self.settings, self.account, before_password=before_password, timeout_ms=timeout_ms
        )


@contextmanager
def portal_session(browser: Browser, settings: Settings, account_name: str) -> Iterator[PortalSession]:
    """A fresh context for ``account_name`` (its saved session restored) with one page; closed after."""
    context = open_context(browser, settings, account_name)
    try:
        page = context.new_page()
        yield PortalSession(settings, account_name, context, page, page_context(page, settings))
    finally:
        with contextlib.suppress(PlaywrightError):  # the browser may already be gone
            context.close()
