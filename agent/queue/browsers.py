"""Chromium for a worker process: each filing thread launches its own once and keeps it for every job.

Playwright's sync API belongs to the thread that started it, and the runner is synchronous, so a worker
filing N bundles at once keeps N threads, each with one Chromium launched on its first job (one Chromium
per worker process at the default ``--concurrency 1``); each job gets a fresh browser context from the
runner. The asyncio side of the worker hands a job to a free thread and awaits its result.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import ExitStack
from types import TracebackType
from typing import Any, TypeVar

from playwright.sync_api import Browser

from agent.run.browser import launched
from agent.settings import Settings

__all__ = ["BrowserThreads"]

T = TypeVar("T")
_Work = tuple[Callable[[Browser], Any], Future[Any]]


class BrowserThreads:
    def __init__(self, settings: Settings, size: int):
        self._settings = settings
        self._work: queue.Queue[_Work | None] = queue.Queue()
        self._threads = [
            threading.Thread(target=self._serve, name=f"browser-{n}", daemon=True) for n in range(size)
        ]

    def __enter__(self) -> BrowserThreads:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for _ in self._threads:
            self._work.put(None)
        for thread in self._threads:
            thread.join()

    async def run(self, work: Callable[[Browser], T]) -> T:
        """Run ``work(browser)`` on a free browser thread and wait for its result."""
        future: Future[T] = Future()
        self._work.put((work, future))
        return await asyncio.wrap_future(future)

    def _serve(self) -> None:
        with ExitStack() as stack:
            browser: Browser | None = None
            while (item := self._work.get()) is not None:
                work, future = item
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    if browser is None or not browser.is_connected():
                        browser = stack.enter_context(launched(self._settings))
                    future.set_result(work(browser))
                except BaseException as exc:
                    future.set_exception(exc)
