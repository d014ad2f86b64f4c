"""Collapsible sections: only the first is open on arrival, and hidden fields cannot be filled."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from agent.profile import PortalProfile
from flows.widgets.locate import exact_text

__all__ = ["open_section"]


def open_section(page: Page, profile: PortalProfile, title: str) -> Locator:
    """Open the collapsible section titled ``title`` (if it is closed) and return its block."""
    section = page.locator(profile.selector("collapse_item")).filter(
        has=page.locator(profile.selector("collapse_header")).filter(has_text=exact_text(title))
    )
    expect(section).to_have_count(1)
    header = section.locator(profile.selector("collapse_header"))
    tab = section.get_by_role("tab")
    if tab.get_attribute("aria-expanded") != "true":
        header.click()
    expect(tab).to_have_attribute("aria-expanded", "true")
    return section
