"""Playwright traces that keep secrets out, kept as Playwright Test's ``retain-on-failure`` does.

The whole run is recorded, 主体信息 and products included; when the trace is written, every text member
is rewritten: cookies and authorization headers masked, every value typed into a password field
masked, and ID numbers, mobiles, e-mails and registered secrets (the configured passwords) masked
wherever they appear (typed values, DOM snapshots, API bodies).

``browser.trace`` says what is kept: ``retain-on-failure`` (default) keeps ``trace.zip`` only when the
run fails; ``on`` always keeps it; ``off`` records nothing. The older values still work: ``snapshots``
is ``on``, ``full`` is ``on`` with a screencast.

``retain-on-failure`` records every action, its timing and error, the network and the console, without
DOM snapshots: recording those for every successful filing made a batch of four concurrent filings take
a fifth longer and a filing a third more CPU (docs/benchmarks.md), and a failure leaves the page itself
anyway (``page.html`` and a screenshot at the moment it failed). ``on`` records DOM snapshots too.
"""

from __future__ import annotations

import contextlib
import re
import zipfile
from pathlib import Path

from playwright.sync_api import BrowserContext

from agent.redact import MASK, redact_text
from agent.run.evidence import EvidenceDir

__all__ = ["TRACE_MODES", "TraceRecorder", "sanitize_trace"]

TRACE_MODES = ("retain-on-failure", "on", "off", "snapshots", "full")

_HEADER = re.compile(
    r'("name"\s*:\s*"(?:cookie|set-cookie|authorization)"\s*,\s*"value"\s*:\s*")((?:[^"\\]|\\.)*)(")',
    re.IGNORECASE,
)
# HAR-style entries also list cookies on their own: ``"cookies": [{"name": "...", "value": "..."}]``.
_COOKIE_LIST = re.compile(r'("cookies"\s*:\s*\[)((?:[^\[\]"\\]|"(?:[^"\\]|\\.)*")*)(\])')
_VALUE = re.compile(r'("value"\s*:\s*")((?:[^"\\]|\\.)*)(")')
# DOM snapshots store an input's attributes as a JSON object; a password input's current value is kept
# by Playwright under ``__playwright_value_`` (and may be in ``value``).
_PASSWORD_INPUT = re.compile(r'\{[^{}]*"type"\s*:\s*"password"[^{}]*\}', re.IGNORECASE)
_SNAPSHOT_VALUE = re.compile(r'("(?:__playwright_value_|value)"\s*:\s*")((?:[^"\\]|\\.)*)(")')
# A ``fill``/``type``/``press_sequentially`` into a field whose selector names a password.
_PASSWORD_FILL = re.compile(
    r'(\{[^{}]*"selector"\s*:\s*"(?:[^"\\]|\\.)*(?:password|密码)(?:[^"\\]|\\.)*"[^{}]*"(?:value|text)"\s*:\s*")'
    r'((?:[^"\\]|\\.)*)(")',
    re.IGNORECASE,
)
# ID-number-like digit runs that ``agent.redact``'s patterns miss (a number the portal cut short).
_ID_LIKE = re.compile(r"(?<![0-9.])[0-9]{15,18}[Xx]?(?![0-9])")
_TEXT_SUFFIXES = (".trace", ".network", ".json", ".html", ".txt", ".css", ".js")


def _mask(match: re.Match[str]) -> str:
    return f"{match.group(1)}{MASK}{match.group(3)}"


def _clean(text: str) -> str:
    text = _HEADER.sub(_mask, text)
    text = _COOKIE_LIST.sub(lambda m: m.group(1) + _VALUE.sub(_mask, m.group(2)) + m.group(3), text)
    text = _PASSWORD_INPUT.sub(lambda m: _SNAPSHOT_VALUE.sub(_mask, m.group(0)), text)
    text = _PASSWORD_FILL.sub(_mask, text)
    return _ID_LIKE.sub(MASK, redact_text(text))


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
    def __init__(
        self, context: BrowserContext, evidence: EvidenceDir, mode: str = "retain-on-failure"
    ) -> None:
        self.mode = mode
        self.context = context
        self.evidence = evidence
        self.started = False
        self.active = False
        self.chunks: list[Path] = []

    @property
    def keeps_on_success(self) -> bool:
        return self.mode in ("on", "snapshots", "full")

    def resume(self) -> None:
        if self.mode == "off":
            return
        if not self.started:
            # The screencast is what makes tracing slow; per-step screenshots are kept as evidence anyway.
            # DOM snapshots only where the trace is kept on success too (see the module's docstring).
            self.context.tracing.start(
                screenshots=self.mode == "full", snapshots=self.keeps_on_success, sources=False
            )
            self.started = True
        elif not self.active:
            self.context.tracing.start_chunk()
        self.active = True

    def pause(self) -> None:
        """Kept for callers that paused around personal pages: those are now recorded, values masked.

        Recording goes on, so that a failure on 主体信息 or on the products page has its trace too.
        """

    def _stop_chunk(self) -> None:
        if not self.active:
            return
        n = len(self.chunks) + 1
        path = self.evidence.trace_path if n == 1 else self.evidence.path / f"trace-{n}.zip"
        self.context.tracing.stop_chunk(path=str(path))
        self.chunks.append(path)
        self.active = False

    def close(self, *, failed: bool = True) -> None:
        """Stop recording; keep the (masked) trace if the run ``failed`` or the mode keeps it anyway."""
        keep = failed or self.keeps_on_success
        try:
            if keep:
                self._stop_chunk()
            if self.started:
                self.context.tracing.stop()
        finally:
            for chunk in self.chunks:
                if chunk.is_file():
                    sanitize_trace(chunk)
