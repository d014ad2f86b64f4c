"""Waiting for a fading list, panel or loading mask to be gone, looked at on every animation frame.

``expect(...).to_have_count(0)`` looks again after 100, 250, 500 and then 1000 ms: an Element UI list or
loading mask that fades out in 0.3 s was waited for up to 0.8 s, on every select and every list page.
"""

from __future__ import annotations

from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

__all__ = ["until_gone"]

# Shown as Playwright counts it: a box of some size and not visibility:hidden.
_NONE_SHOWN_JS = """
([root, css]) => ![...(root || document).querySelectorAll(css)].some((e) => {
  const box = e.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && getComputedStyle(e).visibility !== 'hidden';
})
"""


def until_gone(
    page: Page, css: str, *, within: Locator | None = None, timeout_ms: float | None = None
) -> None:
    """Wait until nothing matching ``css`` (inside ``within``) is shown; AssertionError on timeout, as
    ``expect`` raises."""
    root = within.element_handle(timeout=timeout_ms) if within is not None else None
    try:
        page.wait_for_function(_NONE_SHOWN_JS, arg=[root, css], polling="raf", timeout=timeout_ms)
    except PlaywrightTimeout as exc:
        raise AssertionError(f"still shown after {timeout_ms or 'the default'} ms: {css}") from exc
    finally:
        if root is not None:
            root.dispose()
