"""``python -m bench.calls``: Playwright protocol calls per filing, agent next to the minimal script.

Every Playwright action is at least one round trip to the driver and on to Chromium; counting the
messages per method (and the time until each answer) shows where a filer spends its waits. One filing of
each role and filer, on a mock portal of its own; prints a table and writes ``bench/results/calls.json``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.agent_side import agent_available, file_agent, file_agent_trace
from bench.bundles import conditions, read_bundle, variant
from bench.portal import PortalProcess, route_delta
from bench.single import MINIMAL, ROLES, Filer, timed_filing

__all__ = ["ProtocolCounter", "main"]


class ProtocolCounter:
    """Counts ``Connection.send_message_to_server`` by method while active; time to each answer too."""

    def __init__(self) -> None:
        self.count: Counter[str] = Counter()
        self.wait_s: dict[str, float] = defaultdict(float)
        self._lock = threading.Lock()

    def __enter__(self) -> ProtocolCounter:
        from playwright._impl.connection import Connection

        self._original = Connection.send_message_to_server
        counter = self

        def counted(conn: Any, obj: Any, method: str, params: Any, options: Any) -> Any:
            future = counter._original(conn, obj, method, params, options)
            if method == "__waitInfo__":
                return future
            key = f"{obj._type}.{method}"
            start = time.perf_counter()
            with counter._lock:
                counter.count[key] += 1

            def done(_future: Any) -> None:
                with counter._lock:
                    counter.wait_s[key] += time.perf_counter() - start

            future.add_done_callback(done)
            return future

        Connection.send_message_to_server = counted  # type: ignore[method-assign,assignment]
        return self

    def __exit__(self, *_exc: object) -> None:
        from playwright._impl.connection import Connection

        Connection.send_message_to_server = self._original  # type: ignore[method-assign]


# What ``--without`` can switch off in the agent for an experiment, and the functions made no-ops for it.
SWITCHES = {
    "trace": ("agent.run.trace:TraceRecorder.resume", "agent.run.trace:TraceRecorder.pause"),
    "screenshots": ("agent.run.filing_flow:FilingFlow._screenshot",),
}


@contextmanager
def _without(names: list[str]) -> Iterator[None]:
    patched = []
    for name in names:
        for target in SWITCHES[name]:
            module, _, path = target.partition(":")
            owner_name, attr = path.split(".")
            owner = getattr(importlib.import_module(module), owner_name)
            patched.append((owner, attr, owner.__dict__[attr]))
            setattr(owner, attr, lambda *_a, **_k: None)
    try:
        yield
    finally:
        for owner, attr, original in patched:
            setattr(owner, attr, original)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.calls", description=__doc__)
    parser.add_argument(
        "--without",
        nargs="*",
        default=[],
        choices=sorted(SWITCHES),
        help="switch agent evidence off (experiment)",
    )
    args = parser.parse_args(argv)
    filers: dict[str, Filer] = {"minimal": MINIMAL}
    if agent_available() is None:
        from agent.logging import configure_logging

        configure_logging("INFO", json=True, stream=open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
        filers = {"agent": file_agent, "agent-trace": file_agent_trace, **filers}
    out: dict[str, Any] = {}
    with PortalProcess() as portal, tempfile.TemporaryDirectory(prefix="bench-calls-") as tmp:
        portal.reset(conditions(ROLES.values()))
        for role, src in ROLES.items():
            for name, filer in filers.items():
                tag = f"{name}-{role}"
                bundle = variant(src, Path(tmp) / tag, name=f"{read_bundle(src)['algorithm']['name']}-{tag}")
                before = portal.counters()
                with _without(args.without if name == "agent" else []), ProtocolCounter() as counter:
                    run = timed_filing(filer, bundle, portal.url, Path(tmp) / f"w-{tag}")
                out[tag] = {
                    "total_s": run["total_s"],
                    "python_cpu_s": run["python_cpu_s"],
                    "tree_cpu_s": run["tree_cpu_s"],
                    "calls": sum(counter.count.values()),
                    "wait_s": sum(counter.wait_s.values()),
                    "by_method": {
                        k: [v, round(counter.wait_s[k], 3)] for k, v in counter.count.most_common()
                    },
                    "api_requests": sum(route_delta(before, portal.counters()).values()),
                }
    table = Table(title="Playwright protocol calls per filing")
    for column in (
        "filing",
        "total s",
        "python CPU s",
        "tree CPU s",
        "calls",
        "top methods (count, s waiting)",
    ):
        table.add_column(column)
    for tag, row in out.items():
        top = ", ".join(f"{k} {v[0]} ({v[1]:.1f})" for k, v in list(row["by_method"].items())[:6])
        table.add_row(
            tag,
            f"{row['total_s']:.2f}",
            f"{row['python_cpu_s']:.2f}",
            f"{row['tree_cpu_s']:.2f}",
            str(row["calls"]),
            top,
        )
    Console(width=max(Console().width, 160)).print(table)
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    name = "calls" + "".join(f"-without-{w}" for w in args.without) + ".json"
    (results / name).write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written: {results / name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
