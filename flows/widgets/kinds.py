"""What kind of control a form item holds, read from the page itself.

Detection lets a bundle's ``extra`` fields (keyed only by their on-screen label) be filled without new
code: the page says whether the label sits over a dropdown, a date, a radio group or an upload.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from playwright.sync_api import Locator

from agent.profile import PortalProfile

__all__ = ["FieldKind", "count_and_detect"]


class FieldKind(StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    SELECT = "select"
    MULTISELECT = "multiselect"
    DATE = "date"
    RADIO = "radio"
    CHECKBOX = "checkbox"
    UPLOAD = "upload"
    ROWS = "rows"
    TREE = "tree"
    UNKNOWN = "unknown"


# One round trip per field: the checks run in the page, most specific first.
_DETECT_JS = """
(el, s) => {
  const q = (sel) => el.querySelector(sel);
  const buttons = [...el.querySelectorAll('button')].map((b) => b.innerText.trim());
  if (buttons.includes(s.add_row)) return 'rows';
  if (q('input[type=file]')) return 'upload';
  if (q(s.tree)) return 'tree';
  if (q('[role=radiogroup], input[type=radio]')) return 'radio';
  const native = q('select');
  if (native) return native.multiple ? 'multiselect' : 'select';
  if (q(s.select)) return q(s.select_multiple) ? 'multiselect' : 'select';
  if (q(s.date_editor) || q('input[type=date]')) return 'date';
  if (q('textarea')) return 'textarea';
  if (q('input[type=checkbox]')) return 'checkbox';
  if (q('input:not([type=hidden])')) return 'text';
  return 'unknown';
}
"""


_COUNT_AND_DETECT_JS = (
    "(items, s) => ({ count: items.length, "
    f"kind: items.length === 1 ? ({_DETECT_JS.strip()})(items[0], s) : null }})"
)


def _hints(profile: PortalProfile) -> dict[str, Any]:
    return {
        "add_row": profile.text("add_row"),
        "tree": profile.selector("tree"),
        "select": profile.selector("select"),
        "select_multiple": profile.selector("select_multiple"),
        "date_editor": profile.selector("date_editor"),
    }


def count_and_detect(items: Locator, profile: PortalProfile) -> tuple[int, FieldKind | None]:
    """How many form items match, and the kind of the one there is, in a single round trip."""
    found: dict[str, Any] = items.evaluate_all(_COUNT_AND_DETECT_JS, _hints(profile))
    kind = found.get("kind")
    return int(found["count"]), FieldKind(kind) if kind else None
