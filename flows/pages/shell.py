"""What every page after login shows: the header with 首页 and the entity-name dropdown (草稿箱)."""

from __future__ import annotations

from playwright.sync_api import Locator, expect

from flows.pages.base import PortalPage
from flows.widgets import by_role, exact_text
from flows.widgets.locate import Role

__all__ = ["Shell"]


class Shell(PortalPage):
    def entry(self, text: str) -> Locator:
        """A clickable card, link or button whose visible text includes an element reading ``text``."""
        roles: tuple[Role, ...] = ("button", "link", "menuitem")
        for role in roles:
            found = by_role(self.page, role, text).filter(visible=True)
            if found.count() >= 1:
                return found.first
        named = self.page.get_by_text(exact_text(text))
        for role in roles:
            found = self.page.get_by_role(role).filter(has=named).filter(visible=True)
            if found.count() >= 1:
                return found.first
        return named.filter(visible=True).first

    def open_entry(self, key: str) -> None:
        self.entry(self.profile.text(key)).click()

    def go_home(self) -> None:
        self.entry(self.profile.text("home")).click()
        expect(self.entry(self.profile.text("home_filings"))).to_be_visible()

    def logged_in(self) -> Locator:
        """What only a logged-in account sees: the header's entity-name dropdown (never on the login page)."""
        return self.page.locator(self.profile.selector("dropdown_trigger")).filter(visible=True)

    def entity_name(self) -> str:
        trigger = self.page.locator(self.profile.selector("dropdown_trigger")).first
        return trigger.inner_text().strip()
