"""Files written for their owner only: evidence, reports, sessions, the ledger (0600 in 0700 folders)."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

__all__ = ["slugify", "write_private"]

_SLUG_RE = re.compile(r"[^\w]+|_+")


def slugify(text: str, *, fallback: str = "bundle", max_len: int = 40) -> str:
    slug = _SLUG_RE.sub("-", unicodedata.normalize("NFKC", text)).strip("-").lower()
    return slug[:max_len].rstrip("-") or fallback


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` atomically with mode 0600: never readable by others, never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
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
