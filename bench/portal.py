"""The mock portal in a process of its own, so the filings measured do not share a GIL or RSS with it."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from fixtures.mock_portal.runner import call_test_route, provision

__all__ = ["PortalProcess", "provision_payload", "route_delta"]


def serve() -> None:
    """The child's side: print the URL, then serve until stdin reaches EOF."""
    from fixtures.mock_portal.runner import MockPortal

    with (
        tempfile.TemporaryDirectory(prefix="bench-portal-") as state_dir,
        MockPortal(Path(state_dir)) as portal,
    ):
        print(portal.url, flush=True)
        sys.stdin.read()


def provision_payload(conditions: dict[str, Any], accounts: dict[str, Any]) -> dict[str, Any]:
    """The ``/__mock/provision`` body giving each account of ``conditions`` a filed 主体信息 and its products.

    ``accounts``: the portal's accounts now (``/__mock/state``): an account it lacks is added filed (the
    bench's own accounts, which a reset drops); one whose 主体信息 is 未填报 gets it filed under its name.
    """
    body: dict[str, Any] = {}
    for account, wanted in conditions.items():
        spec: dict[str, Any] = {"products": wanted["products"]}
        known = accounts.get(account)
        if known is None:
            spec["entity"] = {"filed": True, "name": f"{account} 基准测试主体"}
        elif known["entity"]["status"] == "未填报":
            spec["entity"] = {"status": "已通过", "name": known.get("entity_name")}
        body[account] = spec
    return {"accounts": body}


class PortalProcess:
    """``MockPortal`` served by a child process; ``pid`` lets memory sampling leave it out.

    The bench prepares the portal only through its documented test routes (reset, provision, state).
    """

    def __init__(self) -> None:
        self._proc: subprocess.Popen[str] | None = None
        self.url = ""

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def _io(self) -> tuple[IO[str], IO[str]]:
        if self._proc is None or self._proc.stdin is None or self._proc.stdout is None:
            raise RuntimeError("mock portal is not running")
        return self._proc.stdin, self._proc.stdout

    def __enter__(self) -> PortalProcess:
        root = str(Path(__file__).resolve().parent.parent)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
        }
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "bench.portal"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.url = self._io()[1].readline().strip()
        if not self.url.startswith("http"):
            self.__exit__(None, None, None)
            raise RuntimeError("mock portal did not start")
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._proc is None:
            return
        if self._proc.stdin is not None:
            self._proc.stdin.close()  # EOF stops the child
        try:
            self._proc.wait(15)
        except subprocess.TimeoutExpired:
            self._proc.terminate()
            self._proc.wait(5)
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._proc = None

    # -- test-only routes ---------------------------------------------------------------------------
    def _mock(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return call_test_route(self.url, method, path, body)

    def state(self) -> dict[str, Any]:
        return self._mock("GET", "/__mock/state")

    def counters(self) -> dict[str, Any]:
        counters: dict[str, Any] = self.state()["counters"]
        return counters

    def reset(self, conditions: dict[str, Any] | None = None) -> None:
        """Seeded data and zero counters, then ``conditions`` (see ``bench.bundles.conditions``)."""
        self._mock("POST", "/__mock/reset", {})
        if conditions:
            provision(self.url, provision_payload(conditions, self.state()["accounts"]))


def route_delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    """API requests per route between two ``counters`` snapshots."""
    old: dict[str, int] = before.get("by_route", {})
    new: dict[str, int] = after.get("by_route", {})
    delta = {route: count - old.get(route, 0) for route, count in new.items()}
    return {route: count for route, count in sorted(delta.items()) if count}


if __name__ == "__main__":
    serve()
