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
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page, Request, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from agent.errors import PageRefused, PortalRejected, SessionExpired, TransientPortalError
from agent.profile import PortalProfile
from flows.widgets import Form, by_role

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
        return by_role(where, "button", self.profile.text(key))

    def _answers(self, route_key: str) -> Callable[[Response], bool]:
        """The answer to the request a click on ``route_key``'s action sends, by its route alone.

        Other writes answered meanwhile (an upload, another tab's save) are not this click's answer.
        """
        route = self.profile.site[f"route_{route_key}"]

        def match(response: Response) -> bool:
            request = response.request
            return request.method == "POST" and urlsplit(response.url).path.endswith(route)

        return match

    def refusal_css(self) -> str:
        """What the page shows when it refuses a click itself: field errors and error messages."""
        return f"{self.profile.selector('form_item_error')}, {self.profile.selector('message_error')}"

    def refusals(self) -> Locator:
        return self.page.locator(self.refusal_css()).filter(visible=True)

    def call_portal(
        self, action: Callable[[], None], what: str, route_key: str, *, confirm: bool = False
    ) -> Any:
        """Run ``action`` (a click) and return the ``datas`` of the portal's answer to it.

        The answer is the one to the request on the route the profile names for ``route_key``
        (``[site] route_<key>``). ``confirm``: the page may ask to confirm first (a message box),
        which is confirmed. When the page refuses the click itself (its own check of required
        fields: no request is sent), its messages are raised as ``PortalRejected``.
        """
        timeout = self.ctx.navigation_timeout_ms
        refused = self.refusals()
        seen = set(refused.all_inner_texts())
        route = self.profile.site[f"route_{route_key}"]
        sent: list[Request] = []

        def note(request: Request) -> None:
            if request.method == "POST" and urlsplit(request.url).path.endswith(route):
                sent.append(request)

        self.page.on("request", note)
        try:
            with self.page.expect_response(self._answers(route_key), timeout=timeout) as info:
                action()
                self._answer_or_refusal(info.is_done, sent, refused, seen, what, timeout, confirm)
        except PlaywrightTimeout as exc:
            raise TransientPortalError(f"{what}: the portal did not answer in time") from exc
        finally:
            self.page.remove_listener("request", note)
        return self._envelope(info.value, what)

    def _sent(self, sent: list[Request]) -> bool:
        # The browser reports a request before anything the page did after starting it; one round trip
        # to the page delivers every report already on its way.
        self.page.evaluate("0")
        return bool(sent)

    def _answer_or_refusal(
        self,
        answered: Callable[[], bool],
        sent: list[Request],
        refused: Locator,
        seen: set[str],
        what: str,
        timeout_ms: float,
        confirm: bool = False,
    ) -> None:
        box = self.page.locator(self.profile.selector("message_box_confirm")).filter(visible=True)
        deadline = time.monotonic() + timeout_ms / 1000
        while not answered() and time.monotonic() < deadline:
            messages = [m.strip() for m in refused.all_inner_texts() if m.strip() and m not in seen]
            # A message shown once the request is on its way belongs to the answer (an error the
            # page shows for it), which says what happened. With no request, the page refused.
            if messages:
                if self._sent(sent):
                    return  # leaving the ``expect_response`` block waits for that answer
                raise PageRefused(f"{what}: {'; '.join(messages)}", messages)
            if confirm and box.count() == 1:
                box.click()
                confirm = False
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
