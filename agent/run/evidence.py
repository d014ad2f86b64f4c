"""The evidence directory of one bundle's run: ``evidence/<UTC time>-<bundle>-<id>/``.

Screenshots, the Playwright trace and the log show the filled-in forms, personal data included, and a
trace also records cookies: the directory is 0700 and the files written here are 0600.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent.files import private_dir, seal_tree, slugify, write_private
from agent.redact import redact

__all__ = ["EvidenceDir"]

_NN_RE = re.compile(r"(\d+)-")


class EvidenceDir:
    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        # Continue after the highest existing number, so a resumed run never overwrites a screenshot.
        numbers = [int(m.group(1)) for p in self.screenshots_dir.glob("*.png") if (m := _NN_RE.match(p.name))]
        self._shots = max(numbers, default=0)

    @classmethod
    def create(cls, evidence_root: Path, bundle_name: str, *, now: datetime | None = None) -> EvidenceDir:
        stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = evidence_root / f"{stamp}-{slugify(bundle_name)}-{uuid.uuid4().hex[:6]}"
        private_dir(evidence_root)
        path.mkdir(mode=0o700)
        path.chmod(0o700)  # mkdir's mode is narrowed by the umask, never widened; chmod states it
        private_dir(path / "screenshots")
        return cls(path)

    @property
    def screenshots_dir(self) -> Path:
        return self.path / "screenshots"

    @property
    def trace_path(self) -> Path:
        return self.path / "trace.zip"

    @property
    def result_path(self) -> Path:
        return self.path / "result.json"

    @property
    def log_path(self) -> Path:
        return self.path / "log.jsonl"

    def screenshot_path(self, step: str) -> Path:
        """``screenshots/NN-<step>.png``, numbered in the order asked for."""
        with self._lock:
            self._shots += 1
            number = self._shots
        return self.screenshots_dir / f"{number:02d}-{slugify(step, fallback='step')}.png"

    def write_result(self, result: Mapping[str, Any]) -> Path:
        text = json.dumps(redact(dict(result)), ensure_ascii=False, indent=2, sort_keys=True, default=str)
        write_private(self.result_path, (text + "\n").encode("utf-8"))
        return self.result_path

    def seal(self) -> None:
        """Make every file 0600 and folder 0700; call when the run ends.

        Playwright writes traces and screenshots with the umask's mode (0644, or 0666 under umask 000).
        """
        seal_tree(self.path)
