"""What a failed run leaves behind for the person who looks into it.

At the moment a run fails (an error, a timeout, a refusal, an interrupt) and while the page is still
open: a full-page screenshot with every form value masked, the page's HTML without input values, and
``failure.json``: where the run was (page, action), the error, the URL, and the last API exchanges with
the portal (method, route, HTTP status, errno/errmsg, duration), all masked through ``agent.redact``.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import structlog
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Request, Response

from agent.errors import BeianError
from agent.files import write_private
from agent.redact import MASK, redact, redact_text
from agent.run.evidence import EvidenceDir
from agent.run.where import Where

__all__ = ["ID_LIKE", "ApiLog", "capture_failure", "page_html"]

_log = structlog.get_logger(__name__)
_KEEP = 20
# Form values on any page may be personal (ID numbers, phones, names): all are masked in the picture.
_MASKED = "input, textarea, td, .el-select__tags, .el-input__inner"
# ``value="..."`` on inputs and textareas' contents: typed data, kept out of page.html whatever it is.
_INPUT_VALUE = re.compile(r'(<input\b[^>]*?\svalue=")([^"]*)(")', re.IGNORECASE)
# ID-number-like digit runs the patterns of ``agent.redact`` do not catch (a number the portal cut short).
ID_LIKE = re.compile(r"(?<![0-9])[0-9]{15,18}[Xx]?(?![0-9])")
_TEXTAREA = re.compile(r"(<textarea\b[^>]*>)(.*?)(</textarea>)", re.IGNORECASE | re.DOTALL)


@dataclass
class _Exchange:
    request: Request
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    response: Response | None = None
    failure: str | None = None


class ApiLog:
    """The last ``keep`` calls the page made to the portal's API, recorded as they happen.

    Only references are kept while the run goes well; bodies are read (and masked) when a failure asks.
    """

    def __init__(self, page: Page, api_prefix: str, keep: int = _KEEP) -> None:
        self.api_prefix = api_prefix
        self._calls: deque[_Exchange] = deque(maxlen=keep)
        page.on("request", self._on_request)
        page.on("response", self._on_response)
        page.on("requestfailed", self._on_failed)

    def _find(self, request: Request) -> _Exchange | None:
        return next((c for c in reversed(self._calls) if c.request is request), None)

    def _on_request(self, request: Request) -> None:
        if self.api_prefix in urlsplit(request.url).path:
            self._calls.append(_Exchange(request))

    def _on_response(self, response: Response) -> None:
        call = self._find(response.request)
        if call is not None:
            call.response = response

    def _on_failed(self, request: Request) -> None:
        call = self._find(request)
        if call is not None:
            call.failure = request.failure or "failed"

    def exchanges(self) -> list[dict[str, Any]]:
        return [_describe(call) for call in list(self._calls)]


def _describe(call: _Exchange) -> dict[str, Any]:
    url = urlsplit(call.request.url)
    route = url.path + (f"?{url.query}" if url.query else "")
    out: dict[str, Any] = {
        "at": call.started.isoformat(timespec="milliseconds"),
        "method": call.request.method,
        "route": redact_text(route),
        "status": None,
        "errno": None,
        "errmsg": None,
        "duration_ms": None,
    }
    if call.failure is not None:
        out["status"] = f"failed: {redact_text(call.failure)}"
    elif call.response is None:
        out["status"] = "no answer yet"
        return out
    else:
        out["status"] = call.response.status
        with contextlib.suppress(PlaywrightError, ValueError, UnicodeDecodeError):
            body = json.loads(call.response.body())
            if isinstance(body, dict):
                out["errno"] = body.get("errno")
                out["errmsg"] = redact_text(str(body.get("errmsg") or "")) or None
    with contextlib.suppress(PlaywrightError, KeyError, TypeError):
        end = call.request.timing["responseEnd"]
        out["duration_ms"] = round(end) if end >= 0 else None
    return out


def page_html(page: Page) -> str:
    """The page's markup with typed values removed and anything personal left in the text masked."""
    html = page.content()
    html = _INPUT_VALUE.sub(lambda m: f"{m.group(1)}{m.group(3)}", html)
    html = _TEXTAREA.sub(lambda m: f"{m.group(1)}{m.group(3)}", html)
    return ID_LIKE.sub(MASK, redact_text(html))


def capture_failure(
    page: Page | None,
    evidence: EvidenceDir,
    error: BeianError | str,
    *,
    where: Where,
    api: ApiLog | None,
) -> None:
    """Write the screenshot, ``page.html`` and ``failure.json``; never raises (the page may be gone)."""
    record: dict[str, Any] = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "page": where.page,
        "action": where.action,
        "error": redact_text(str(error)),
        "kind": error.kind if isinstance(error, BeianError) else "interrupted",
        "url": None,
        "screenshot": None,
        "html": None,
        "exchanges": [],
    }
    if page is not None and not page.is_closed():
        with contextlib.suppress(PlaywrightError):
            record["url"] = redact_text(page.url)
        shot = evidence.screenshot_path(f"failed-{where.key}")
        try:
            page.screenshot(path=str(shot), full_page=True, mask=[page.locator(_MASKED)], timeout=10_000)
            record["screenshot"] = f"screenshots/{shot.name}"
        except PlaywrightError as exc:
            _log.warning("failure_screenshot_failed", error=str(exc).splitlines()[0])
        try:
            write_private(evidence.path / "page.html", page_html(page).encode("utf-8"))
            record["html"] = "page.html"
        except PlaywrightError as exc:
            _log.warning("failure_html_failed", error=str(exc).splitlines()[0])
    if api is not None:
        record["exchanges"] = api.exchanges()
    text = json.dumps(redact(record), ensure_ascii=False, indent=2, default=str)
    write_private(evidence.path / "failure.json", (text + "\n").encode("utf-8"))
