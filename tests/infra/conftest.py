from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import structlog

from agent import redact
from agent.logging import close_log_file


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No BEIAN_* from the developer's shell, no secrets or log config leaking between tests."""
    for name in list(os.environ):
        if name.upper().startswith("BEIAN_"):
            monkeypatch.delenv(name)
    redact.clear_secrets()
    yield
    redact.clear_secrets()
    close_log_file()
    structlog.reset_defaults()
