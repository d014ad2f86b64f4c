"""Config files and mock-portal set-ups shared by the probe and login command tests."""

from __future__ import annotations

import socket
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner, Result

from fixtures.mock_portal import DEMO_PASSWORD, MockPortal

__all__ = ["WRITE_COUNTERS", "closed_url", "invoke", "put_draft", "write_config", "writes"]

# Counters of the mock that any write moves; logging in is not a write.
WRITE_COUNTERS = ("draft_saves", "submits", "entity_submits")


def write_config(
    tmp_path: Path,
    url: str,
    account: str = "demo-provider",
    *,
    password: bool = True,
    profile: str | None = None,
) -> Path:
    """A config file for one account; ``profile`` is written as a portal profile override beside it."""
    lines = [
        "[portal]",
        f'base_url = "{url}"',
    ]
    if profile is not None:
        (tmp_path / "profile.toml").write_text(profile, encoding="utf-8")
        lines.append('profile_path = "profile.toml"')
    lines += [
        "[paths]",
        'state_dir = "state"',
        'evidence_dir = "evidence"',
        "[timeouts]",
        "navigation_ms = 15000",
        f'[accounts."{account}"]',
        f'username = "{account}"',
    ]
    lines.append(f'password = "{DEMO_PASSWORD}"' if password else "allow_auto_login = false")
    config = tmp_path / "beian-agent.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def writes(portal: MockPortal) -> dict[str, Any]:
    """What the portal counts of writes: every non-GET API route but the login, and the write counters."""
    counters = portal.state()["counters"]
    routes = {
        route: n
        for route, n in counters["by_route"].items()
        if not route.startswith("GET ") and route != "POST /api/login"
    }
    return {"routes": routes, **{key: counters[key] for key in WRITE_COUNTERS}}


def put_draft(portal: MockPortal, account: str, *, step: int, role: str, name: str = "探针草稿") -> None:
    """A draft at ``step`` straight in the mock's store, as if someone had filled the steps before it."""
    store = portal.app.state.store
    filing = store.create_filing(account)
    filing["step"], filing["role"] = step, role
    filing["sections"]["算法基础属性信息"] = {"算法名称": name, "角色": role}
    store.put_filing(filing)


def closed_url() -> str:
    """A local URL where nothing listens (a port just freed), so connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def invoke(app: typer.Typer, args: Sequence[str]) -> Result:
    """``CliRunner.invoke`` in a thread of its own.

    Playwright's sync API refuses to start where an asyncio loop runs, and pytest-playwright's
    fixtures leave one running in the main thread for the session; commands launch their own browser.
    """
    results: list[Result] = []
    worker = threading.Thread(target=lambda: results.append(CliRunner().invoke(app, list(args))))
    worker.start()
    worker.join()
    return results[0]
