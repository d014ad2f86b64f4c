"""Saved portal sessions: Playwright ``storage_state`` JSON per account, readable by the owner only.

The file holds live session cookies, as good as a password while they last: it is written 0600
atomically (see ``agent.files.write_private``), never copied into evidence or reports.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any, Protocol

import structlog

from agent.files import write_private

__all__ = ["StorageStateSource", "clear", "load_path", "save"]

_log = structlog.get_logger(__name__)


class StorageStateSource(Protocol):
    """What ``save`` needs of a ``playwright.sync_api.BrowserContext``."""

    def storage_state(self) -> Any: ...


def save(context: StorageStateSource, path: Path) -> Path:
    state = context.storage_state()
    write_private(path, json.dumps(state, ensure_ascii=False).encode("utf-8"))
    _log.info("session_saved", session_file=str(path), cookies=len(state.get("cookies", [])))
    return path


def load_path(path: Path) -> Path | None:
    """``path`` if a saved session exists there (for ``new_context(storage_state=...)``), else None."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        # Someone copied or restored it with a loose umask; tighten it rather than refuse the session.
        path.chmod(0o600)
        _log.warning("session_file_permissions_fixed", session_file=str(path), was=oct(mode & 0o777))
    return path


def clear(path: Path) -> None:
    path.unlink(missing_ok=True)
