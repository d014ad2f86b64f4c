from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from structlog.testing import capture_logs

from agent.state import session_store

STATE = {"cookies": [{"name": "sid", "value": "abc", "domain": "127.0.0.1", "path": "/"}], "origins": []}


class FakeContext:
    def storage_state(self) -> Any:
        return STATE


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_save_writes_private_json_even_with_a_loose_umask(tmp_path: Path, loose_umask: None) -> None:
    path = tmp_path / "sessions" / "demo-provider.json"
    assert session_store.save(FakeContext(), path) == path
    assert json.loads(path.read_text(encoding="utf-8")) == STATE
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    session_store.save(FakeContext(), path)  # overwrite
    assert mode(path) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["demo-provider.json"]


def test_save_does_not_log_cookie_values(tmp_path: Path) -> None:
    with capture_logs() as logs:
        session_store.save(FakeContext(), tmp_path / "s.json")
    assert "abc" not in repr(logs) and logs[0]["cookies"] == 1


def test_load_path_and_clear(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    assert session_store.load_path(path) is None
    session_store.save(FakeContext(), path)
    assert session_store.load_path(path) == path
    session_store.clear(path)
    assert session_store.load_path(path) is None
    session_store.clear(path)  # clearing twice is fine


def test_load_path_tightens_loose_permissions(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text("{}")
    path.chmod(0o644)
    with capture_logs() as logs:
        assert session_store.load_path(path) == path
    assert mode(path) == 0o600
    assert logs[0]["event"] == "session_file_permissions_fixed"


@pytest.mark.e2e
def test_save_from_a_real_browser_context(tmp_path: Path, browser: Browser) -> None:
    path = tmp_path / "real.json"
    context = browser.new_context()
    context.add_cookies([{"name": "sid", "value": "live", "url": "http://127.0.0.1/"}])
    session_store.save(context, path)
    context.close()
    assert mode(path) == 0o600
    assert [c["name"] for c in json.loads(path.read_text())["cookies"]] == ["sid"]
