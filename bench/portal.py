"""The mock portal in a process of its own, so the filings measured do not share a GIL or RSS with it."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from bench.bundles import BENCH_ACCOUNTS
from fixtures.mock_portal.runner import call_test_route

__all__ = ["PortalProcess", "route_delta"]


def serve() -> None:
    """The child's side: print the URL, then apply each JSON line of conditions from stdin until EOF."""
    from fixtures.mock_portal.runner import MockPortal

    with (
        tempfile.TemporaryDirectory(prefix="bench-portal-") as state_dir,
        MockPortal(Path(state_dir)) as portal,
    ):
        print(portal.url, flush=True)
        for line in sys.stdin:
            _prepare(portal.app.state.store, json.loads(line))
            print("ok", flush=True)


def _add_bench_account(store: Any, account: str) -> None:
    """``account`` as a copy of the seeded account ``BENCH_ACCOUNTS`` names (the mock's reset drops it)."""
    template = BENCH_ACCOUNTS.get(account)
    if template is None or store.entity_name(account):
        return
    entity = copy.deepcopy(store.get_entity(template))
    entity["sections"]["主体基本信息"]["主体名称"] = f"{account} 基准测试主体"
    store.add_account(account, entity)


def _prepare(store: Any, conditions: dict[str, Any]) -> None:
    """Give each account a filed 主体信息 and the products its bundles define (no request is counted)."""
    for account, wanted in conditions.items():
        _add_bench_account(store, account)
        entity = store.get_entity(account)
        if entity["status"] == "未填报":
            store.put_entity(account, {**entity, "status": "已通过"})
        have = {p["fields"]["产品名称"] for p in store.list_products(account)}
        for product in wanted["products"]:
            if product["fields"]["产品名称"] in have:
                continue
            doc = store.add_product(account, product["fields"])
            doc["paths"] = [
                {
                    "id": i,
                    "path": path["path"],
                    "functions": [{"id": j, **fn} for j, fn in enumerate(path["functions"], start=1)],
                }
                for i, path in enumerate(product["paths"], start=1)
            ]
            store.put_product(doc)


class PortalProcess:
    """``MockPortal`` served by a child process; ``pid`` lets memory sampling leave it out."""

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
            stdin, stdout = self._io()
            stdin.write(json.dumps(conditions, ensure_ascii=False) + "\n")
            stdin.flush()
            if stdout.readline().strip() != "ok":
                raise RuntimeError("mock portal did not prepare its state")


def route_delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    """API requests per route between two ``counters`` snapshots."""
    old: dict[str, int] = before.get("by_route", {})
    new: dict[str, int] = after.get("by_route", {})
    delta = {route: count - old.get(route, 0) for route, count in new.items()}
    return {route: count for route, count in sorted(delta.items()) if count}


if __name__ == "__main__":
    serve()
