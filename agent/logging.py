"""structlog set-up: logs to stderr (stdout carries results), optionally also to a JSON-lines file.

Every event passes ``agent.redact.redact_processor`` after exceptions are turned into data and before it
is rendered, so neither the terminal, the JSON stream nor the evidence file sees a secret in clear.
Exceptions never include local variables: they would hold form values and passwords.

``configure_logging`` may be called again (tests, several runs in one process): loggers are not cached,
so module-level ``structlog.get_logger()`` proxies follow the newest configuration, and the previous
file sink is closed.
"""

from __future__ import annotations

import json as jsonlib
import logging as stdlib_logging
import os
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

import structlog
from structlog.dev import ConsoleRenderer, plain_traceback
from structlog.processors import ExceptionRenderer, JSONRenderer
from structlog.tracebacks import ExceptionDictTransformer
from structlog.typing import EventDict, Processor, WrappedLogger

from agent.redact import redact_processor

__all__ = [
    "JsonLinesSink",
    "close_log_file",
    "close_run_log",
    "configure_logging",
    "open_run_log",
    "shared_processors",
]


def _dumps(value: Any, **kwargs: Any) -> str:
    kwargs.setdefault("default", str)
    return jsonlib.dumps(value, ensure_ascii=False, **kwargs)


class JsonLinesSink:
    """A processor that appends each (already redacted) event as one JSON line and passes it on."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created 0600: the evidence log names accounts and bundles even when values are masked.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self.path = path
        self._file = os.fdopen(fd, "a", encoding="utf-8", buffering=1)
        self._lock = threading.Lock()

    def __call__(self, logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
        line = _dumps(event_dict)
        with self._lock:
            if not self._file.closed:
                self._file.write(line + "\n")
        return event_dict

    def close(self) -> None:
        with self._lock:
            self._file.close()


_sink: JsonLinesSink | None = None
# Per-run evidence logs, keyed by the ``evidence`` context value each run binds (one per bundle run,
# several at once in a batch).
_run_logs: dict[str, JsonLinesSink] = {}
_run_logs_lock = threading.Lock()


def open_run_log(key: str, path: Path) -> None:
    """Copy every event whose context has ``evidence=key`` into ``path`` (JSON lines, 0600)."""
    with _run_logs_lock:
        _run_logs[key] = JsonLinesSink(path)


def close_run_log(key: str) -> None:
    with _run_logs_lock:
        sink = _run_logs.pop(key, None)
    if sink is not None:
        sink.close()


def _route_to_run_log(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    key = event_dict.get("evidence")
    sink = _run_logs.get(key) if isinstance(key, str) else None
    return sink(logger, method_name, event_dict) if sink is not None else event_dict


def shared_processors(*, json: bool) -> list[Processor]:
    """Everything up to and including redaction; the renderer (and any file sink) follow."""
    # Console mode formats the traceback to a string here, so redaction sees it before it is printed.
    exceptions = (
        ExceptionRenderer(ExceptionDictTransformer(show_locals=False)) if json else ExceptionRenderer()
    )
    return [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        exceptions,
        redact_processor,
        _route_to_run_log,
    ]


def _level_number(level: str | int) -> int:
    if isinstance(level, int):
        return level
    try:
        return stdlib_logging.getLevelNamesMapping()[level.strip().upper()]
    except KeyError:
        raise ValueError(f"unknown log level {level!r}") from None


def close_log_file() -> None:
    global _sink
    if _sink is not None:
        _sink.close()
        _sink = None


def configure_logging(
    level: str | int = "INFO",
    json: bool | None = None,
    log_file: Path | None = None,
    *,
    stream: TextIO | None = None,
) -> None:
    """Configure structlog. ``json=None`` picks JSON unless ``stream`` (default stderr) is a terminal."""
    global _sink
    out = stream if stream is not None else sys.stderr
    tty = out.isatty()
    as_json = (not tty) if json is None else json
    processors = shared_processors(json=as_json)
    close_log_file()
    if log_file is not None:
        _sink = JsonLinesSink(log_file)
        processors.append(_sink)
    if as_json:
        processors.append(JSONRenderer(serializer=_dumps))
    else:
        # plain_traceback: the exception is already a redacted string; rich would re-render it with locals.
        processors.append(ConsoleRenderer(colors=tty, exception_formatter=plain_traceback))
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(_level_number(level)),
        logger_factory=structlog.WriteLoggerFactory(file=out),
        context_class=dict,
        cache_logger_on_first_use=False,
    )
