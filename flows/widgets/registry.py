"""Every widget driver, by kind, in the order a form item is recognised (most specific first).

A new widget kind is one module with its driver and one line here.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator

from agent.bundle.fields import Kind
from agent.profile import PortalProfile
from flows.widgets.cascader import CASCADER
from flows.widgets.checkbox import CHECKBOX
from flows.widgets.date import DATE
from flows.widgets.driver import Driver
from flows.widgets.locate import READABLE_JS
from flows.widgets.radio import RADIO
from flows.widgets.rows import ROWS
from flows.widgets.select import MULTISELECT, SELECT
from flows.widgets.text import TEXT, TEXTAREA
from flows.widgets.upload import UPLOAD

__all__ = ["DRIVERS", "count_and_detect", "driver_for"]

DRIVERS: tuple[Driver, ...] = (
    ROWS,
    UPLOAD,
    RADIO,
    CASCADER,
    MULTISELECT,
    SELECT,
    DATE,
    TEXTAREA,
    CHECKBOX,
    TEXT,
)
_BY_KIND: dict[str, Driver] = {d.kind: d for d in DRIVERS}

# One round trip per field: the markers are tried in the page, in order.
_COUNT_AND_DETECT_JS = f"""
(items, markers) => {{
  const readable = {READABLE_JS};
  const detect = (el) => {{
    for (const [kind, css, text] of markers) {{
      const found = [...el.querySelectorAll(css)];
      if (found.some((f) => text === null || readable(f.innerText) === readable(text))) return kind;
    }}
    return null;
  }};
  return {{ count: items.length, kind: items.length === 1 ? detect(items[0]) : null }};
}}
"""


def driver_for(kind: Kind) -> Driver:
    return _BY_KIND[kind]


def count_and_detect(items: Locator, profile: PortalProfile) -> tuple[int, Driver | None]:
    """How many form items match, and the driver of the one there is, in a single round trip."""
    markers = [[d.kind, *d.detect(profile)] for d in DRIVERS]
    found: dict[str, Any] = items.evaluate_all(_COUNT_AND_DETECT_JS, markers)
    kind = found.get("kind")
    return int(found["count"]), _BY_KIND[kind] if kind else None
