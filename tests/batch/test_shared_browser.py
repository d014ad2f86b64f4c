"""One Chromium per batch process: worker threads connect to it, each context keeps its cookies."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from agent.run.shared_browser import SharedChromium

from .conftest import make_settings

pytestmark = pytest.mark.e2e


def _chromium_roots() -> list[psutil.Process]:
    """Chromium browser processes under this process (its helpers carry ``--type=``)."""
    return [
        p
        for p in psutil.Process().children(recursive=True)
        if "chrom" in p.name() and not any(a.startswith("--type=") for a in p.cmdline())
    ]


def test_worker_threads_share_one_chromium_and_keep_their_cookies_apart(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    workers = 3
    together = threading.Barrier(workers, timeout=60)
    seen: dict[str, list[str]] = {}
    roots: list[int] = []
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            with shared.connected(settings) as browser:
                context = browser.new_context()
                context.add_cookies([{"name": "account", "value": name, "url": "http://127.0.0.1/"}])
                together.wait()  # every worker's context is open now
                seen[name] = [c["value"] for c in context.cookies()]
                roots.append(len(_chromium_roots()))
                together.wait()
                context.close()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    with SharedChromium(settings) as shared:
        threads = [threading.Thread(target=work, args=(f"a{n}",)) for n in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert shared.pid is not None
    assert not errors, errors
    assert seen == {f"a{n}": [f"a{n}"] for n in range(workers)}
    assert roots == [1] * workers
    assert _chromium_roots() == []  # stopped with the batch


_KILLED_BATCH = """
import sys, threading
from pathlib import Path
sys.path.insert(0, {repo!r})
from tests.batch.conftest import make_settings
from agent.run.shared_browser import SharedChromium

shared = SharedChromium(make_settings(Path({root!r})))
# Started by a worker thread that has ended since, as a batch's first worker may be.
first = threading.Thread(target=shared.endpoint)
first.start()
first.join()
print(shared.pid, flush=True)
sys.stdin.read()
"""


def test_a_batch_killed_outright_takes_its_browser_server_with_it(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[2]
    script = _KILLED_BATCH.format(repo=str(repo), root=str(tmp_path))
    batch = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert batch.stdout is not None
    server = psutil.Process(int(batch.stdout.readline()))
    chromium = [p for p in server.children(recursive=True) if "chrom" in p.name()]
    # Alive while the batch is, though the thread that started it has ended.
    assert server.is_running() and server.status() != psutil.STATUS_ZOMBIE and chromium
    batch.kill()  # SIGKILL: no handler, no cleanup of its own
    batch.wait()
    left = _still_running([server, *chromium], timeout_s=15)
    assert not left, [p.pid for p in left]


def _running(process: psutil.Process) -> bool:
    # An orphan's exit is seen by whoever adopts it; unreaped (a zombie) it has ended all the same.
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _still_running(processes: list[psutil.Process], timeout_s: float) -> list[psutil.Process]:
    deadline = time.monotonic() + timeout_s
    left = [p for p in processes if _running(p)]
    while left and time.monotonic() < deadline:
        _gone, alive = psutil.wait_procs(left, timeout=0.2)
        left = [p for p in alive if _running(p)]
    return left
