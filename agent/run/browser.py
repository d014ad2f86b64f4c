"""Launching Chromium: Debian's build when present (no browser downloads here), Playwright's otherwise.

Headless runs use Chromium's headless shell when it is installed, as Playwright itself does with its own
downloads: the full browser in headless mode draws a browser window's own pages for every context (a
renderer of about 160 MB each, for nothing a filing needs), the shell has none.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, sync_playwright

from agent.settings import Settings

__all__ = ["CHROMIUM_ARGS", "find_chromium", "launch_options", "launched", "lean_drivers"]

# Without the background-networking flags Chromium keeps dialling out, which a closed network refuses.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # A 1 MB young generation (V8's default grows to 16 MB) in every page: the portal's pages allocate
    # little, and four concurrent filings kept about 65 MB of unused young space.
    "--js-flags=--max-semi-space-size=1",
)

# Playwright's driver is a Node.js process per Playwright instance (one per batch worker). It relays
# protocol messages (JSON, parsed natively): with a 1 MB young generation instead of V8's 16 MB, and
# without V8's optimising compiler, each holds about 30 MB less; a batch's wall time was the same.
_DRIVER_NODE_OPTIONS = "--max-semi-space-size=1 --jitless"

_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# The binary itself first: Debian's /usr/bin wrapper runs it without exec, a shell left waiting.
_HEADLESS_CANDIDATES = ("/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium-headless-shell")


def find_chromium(configured: Path | None = None, *, headless: bool = False) -> Path | None:
    """The Chromium executable to use, or None to let Playwright use its own download."""
    if configured is not None:
        return configured
    for candidate in (*(_HEADLESS_CANDIDATES if headless else ()), *_CANDIDATES):
        if Path(candidate).is_file():
            return Path(candidate)
    found = shutil.which("chromium")
    return Path(found) if found else None


def lean_drivers() -> None:
    """Drivers started from now on take ``_DRIVER_NODE_OPTIONS`` (they inherit this process's
    environment, the only way Playwright lets one pass them anything); a NODE_OPTIONS already set wins."""
    os.environ.setdefault("NODE_OPTIONS", _DRIVER_NODE_OPTIONS)


def launch_options(*, headless: bool = True, executable: Path | None = None) -> dict[str, Any]:
    """Keyword arguments for ``playwright.chromium.launch``."""
    options: dict[str, Any] = {"headless": headless, "args": list(CHROMIUM_ARGS)}
    path = find_chromium(executable, headless=headless)
    if path is not None:
        options["executable_path"] = str(path)
    return options


@contextmanager
def launched(
    settings: Settings, *, headed: bool | None = None, given: Browser | None = None
) -> Iterator[Browser]:
    """A Chromium for the calling thread, as ``[browser]`` says: ``given`` as it is, or one launched here
    and closed after. ``headed``: None keeps the settings' choice.

    The Playwright sync API belongs to the thread that started it, so each thread launches its own.
    Every command (submit, batch, probe, login) launches through here.
    """
    if given is not None:
        yield given
        return
    b = settings.browser
    headless = b.headless if headed is None else not headed
    lean_drivers()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            **launch_options(headless=headless, executable=b.executable), slow_mo=b.slow_mo_ms or None
        )
        try:
            yield browser
        finally:
            browser.close()
