"""Playwright traces that keep secrets out.

Tracing pauses around the login and the 主体信息 form (passwords, ID numbers, phone numbers), so
those never enter a trace; every chunk that is written is then rewritten with cookies and any
personal data left in its text masked.
"""

from __future__ import annotations

import contextlib
import re
import zipfile
from pathlib import Path

from playwright.sync_api import BrowserContext

from agent.redact import MASK, redact_text
from agent.run.evidence import EvidenceDir

__all__ = ["TraceRecorder", "sanitize_trace"]

_HEADER = re.compile(
    r'("name"\s*:\s*"(?:cookie|set-cookie|authorization)"\s*,\s*"value"\s*:\s*")((?:[^"\\]|\\.)*)(")',
    re.IGNORECASE,
)
# HAR-style entries also list cookies on their own: ``"cookies": [{"name": "...", "value": "..."}]``.
_COOKIE_LIST = re.compile(r'("cookies"\s*:\s*\[)((?:[^\[\]"\\]|"(?:[^"\\]|\\.)*")*)(\])')
_VALUE = re.compile(r'("value"\s*:\s*")((?:[^"\\]|\\.)*)(")')
_TEXT_SUFFIXES = (".trace", ".network", ".json", ".html", ".txt", ".css", ".js")


def _mask(match: re.Match[str]) -> str:
    return f"{match.group(1)}{MASK}{match.group(3)}"


def _clean(text: str) -> str:
    text = _HEADER.sub(_mask, text)
    text = _COOKIE_LIST.sub(lambda m: m.group(1) + _VALUE.sub(_mask, m.group(2)) + m.group(3), text)
    return redact_text(text)


def sanitize_trace(path: Path) -> None:
    """Rewrite the trace zip at ``path`` with its text members masked."""
    cleaned = path.with_suffix(".clean.zip")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(cleaned, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith(_TEXT_SUFFIXES) or "resources/" in info.filename:
                # Images and fonts do not decode: there is nothing textual in them to mask.
                with contextlib.suppress(UnicodeDecodeError):
                    data = _clean(data.decode("utf-8")).encode("utf-8")
            dst.writestr(info, data)
    cleaned.replace(path)


class TraceRecorder:
    def __init__(self, context: BrowserContext, evidence: EvidenceDir, mode: str = "snapshots") -> None:
        self.mode = mode
        self.context = context
        self.evidence = evidence
        self.started = False
        self.active = False
        self.chunks: list[Path] = []

    def resume(self) -> None:
        if self.mode == "off":
            return
        if not self.started:
            # The screencast is what makes tracing slow; per-step screenshots are kept as evidence anyway.
            self.context.tracing.start(screenshots=self.mode == "full", snapshots=True, sources=False)
            self.started = True
        elif not self.active:
            self.context.tracing.start_chunk()
        self.active = True

    def pause(self) -> None:
        if not self.active:
            return
        n = len(self.chunks) + 1
        path = self.evidence.trace_path if n == 1 else self.evidence.path / f"trace-{n}.zip"
        self.context.tracing.stop_chunk(path=str(path))
        self.chunks.append(path)
        self.active = False

    def close(self) -> None:
        try:
            self.pause()
            if self.started:
                self.context.tracing.stop()
        finally:
            for chunk in self.chunks:
                if chunk.is_file():
                    sanitize_trace(chunk)
