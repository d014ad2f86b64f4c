"""The login page: account and password where the portal allows it; otherwise a person logs in."""

from __future__ import annotations

from playwright.sync_api import expect

from agent.errors import LoginFailed, PortalRejected
from flows.pages.base import PortalPage
from flows.widgets import FieldSpec

__all__ = ["LoginFailed", "LoginPage"]


class LoginPage(PortalPage):
    def is_current(self) -> bool:
        return self.at_login()

    def log_in(self, username: str, password: str) -> None:
        form = self.ctx.form()
        for label_key, value in (("login_account", username), ("login_password", password)):
            spec = FieldSpec(path=label_key, label=self.profile.text(label_key), value=value)
            form.fill(spec)
        try:
            self.call_portal(lambda: self.button("login_button").click(), "log in", "login")
        except PortalRejected as exc:
            raise LoginFailed(str(exc)) from None
        expect(self.button("login_button")).to_have_count(0, timeout=self.ctx.navigation_timeout_ms)
