"""structlog set-up: logs to stderr (stdout carries results), optionally also to a JSON-lines file.

The level given to ``configure_logging`` filters the stream only: every event, debug included, still
reaches the run's evidence log (``open_run_log``) and ``log_file``, so a terminal that shows warnings
alone loses nothing from the record.

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
from typing import Any, TextIO, cast

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


# structlog names the level by the method called; "exception" logs at error level.
_METHOD_LEVEL = {
    "debug": stdlib_logging.DEBUG,
    "info": stdlib_logging.INFO,
    "msg": stdlib_logging.INFO,
    "warning": stdlib_logging.WARNING,
    "warn": stdlib_logging.WARNING,
    "error": stdlib_logging.ERROR,
    "exception": stdlib_logging.ERROR,
    "critical": stdlib_logging.CRITICAL,
    "fatal": stdlib_logging.CRITICAL,
}


def _stream_filter(level: int) -> Processor:
    """Drop events below ``level`` after the file sinks have seen them, before they are rendered."""

    def keep(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
        if _METHOD_LEVEL.get(method_name, stdlib_logging.INFO) < level:
            raise structlog.DropEvent
        return event_dict

    return keep


class _CurrentStderr:
    """Writes to whatever ``sys.stderr`` is at the time, so a live view that redirects it (rich's Live
    does) prints log lines above itself instead of being overwritten by them."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()

    def isatty(self) -> bool:
        return sys.stderr.isatty()


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
    """Configure structlog. ``json=None`` picks JSON unless ``stream`` (default stderr) is a terminal.

    ``level`` is what the stream shows; the evidence logs and ``log_file`` get every event.
    """
    global _sink
    out: TextIO = stream if stream is not None else cast(TextIO, _CurrentStderr())
    tty = out.isatty()
    as_json = (not tty) if json is None else json
    processors = shared_processors(json=as_json)
    close_log_file()
    if log_file is not None:
        _sink = JsonLinesSink(log_file)
        processors.append(_sink)
    processors.append(_stream_filter(_level_number(level)))
    if as_json:
        processors.append(JSONRenderer(serializer=_dumps))
    else:
        # plain_traceback: the exception is already a redacted string; rich would re-render it with locals.
        processors.append(ConsoleRenderer(colors=tty, exception_formatter=plain_traceback))
    structlog.configure(
        processors=processors,
        # Nothing is filtered before the file sinks: the stream filter above drops what is not shown.
        wrapper_class=structlog.make_filtering_bound_logger(stdlib_logging.DEBUG),
        logger_factory=structlog.WriteLoggerFactory(file=out),
        context_class=dict,
        cache_logger_on_first_use=False,
    )
