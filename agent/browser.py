"""Launching Chromium: Debian's build when present (no browser downloads here), Playwright's otherwise."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

__all__ = ["CHROMIUM_ARGS", "find_chromium", "launch_options"]

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
