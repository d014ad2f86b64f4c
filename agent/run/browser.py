"""Launching Chromium: Debian's build when present (no browser downloads here), Playwright's otherwise."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, sync_playwright

from agent.settings import Settings

__all__ = ["CHROMIUM_ARGS", "find_chromium", "launch_options", "launched"]

# Without the background-networking flags Chromium keeps dialling out, which a closed network refuses.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def find_chromium(configured: Path | None = None) -> Path | None:
    """The Chromium executable to use, or None to let Playwright use its own download."""
    if configured is not None:
        return configured
    for candidate in _CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    found = shutil.which("chromium")
    return Path(found) if found else None


def launch_options(*, headless: bool = True, executable: Path | None = None) -> dict[str, Any]:
    """Keyword arguments for ``playwright.chromium.launch``."""
    options: dict[str, Any] = {"headless": headless, "args": list(CHROMIUM_ARGS)}
    path = find_chromium(executable)
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
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            **launch_options(headless=headless, executable=b.executable), slow_mo=b.slow_mo_ms or None
        )
        try:
            yield browser
        finally:
            browser.close()
