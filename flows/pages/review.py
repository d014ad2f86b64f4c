"""备案信息 read after 提交: each filing's state, number, the reviewer's opinion, and 修改 on a returned row.

The screens after 提交 are not public: every text comes from the profile (marked assumed there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Locator, expect

from agent.status import PortalState, portal_state
from flows.pages.filings import FilingsPage
from flows.pages.tables import list_rows

__all__ = ["PortalFiling", "ReviewListPage", "row_button"]

# Icon-font glyphs (Unicode Private Use Area) an Element button may draw before its text.
_GLYPHS = "[\ue000-\uf8ff\\s]*"


def row_button(scope: Locator, text: str) -> Locator:
    """The button named ``text`` in ``scope``, an icon glyph in front allowed."""
    return scope.get_by_role("button", name=re.compile(f"^{_GLYPHS}{re.escape(text)}$"))


@dataclass(frozen=True)
class PortalFiling:
    """One row of 备案信息 as shown; empty cells are None."""

    name: str
    status: str
    filing_number: str | None
    opinion: str | None
    submitted_at: str | None
    updated_at: str | None


class ReviewListPage(FilingsPage):
    """备案信息 with the columns the portal shows after 提交 (备案编号, 审核意见, 提交时间)."""

    def filings(self) -> list[PortalFiling]:
        col, empty = self.profile.column, self.profile.message("empty_value")

        def cell(row: dict[str, str], key: str) -> str | None:
            value = row.get(col(key), "").strip()
            return None if value in ("", empty) else value

        return [
            PortalFiling(
                name=row.get(col("algorithm_name"), ""),
                status=row.get(col("status"), ""),
                filing_number=cell(row, "filing_number"),
                opinion=cell(row, "opinion"),
                submitted_at=cell(row, "submitted_at"),
                updated_at=cell(row, "updated_at"),
            )
            for row in list_rows(self._table())
            if row
        ]

    def edit_returned(self, name: str) -> None:
        """修改 on the returned filing's row: the wizard opens at step 1 with everything filed before."""
        self.row_action(name, "edit_returned")

    def row_action(self, name: str, key: str) -> None:
        """Click the row button ``key`` (a ``[texts]`` key) on the one row of ``name``."""
        row = self._row(name)
        expect(row).to_have_count(1)
        row_button(row, self.profile.text(key)).click()

    def find(self, name: str) -> PortalFiling | None:
        """The one filing of ``name`` that is not a draft, or None."""
        found = [
            f
            for f in self.filings()
            if f.name == name and portal_state(f.status, self.profile) is not PortalState.DRAFT
        ]
        return found[0] if len(found) == 1 else None
