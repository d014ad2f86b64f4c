"""主体信息 (figure 4): filed once per entity; filled and submitted only while the portal has none."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from playwright.sync_api import Locator, expect

from agent.bundle import FormEntry
from agent.errors import TransientPortalError
from flows.pages.base import PortalPage
from flows.pages.specs import spec_of
from flows.pages.tables import label_value_pairs
from flows.widgets import section_scope

__all__ = ["EntityPage", "EntitySection"]

# (profile section key, the bundle entries under that section title)
EntitySection = tuple[str, Sequence[FormEntry]]


class EntityPage(PortalPage):
    def _status(self, key: str) -> Locator:
        # The status may be its own element (a tag) or the end of a line such as 状态：待审核.
        text = re.escape(self.profile.message(key))
        return self.page.get_by_text(re.compile(rf"(^|[:：])\s*{text}\s*$")).filter(visible=True)

    def is_filed(self) -> bool:
        """Whether the page's status text says filed (待审核, 已通过) rather than not filed (未填报).

        The status is read, not the page's layout: a portal may keep 主体信息 an editable form after
        filing, with a status line above it.
        """
        # One lookup that waits for a status and reads it: waiting for "a status" and then counting the
        # filed ones separately read 0 when the page changed in between (the home page's status line
        # gone, 主体信息's not drawn yet), and took a filed entity for one to fill in.
        filed, not_filed = self._filed(), self._status("entity_not_filed")
        shown = filed.or_(not_filed).first.text_content(timeout=self.ctx.navigation_timeout_ms) or ""
        return self.profile.message("entity_not_filed") not in shown

    def _filed(self) -> Locator:
        return self._status("status_pending").or_(self._status("status_approved"))

    def _scope(self, section_key: str, label: str) -> Locator:
        return section_scope(
            self.page, self.profile.section(section_key), containing=self.profile.label(label)
        )

    def fill(self, sections: Sequence[EntitySection]) -> list[str]:
        """Fill every section and read it back; returns the bundle paths whose value did not stick."""
        form = self.ctx.form()
        mismatched: list[str] = []
        for key, entries in sections:
            for entry in entries:
                scope = self._scope(key, entry.label)
                spec = spec_of(entry)
                if not form.fill_and_read(spec, scope).matches:
                    mismatched.append(entry.path)
        return mismatched

    def submit(self) -> None:
        self.call_portal(lambda: self.button("entity_submit").click(), "submit 主体信息", "entity_submit")
        # Done only when the page shows the entity filed. Right after the answer the page may still show
        # 未填报 until it reloads the status: wait for the filed status, not for any status.
        try:
            expect(self._filed().first).to_be_visible(timeout=self.ctx.navigation_timeout_ms)
        except AssertionError:
            raise TransientPortalError("submit 主体信息: the page does not show 主体信息 as filed") from None

    def ensure_submitted(self) -> None:
        """Submit unless the page already shows it filed: safe to repeat after an unclear answer."""
        if not self.is_filed():
            self.submit()

    def saved_differences(self, sections: Sequence[EntitySection]) -> list[tuple[FormEntry, str]]:
        """After 提交 (the page shows 主体信息 filed): each entry shown differently from the bundle.

        What the portal stored is what it shows once submitted; a value it cut or changed is caught here.
        A portal may show read-only tables, or keep the form, reloaded with what it stored, under a status
        line: then the form is read.
        """
        if self.button("entity_submit").count() > 0:
            return self._form_differences(sections)
        expect(self.page.locator("table").first).to_be_visible()
        shown = self.filed_values(sections)
        sep = self.profile.message("list_separator")
        return [
            (entry, shown[entry.path])
            for _, entries in sections
            for entry in entries
            if entry.path in shown and shown[entry.path] != display_text(entry.value, sep)
        ]

    def _form_differences(self, sections: Sequence[EntitySection]) -> list[tuple[FormEntry, str]]:
        form = self.ctx.form()
        sep = self.profile.message("list_separator")
        wrong: list[tuple[FormEntry, str]] = []
        for key, entries in sections:
            for entry in entries:
                shown = form.read_and_compare(spec_of(entry), self._scope(key, entry.label))
                if not shown.matches:
                    wrong.append((entry, display_text(shown.actual, sep)))
        return wrong

    def filed_values(self, sections: Sequence[EntitySection]) -> dict[str, str]:
        """What the read-only view shows, keyed by bundle path."""
        shown: dict[str, str] = {}
        if self.page.locator("table").count() == 0:
            return shown  # the portal keeps an editable form after filing: nothing read-only to compare
        for key, entries in sections:
            title = self.profile.section(key)
            block = section_scope(self.page, title)
            pairs = dict(label_value_pairs(block.locator("table").first))
            for entry in entries:
                label = self.profile.label(entry.label)
                if label in pairs:
                    shown[entry.path] = pairs[label]
        return shown


def display_text(value: object, separator: str) -> str:
    """A bundle value as a read-only table shows it."""
    if isinstance(value, Path):
        return value.name
    if isinstance(value, list):
        return separator.join(str(v) for v in value)
    return str(value)
