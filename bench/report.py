"""The bench report: JSON under ``bench/results/`` and tables on the terminal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

__all__ = ["print_report", "write_report"]


def _f(value: Any, digits: int = 2) -> str:
    if value is None:
        return "pending"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def write_report(report: dict[str, Any], out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, ensure_ascii=False, indent=2, default=str)
    path = out_dir / f"bench-{report['meta']['stamp']}.json"
    path.write_text(text, encoding="utf-8")
    (out_dir / "latest.json").write_text(text, encoding="utf-8")
    return path


def _single_table(single: dict[str, Any]) -> Table:
    table = Table(title="Single filing, median (s)")
    for column in ("role", "filer", "ok", "total", "browser start", "filing", "API requests", "total ratio"):
        table.add_column(column, justify="left" if column in ("role", "filer") else "right")
    for role, by in single.items():
        base = by.get("minimal", {}).get("median_total_s")
        for filer, s in by.items():
            total = s.get("median_total_s")
            ratio = total / base if total is not None and base else None
            table.add_row(
                role,
                filer,
                f"{s['ok']}/{len(s['runs'])}",
                _f(total),
                _f(s.get("median_browser_start_s")),
                _f(s.get("median_filing_s")),
                _f(s.get("median_api_requests"), 0),
                _f(ratio) if filer != "minimal" else "1.00",
            )
    return table


def _phase_table(single: dict[str, Any], key: str, title: str) -> Table | None:
    columns = [(role, filer) for role, by in single.items() for filer, s in by.items() if s.get(key)]
    if not columns:
        return None
    table = Table(title=title)
    table.add_column("phase")
    for role, filer in columns:
        table.add_column(f"{role} {filer}", justify="right")
    names: list[str] = []
    for role, filer in columns:
        names += [n for n in single[role][filer][key] if n not in names]
    for name in names:
        table.add_row(name, *(_f(single[role][filer][key].get(name)) for role, filer in columns))
    return table


def _batch_table(batch: dict[str, Any]) -> Table:
    table = Table(title="Batches (fresh portal state each)")
    for column in (
        "filer", "concurrency", "workers", "ok", "wall s", "filings/min", "speed-up",
        "peak RSS MB", "RSS MB/worker", "peak PSS MB", "API req/filing", "CPU s/filing", "cores used",
        "portal cores",
    ):  # fmt: skip
        table.add_column(column, justify="left" if column == "filer" else "right")
    for filer, rounds in batch.items():
        base = next((r["filings_per_min"] for r in rounds if r["concurrency"] == 1), None)
        for r in rounds:
            table.add_row(
                filer,
                str(r["concurrency"]),
                str(r["workers"]),
                f"{r['ok']}/{r['filings']}",
                _f(r["wall_s"], 1),
                _f(r["filings_per_min"]),
                _f(r["filings_per_min"] / base if base else None),
                _f(r["peak"]["rss_mb"], 0),
                _f(r["peak_rss_mb_per_worker"], 0),
                _f(r["peak"]["pss_mb"], 0),
                _f(r["api_requests_per_filing"], 1),
                _f(r.get("cpu_s_per_filing"), 1),
                _f(r.get("cores_used")),
                _f(r.get("portal_cores_used")),
            )
    return table


def _memory_table(batch: dict[str, Any]) -> Table:
    table = Table(title="Where the peak PSS goes (MB, processes)")
    for column in ("filer", "concurrency", "by kind of process"):
        table.add_column(column)
    for filer, rounds in batch.items():
        for r in rounds:
            kinds = r["peak"].get("pss_by_kind", {})
            text = ", ".join(
                f"{k} {v[0]:.0f} ({v[1]})" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1][0])
            )
            table.add_row(filer, str(r["concurrency"]), text)
    return table


def _targets_table(targets: list[dict[str, Any]]) -> Table:
    table = Table(title="Targets")
    for column in ("target", "value", "limit", "met"):
        table.add_column(column, justify="left" if column == "target" else "right")
    for t in targets:
        met = "pending" if t["met"] is None else ("yes" if t["met"] else "NO")
        if t.get("extra"):
            met = f"{met} (info)"
        table.add_row(t["target"], _f(t["value"]), ("≤ " if t["at_most"] else "≥ ") + _f(t["limit"], 1), met)
    return table


def print_report(report: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console(width=max(Console().width, 160))
    single = report.get("single", {})
    console.print(_single_table(single))
    for key, title in (
        ("median_steps", "Stages, median (s)"),
        ("median_activities", "Agent activities, median (s)"),
    ):
        table = _phase_table(single, key, title)
        if table is not None:
            console.print(table)
    console.print(_batch_table(report.get("batch", {})))
    console.print(_memory_table(report.get("batch", {})))
    console.print(_targets_table(report.get("targets", [])))
    for note in report["meta"].get("notes", []):
        console.print(f"note: {note}")
