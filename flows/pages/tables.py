"""Reading the portal's tables as a person reads them: by column heading, or as label/value pairs."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, expect

from agent.profile import PortalProfile
from flows.widgets.gone import until_gone

__all__ = ["label_value_pairs", "list_rows", "loaded"]


def loaded(table: Locator, profile: PortalProfile, timeout_ms: float) -> Locator:
    """``table`` once its rows (or its empty text) are drawn and no loading mask covers it.

    Headings come first, rows when the list call answers, under a loading mask meanwhile: read too
    early, a list with rows reads as empty.
    """
    mask = profile.selector("loading_mask")
    until_gone(table.page, mask, within=table, timeout_ms=timeout_ms)
    drawn = table.locator(profile.selector("table_row")).or_(table.locator(profile.selector("table_empty")))
    expect(drawn.first).to_be_visible(timeout=timeout_ms)
    until_gone(table.page, mask, within=table, timeout_ms=timeout_ms)
    return table


# Header and body may be separate <table>s (Element UI draws them so); columns line up by position.
_LIST_JS = """
(root) => {
  const headers = [...root.querySelectorAll('thead th')].map((th) => th.innerText.trim());
  const body = [...root.querySelectorAll('tbody tr')];
  return body.map((tr) => {
    const cells = [...tr.children].map((td) => td.innerText.trim());
    const row = {};
    headers.forEach((h, i) => { row[h] = cells[i] ?? ''; });
    return row;
  });
}
"""

_PAIRS_JS = """
(root) => {
  const out = [];
  for (const tr of root.querySelectorAll('tr')) {
    const cells = [...tr.children];
    for (let i = 0; i + 1 < cells.length; i += 2) {
      out.push([cells[i].innerText.trim(), cells[i + 1].innerText.trim()]);
    }
  }
  return out;
}
"""


def list_rows(scope: Locator) -> list[dict[str, str]]:
    """Every body row of the list in ``scope`` as {column heading: cell text}."""
    rows: Any = scope.evaluate(_LIST_JS)
    return [dict(r) for r in rows]


def label_value_pairs(scope: Locator) -> list[tuple[str, str]]:
    """Read-only tables drawn as label, value, label, value… per row (figure 10)."""
    pairs: Any = scope.evaluate(_PAIRS_JS)
    return [(str(a), str(b)) for a, b in pairs]
