"""Saved sessions in the queue database: encrypted with BEIAN_SESSION_KEY, never stored in clear."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from cryptography.fernet import Fernet
from structlog.testing import capture_logs

from agent.errors import SettingsError
from agent.settings import load_settings
from agent.state import backend
from agent.state.pg_sessions import KEY_VARIABLE, new_key

STATE = {
    "cookies": [{"name": "sid", "value": "s3cr3t-cookie", "domain": "127.0.0.1", "path": "/"}],
    "origins": [],
}


class FakeContext:
    def storage_state(self) -> Any:
        return STATE


@pytest.fixture
def settings(pg_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Any:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(KEY_VARIABLE, new_key())
    return load_settings(
        None, queue__database_url=pg_url, accounts={"demo-provider": {"username": "demo-provider"}}
    )


def test_round_trip_is_encrypted_at_rest_and_leaves_no_file(settings: Any, pg_url: str) -> None:
    with capture_logs() as logs:
        where = backend.save_session(settings, "demo-provider", FakeContext())
    assert "database" in where
    assert backend.load_session(settings, "demo-provider") == STATE
    with psycopg.connect(pg_url) as conn:
        (token,) = conn.execute("SELECT token FROM beian.sessions").fetchone()  # type: ignore[misc]
    assert b"s3cr3t-cookie" not in bytes(token)
    assert "s3cr3t-cookie" not in repr(logs) and not (settings.sessions_dir).exists()
    backend.clear_session(settings, "demo-provider")
    assert backend.load_session(settings, "demo-provider") is None


def test_another_key_reads_no_session(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    backend.save_session(settings, "demo-provider", FakeContext())
    monkeypatch.setenv(KEY_VARIABLE, Fernet.generate_key().decode())
    assert backend.load_session(settings, "demo-provider") is None


@pytest.mark.parametrize("value", ["", "not-a-key"])
def test_missing_or_bad_key_names_the_variable(
    settings: Any, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(KEY_VARIABLE, value)
    with pytest.raises(SettingsError, match=KEY_VARIABLE) as info:
        backend.load_session(settings, "demo-provider")
    assert "new-session-key" in str(info.value)


def test_database_url_password_is_redacted(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from agent import redact

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BEIAN_QUEUE__DATABASE_URL", "postgresql://beian:p%40ss-w0rd@db.internal/beian")
    settings = load_settings(None)
    assert settings.queue.database_url is not None and "p%40ss" not in repr(settings)
    text = redact.redact_text("connect to postgresql://beian:p%40ss-w0rd@db.internal/beian failed; p@ss-w0rd")
    assert "p%40ss-w0rd" not in text and "p@ss-w0rd" not in text
