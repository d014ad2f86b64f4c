"""Finding things the way a person does: a heading, then the label under it, then the control beside it.

Element UI's labels are not tied to their inputs (``for`` points at nothing), so ``get_by_label`` finds
nothing on such pages. A form item is found from its visible label text instead, optionally inside the
section whose title a person would read first.

Icon fonts draw their glyphs as Private-Use-Area characters in a ``::before``, and those characters are
part of an element's accessible name (``"\\ue784 草稿箱"``); a person does not read them, so every text
match here ignores them, and whitespace, around and inside the text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from playwright.sync_api import Locator, Page

from agent.profile import PortalProfile

__all__ = [
    "by_role",
    "exact_text",
    "form_item",
    "form_item_anywhere",
    "readable",
    "readable_line",
    "role_name",
    "section_scope",
]

# Unicode's Private Use Area (where icon fonts put their glyphs) and whitespace: not read by a person.
_PUA = "\ue000-\uf8ff"
_FILLER = rf"[\s{_PUA}]*"
_UNREAD = re.compile(rf"[\s{_PUA}]+")
# ``readable`` for scripts run in the page.
READABLE_JS = r"(t) => (t || '').replace(/[\s\ue000-\uf8ff]+/g, '')"
# The patterns below are compiled once per text (lru_cache): the icon-glyph range makes each compilation
# costly, and a filing asks for the same few hundred texts again and again (a fifth of its Python CPU).


def readable(text: str) -> str:
    """``text`` as a person reads it: icon glyphs and whitespace removed."""
    return _UNREAD.sub("", text)


def readable_line(text: str) -> str:
    """The first line of ``text`` without icon glyphs, its own spacing kept."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    return re.sub(f"[{_PUA}]", "", first).strip()


def _spaced(text: str) -> str:
    # Pattern source written with \uXXXX escapes so that Playwright's JavaScript regex reads it alike.
    escaped = [re.escape(c) for c in readable(text)]
    return _FILLER.join(escaped)


def _source(pattern: str) -> str:
    return pattern.replace(_PUA, r"\ue000-\uf8ff")


@lru_cache(maxsize=4096)
def exact_text(text: str) -> re.Pattern[str]:
    """A pattern matching ``text`` as the whole text of an element (a trailing colon allowed)."""
    return re.compile(_source(rf"^{_FILLER}{_spaced(text)}{_FILLER}[:：]?{_FILLER}$"))


@lru_cache(maxsize=4096)
def contains_text(text: str) -> re.Pattern[str]:
    """A pattern matching ``text`` anywhere in an element's text (``状态：未填报`` holds ``未填报``)."""
    return re.compile(_source(_spaced(text)))


@lru_cache(maxsize=4096)
def role_name(text: str) -> re.Pattern[str]:
    """A pattern matching an accessible name that reads ``text``, icon glyphs and spacing aside."""
    return re.compile(_source(rf"^{_FILLER}{_spaced(text)}{_FILLER}$"))


Role = Literal["button", "link", "menuitem", "radio", "tab", "checkbox"]


def by_role(scope: Page | Locator, role: Role, text: str) -> Locator:
    """Buttons, links, menu items… named ``text`` as a person reads the name."""
    return scope.get_by_role(role, name=role_name(text))


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


def form_item_anywhere(scope: Page | Locator, label: str, profile: PortalProfile) -> Locator:
    """Every form item whose label reads ``label``, shown or not (e.g. inside a closed section)."""
    label_el = scope.locator(profile.selector("form_item_label")).filter(has_text=exact_text(label))
    return label_el.locator("xpath=..")


def form_item(scope: Page | Locator, label: str, profile: PortalProfile) -> Locator:
    """The form item whose label reads ``label``; visible ones first, as a person sees them."""
    label_el = scope.locator(profile.selector("form_item_label")).filter(has_text=exact_text(label))
    return label_el.locator("xpath=..").filter(visible=True)
