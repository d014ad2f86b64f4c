"""``queue worker``: take filing jobs until stopped (SIGTERM/SIGINT let the bundles in flight finish).

A worker process runs two procrastinate workers on one event loop: one on the ``filing`` queue with
``concurrency`` slots (each backed by a browser thread, see ``agent.queue.browsers``) and one on the
``housekeeping`` queue for the stalled-job check and the nightly enqueue. Its heartbeat is sent every
quarter of ``[queue] stalled_after_s``; after that long without one, other workers requeue its job.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket

import structlog
from procrastinate import App

from agent import redact
from agent.queue.app import FILING_QUEUE, HOUSEKEEPING_QUEUE, build_app, require_url
from agent.queue.browsers import BrowserThreads
from agent.queue.schema import ensure_schema
from agent.queue.sync import run_sync
from agent.settings import Settings
from agent.state.pg_sessions import session_cipher

__all__ = ["run_worker"]

_log = structlog.get_logger(__name__)


class _Redacting(logging.Filter):
    """procrastinate logs through the standard library: its messages are redacted like ours."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact.redact_text(record.getMessage()), None
        return True


def _standard_logging() -> None:
    handler = logging.StreamHandler()
    handler.addFilter(_Redacting())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("procrastinate")
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    root.propagate = False


def run_worker(settings: Settings, concurrency: int) -> None:
    url = require_url(settings)
    session_cipher()  # a missing or bad BEIAN_SESSION_KEY stops the worker now, not each job later
    ensure_schema(url)
    _standard_logging()
    with BrowserThreads(settings, concurrency) as browsers:
        app = build_app(settings, browsers)
        run_sync(_serve(app, settings, concurrency))


async def _serve(app: App, settings: Settings, concurrency: int) -> None:
    name = f"{socket.gethostname()}:{os.getpid()}"
    timeout = settings.queue.stalled_after_s
    async with app.open_async():
        workers = asyncio.gather(
            app.run_worker_async(
                queues=[FILING_QUEUE], concurrency=concurrency, name=f"{name}/filing",
                update_heartbeat_interval=timeout / 4, stalled_worker_timeout=timeout,
                install_signal_handlers=False,
            ),
            app.run_worker_async(
                queues=[HOUSEKEEPING_QUEUE], concurrency=1, name=f"{name}/housekeeping",
                update_heartbeat_interval=timeout / 4, stalled_worker_timeout=timeout,
                install_signal_handlers=False,
            ),
        )  # fmt: skip
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, workers.cancel)
        _log.info("queue_worker_started", worker=name, concurrency=concurrency)
        try:
            await workers
        except asyncio.CancelledError:
            _log.info("queue_worker_stopped", worker=name)
