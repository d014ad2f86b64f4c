"""``make bench`` / ``python -m bench.run [--quick]``: the agent next to the minimal script, on the mock.

Order of work: start the mock portal (own process) → single filings per role, agent and minimal script
alternating → batches at each concurrency on a freshly reset portal → targets → tables and JSON in
``bench/results/`` (``bench-<stamp>.json`` and ``latest.json``).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.agent_side import agent_available, agent_batch, file_agent, file_agent_trace, shipped_trace
from bench.batch import BatchRunner, batch_round, minimal_batch
from bench.portal import PortalProcess
from bench.report import print_report, write_report
from bench.single import MINIMAL, Filer, single_filings
from bench.targets import targets

__all__ = ["main", "run_bench"]

RESULTS = Path(__file__).resolve().parent / "results"


def _args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="1 run per role, batches of 4 (2 at c1; the agent at c1, c2, c4, the script at c1, c2); < 3 min",
    )
    parser.add_argument("--runs", type=int, help="single filings per role and filer (default 5)")
    parser.add_argument("--batch", type=int, help="filings per batch (default 20)")
    parser.add_argument("--concurrency", type=int, nargs="+", help="batch concurrencies (default 1 2 4)")
    parser.add_argument(
        "--reference-batch",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run the batches with the minimal script (default: on; its scaling is a target's limit)",
    )
    parser.add_argument(
        "--trace-variant",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also measure the agent keeping a trace of every filing (default: on, off with --quick)",
    )
    parser.add_argument("--no-agent", action="store_true", help="measure the minimal script only")
    parser.add_argument(
        "--out", type=Path, default=RESULTS, help="where the JSON goes (default bench/results)"
    )
    args = parser.parse_args(argv)
    args.runs = args.runs or (1 if args.quick else 5)
    args.batch = args.batch or (4 if args.quick else 20)
    args.concurrency = args.concurrency or [1, 2, 4]
    if args.trace_variant is None:
        args.trace_variant = not args.quick
    return args


def _batch_size(args: argparse.Namespace, concurrency: int) -> int:
    """Filings in a batch round. --quick files half as many at concurrency 1: its rate per minute is what
    counts, and the one-at-a-time rounds are the slowest part of a quick run."""
    size = int(args.batch)
    return max(2, size // 2) if args.quick and concurrency == 1 else size


def _agent_batch_runner(root: Path, _bundles: list[Path], url: str, workdir: Path, c: int) -> dict[str, Any]:
    return agent_batch(root, url, workdir, c)


def _minimal_batch_runner(
    _root: Path, bundles: list[Path], url: str, _workdir: Path, c: int
) -> dict[str, Any]:
    return minimal_batch(bundles, url, c)


def _quiet_agent_logs() -> None:
    """INFO events reach structlog's processors (the probe stamps them) and are rendered to nowhere."""
    from agent.logging import configure_logging

    configure_logging("INFO", json=True, stream=open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


def run_bench(args: argparse.Namespace) -> dict[str, Any]:
    from agent.run.browser import lean_drivers

    lean_drivers()  # every Playwright driver of the run alike, the minimal script's too
    notes: list[str] = []
    why_not = "--no-agent" if args.no_agent else agent_available()
    filers: dict[str, Filer] = {"minimal": MINIMAL}
    if why_not is None:
        _quiet_agent_logs()
        # agent-trace: the same agent keeping a trace of every filing, measured in the same rounds, so the
        # trace's cost is a difference taken side by side (the targets are judged on the agent as shipped).
        filers = {"agent": file_agent, "agent-trace": file_agent_trace, "minimal": MINIMAL}
        if not args.trace_variant:
            del filers["agent-trace"]
        note = shipped_trace()[1]
        if note:
            notes.append(note)
    else:
        notes.append(f"agent not measured ({why_not}); its numbers are pending")
    reference = args.reference_batch or why_not is not None
    begin = time.perf_counter()
    now = datetime.now(UTC)
    report: dict[str, Any] = {
        "meta": {
            "stamp": now.strftime("%Y%m%dT%H%M%SZ"),
            "started": now.isoformat(timespec="seconds"),
            "quick": args.quick,
            "runs": args.runs,
            "batch": args.batch,
            "concurrency": args.concurrency,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "machine": platform.platform(),
            "notes": notes,
        }
    }
    with PortalProcess() as portal, tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        report["single"] = single_filings(portal, filers, args.runs, work / "single", warmup=not args.quick)
        batches: dict[str, list[dict[str, Any]]] = {}
        runners: dict[str, BatchRunner] = {}
        if "agent" in filers:
            runners["agent"] = _agent_batch_runner
        if reference:
            runners["minimal"] = _minimal_batch_runner
        for who, runner in runners.items():
            # The script's scaling is the reference at 2 (and 4 in a full run); --quick spares its c4.
            levels = [c for c in args.concurrency if who == "agent" or not args.quick or c <= 2]
            batches[who] = [
                batch_round(portal, who, _batch_size(args, c), c, work / "batch", runner) for c in levels
            ]
        report["batch"] = batches
    report["meta"]["elapsed_s"] = time.perf_counter() - begin
    report["targets"] = targets(report)
    report["meta"]["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    return report


def main(argv: Sequence[str] | None = None) -> int:
    args = _args(argv)
    report = run_bench(args)
    path = write_report(report, args.out)
    print_report(report)
    print(f"written: {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
