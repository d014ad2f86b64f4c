"""One Chromium for a whole batch process: Playwright's own browser server, one connection per thread.

The Playwright sync API is bound to the thread that started it, and the filing flows are synchronous, so
each batch worker keeps its thread and its Playwright instance. What they share is the browser: the first
worker that needs one starts Playwright's browser server (``launchServer``, through the ``playwright``
driver's ``launch-server``), and every worker connects to it (``BrowserType.connect``). Each bundle then
runs in a browser context of its own (the runner opens one per bundle), and contexts keep cookies and
storage apart, so accounts stay apart as they did with a Chromium per worker.

The server listens on 127.0.0.1 only, under a random path; it is stopped when the batch ends. It runs in a
process group of its own, and is started with a parent-death signal (``setpriv --pdeathsig TERM``, where
util-linux has it): a batch process killed outright (SIGKILL) takes it and its Chromium along. Linux sends
that signal when the *thread* that started the process ends, so the server is always started by one
thread of its own that lives as long as this object, never by a worker that may finish early.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from playwright._impl._driver import compute_driver_executable, get_driver_env
from playwright.sync_api import Browser, sync_playwright

from agent.errors import BrowserError
from agent.run.browser import launch_options, lean_drivers
from agent.settings import Settings

__all__ = ["SharedChromium"]

_STOP_WAIT_S = 10
# Runs the command with a parent-death signal set, then becomes it (exec): the same pid, the same group.
_SETPRIV = shutil.which("setpriv")
_DIE_WITH_PARENT: tuple[str, ...] = (_SETPRIV, "--pdeathsig", "TERM", "--") if _SETPRIV else ()


class SharedChromium:
    """Starts the browser server on first use; ``connected(settings)`` gives the calling thread a Browser."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._server: subprocess.Popen[str] | None = None
        self._endpoint: str | None = None
        # The one thread that starts the server (see the module's docstring).
        self._starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="browser-server")

    @property
    def pid(self) -> int | None:
        return self._server.pid if self._server is not None else None

    def endpoint(self) -> str:
        with self._lock:
            if self._endpoint is None or (self._server is not None and self._server.poll() is not None):
                self._stop()
                self._endpoint = self._starter.submit(self._start).result()
            return self._endpoint

    def _start(self) -> str:
        b = self._settings.browser
        options = launch_options(headless=b.headless, executable=b.executable)
        # launchServer's own option names; 127.0.0.1: its default would listen on every interface.
        config = {"headless": options["headless"], "args": options["args"], "host": "127.0.0.1", "port": 0}
        if "executable_path" in options:
            config["executablePath"] = options["executable_path"]
        with tempfile.TemporaryDirectory(prefix="beian-browser-") as tmp:
            path = Path(tmp) / "launch.json"
            path.write_text(json.dumps(config), encoding="utf-8")
            # Playwright's driver itself, not ``python -m playwright`` (a Python process that would only
            # wait for it, some 25 MB for the whole batch).
            node, cli = compute_driver_executable()
            lean_drivers()
            self._server = subprocess.Popen(
                [
                    *_DIE_WITH_PARENT,
                    node,
                    cli,
                    "launch-server",
                    "--browser",
                    "chromium",
                    "--config",
                    str(path),
                ],
                env=get_driver_env(),
                stdout=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                text=True,
                start_new_session=True,  # its own process group, stopped as one at the end
            )
            assert self._server.stdout is not None
            line = self._server.stdout.readline().strip()
        if not line.startswith("ws://"):
            self._stop()
            raise BrowserError(
                "the shared Chromium did not start (Playwright's browser server gave no address)"
            )
        return line

    def _stop(self) -> None:
        server, self._server, self._endpoint = self._server, None, None
        if server is None:
            return
        if server.poll() is None:
            # The driver closes Chromium on SIGTERM (Chromium runs in a process group of its own).
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(_STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        if server.stdout is not None:
            server.stdout.close()

    def close(self) -> None:
        with self._lock:
            self._stop()
        self._starter.shutdown()

    def __enter__(self) -> SharedChromium:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextmanager
    def connected(self, settings: Settings) -> Iterator[Browser]:
        """The shared Chromium as seen from the calling thread (its own Playwright instance)."""
        endpoint = self.endpoint()
        lean_drivers()
        with sync_playwright() as playwright:
            browser = playwright.chromium.connect(endpoint, slow_mo=settings.browser.slow_mo_ms or None)
            try:
                yield browser
            finally:
                browser.close()
