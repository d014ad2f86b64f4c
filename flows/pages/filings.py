"""备案信息 (the entity's filings) and 草稿箱 (drafts to continue or delete)."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Locator, expect

from agent.errors import TransientPortalError
from flows.pages.base import PortalPage
from flows.pages.tables import list_rows, loaded
from flows.widgets import by_role, exact_text

__all__ = ["FilingRow", "FilingsPage"]


@dataclass(frozen=True)
class FilingRow:
    name: str
    status: str
    step: str


class FilingsPage(PortalPage):
    """The filings list (备案信息) or the draft box (草稿箱): both are tables keyed by algorithm name."""

    def _table(self) -> Locator:
        heading = self.page.get_by_text(exact_text(self.profile.column("algorithm_name")))
        table = self.page.locator(self.profile.selector("table")).filter(has=heading)
        expect(table).to_have_count(1)
        return loaded(table, self.profile, self.ctx.navigation_timeout_ms)

    def rows(self) -> list[FilingRow]:
        col = self.profile.column
        return [
            FilingRow(
                name=row.get(col("algorithm_name"), ""),
                status=row.get(col("status"), ""),
                step=row.get(col("current_step"), ""),
            )
            for row in list_rows(self._table())
            if row
        ]

    def _row(self, name: str) -> Locator:
        table = self._table()
        return table.locator(self.profile.selector("table_row")).filter(
            has=self.page.get_by_text(exact_text(name))
        )

    def new_filing(self) -> None:
        """Open a new filing's wizard. The portal may create the draft now or only on its first save;
        either way the click is done when the wizard's first step shows (or failed with a message)."""
        failed = self.page.locator(self.profile.selector("message_error")).filter(visible=True)
        before = failed.count()
        self.button("new_filing").click()
        opened = by_role(self.page, "button", self.profile.text("next")).filter(visible=True)
        timeout = self.ctx.navigation_timeout_ms
        expect(opened.or_(failed.nth(before)).first).to_be_visible(timeout=timeout)
        if opened.count() == 0:
            raise TransientPortalError(f"start a new filing: {failed.last.inner_text().strip()}")

    def open_drafts(self) -> None:
        self.button("drafts").click()
        expect(self.page.get_by_text(exact_text(self.profile.column("current_step")))).to_be_visible()

    def continue_draft(self, name: str) -> None:
        row = self._row(name)
        expect(row).to_have_count(1)
        by_role(row, "button", self.profile.text("continue_draft")).click()
