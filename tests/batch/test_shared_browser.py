"""One Chromium per batch process: worker threads connect to it, each context keeps its cookies."""

from __future__ import annotations

import threading
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
