"""Files written for their owner only: evidence, reports, sessions, the ledger (0600 in 0700 folders).

Modes are set explicitly with ``chmod`` rather than left to ``mkdir``/``open``: those honour the umask,
and ``mkdir(parents=True)`` ignores ``mode`` for the parents it creates, so under ``umask 000`` a folder
would otherwise end up 0777.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

__all__ = ["private_dir", "seal_tree", "slugify", "write_private"]

_SLUG_RE = re.compile(r"[^\w]+|_+")
DIR_MODE = 0o700
FILE_MODE = 0o600


def slugify(text: str, *, fallback: str = "bundle", max_len: int = 40) -> str:
    slug = _SLUG_RE.sub("-", unicodedata.normalize("NFKC", text)).strip("-").lower()
    return slug[:max_len].rstrip("-") or fallback


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) and make ``path`` itself 0700, whatever the umask.

    Only the folder the agent owns is tightened; an existing parent (a home directory, the working
    directory) is left as it is.
    """
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    if path.stat().st_mode & 0o777 != DIR_MODE:
        path.chmod(DIR_MODE)
    return path


def seal_tree(root: Path) -> None:
    """Every folder below ``root`` (itself included) 0700, every file 0600; symlinks are not followed."""
    if not root.is_dir() or root.is_symlink():
        return
    root.chmod(DIR_MODE)
    for current, dirs, files in os.walk(root):
        base = Path(current)
        for name in dirs:
            if not (base / name).is_symlink():
                (base / name).chmod(DIR_MODE)
        for name in files:
            if not (base / name).is_symlink():
                (base / name).chmod(FILE_MODE)


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` atomically with mode 0600: never readable by others, never half-written."""
    if not path.parent.is_dir():
        private_dir(path.parent)
    # mkstemp creates the file 0600 from the start, so there is no moment with wider permissions.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
