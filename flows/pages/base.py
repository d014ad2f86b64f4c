"""What every page object shares: the page, the profile, buttons by name, and the portal's answers.

A person knows an action worked from what the portal says back; so do the flows. Each write is
clicked while waiting for the portal's JSON answer, whose ``errno`` tells success, a lost session, an
error worth retrying or a refusal (the profile's ``[errno]`` table says which).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Locator, Page, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from agent.errors import PortalRejected, SessionExpired, TransientPortalError
from agent.profile import PortalProfile
from flows.widgets import Form

__all__ = ["PageContext", "PortalPage", "PortalRejected"]

_REFUSAL_POLL_MS = 100


@dataclass
class PageContext:
    page: Page
    profile: PortalProfile
    action_timeout_ms: float = 10_000
    navigation_timeout_ms: float = 30_000
    upload_timeout_ms: float = 60_000

    def form(self) -> Form:
        return Form(self.page, self.profile, upload_timeout_ms=self.upload_timeout_ms)


class PortalPage:
    def __init__(self, ctx: PageContext) -> None:
        self.ctx = ctx
        self.page = ctx.page
        self.profile = ctx.profile

    def button(self, key: str, scope: Locator | None = None) -> Locator:
        where = scope if scope is not None else self.page
        return where.get_by_role("button", name=self.profile.text(key), exact=True)

    def _is_api_write(self, response: Response) -> bool:
        request = response.request
        return request.method == "POST" and self.profile.site["api_prefix"] in response.url

    def call_portal(self, action: Callable[[], None], what: str, *, refused: Locator | None = None) -> Any:
        """Run ``action`` (a click) and return the ``datas`` of the portal's answer to it.

        ``refused``: messages the page shows when it refuses the action itself, without asking the portal
        (its own check of required fields); seen before any answer, they raise ``PortalRejected``.
        """
        timeout = self.ctx.navigation_timeout_ms
        try:
            with self.page.expect_response(self._is_api_write, timeout=timeout) as info:
                action()
                if refused is not None:
                    self._answer_or_refusal(info.is_done, refused, what, timeout)
        except PlaywrightTimeout as exc:
            raise TransientPortalError(f"{what}: the portal did not answer in time") from exc
        return self._envelope(info.value, what)

    def _answer_or_refusal(
        self, answered: Callable[[], bool], refused: Locator, what: str, timeout_ms: float
    ) -> None:
        deadline = time.monotonic() + timeout_ms / 1000
        while not answered() and time.monotonic() < deadline:
            messages = [m.strip() for m in refused.all_inner_texts() if m.strip()]
            if messages:
                raise PortalRejected(f"{what}: {'; '.join(messages)}")
            # Waiting on the page (not sleeping) lets Playwright deliver the answer meanwhile.
            with contextlib.suppress(PlaywrightTimeout):
                refused.first.wait_for(state="visible", timeout=_REFUSAL_POLL_MS)

    def _envelope(self, response: Response, what: str) -> Any:
        if response.status >= 500:
            raise TransientPortalError(f"{what}: the portal answered HTTP {response.status}")
        try:
            body = response.json()
        except (json.JSONDecodeError, ValueError) as exc:
            raise TransientPortalError(f"{what}: the portal's answer was not JSON") from exc
        errno = body.get("errno") if isinstance(body, dict) else None
        message = str(body.get("errmsg") or "") if isinstance(body, dict) else ""
        if errno == 0:
            return body.get("datas")
        if errno is None:
            raise TransientPortalError(f"{what}: the portal's answer carried no errno")
        kind = self.profile.errno_kind(errno)
        if kind == "logged_out":
            raise SessionExpired(f"{what}: {message or 'the session has expired'}")
        if kind == "retry":
            raise TransientPortalError(f"{what}: errno {errno} {message}".strip())
        # What the profile does not call transient is the portal refusing the content: a person must
        # change something, and asking again would only be refused again.
        raise PortalRejected(f"{what}: {message or f'refused (errno {errno})'}", body.get("datas"))

    def at_login(self) -> bool:
        return self.button("login_button").is_visible()
