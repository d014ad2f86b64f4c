"""Finding things the way a person does: a heading, then the label under it, then the control beside it.

Element UI's labels are not tied to their inputs (``for`` points at nothing), so ``get_by_label`` finds
nothing on such pages. A form item is found from its visible label text instead, optionally inside the
section whose title a person would read first.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

from agent.profile import PortalProfile

__all__ = ["exact_text", "form_item", "section_scope"]


def exact_text(text: str) -> re.Pattern[str]:
    """A pattern matching ``text`` as the whole (trimmed) text of an element."""
    return re.compile(rf"^\s*{re.escape(text)}\s*[:：]?\s*$")


def _xpath_literal(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    parts = text.split("'")
    return "concat(" + ', "\'", '.join(f"'{p}'" for p in parts) + ")"


def section_scope(page: Page, title: str, *, containing: str | None = None) -> Locator:
    """The smallest block that holds the heading ``title`` (and, if given, the label ``containing``).

    Sections are recognised by their visible title alone, whatever element draws it.
    """
    heading = f"//*[normalize-space(text())={_xpath_literal(title)}]"
    if containing is None:
        return page.locator(f"xpath={heading}/ancestor::*[.//input or .//textarea or .//table][1]").first
    inner = f".//*[normalize-space(text())={_xpath_literal(containing)}]"
    return page.locator(f"xpath={heading}/ancestor::*[{inner}][1]").first


def form_item(scope: Page | Locator, label: str, profile: PortalProfile) -> Locator:
    """The form item whose label reads ``label``; visible ones first, as a person sees them."""
    label_el = scope.locator(profile.selector("form_item_label")).filter(has_text=exact_text(label))
    return label_el.locator("xpath=..").filter(visible=True)
