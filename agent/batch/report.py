"""What a batch shows: progress while it runs, then a summary table, ``report.json`` and ``report.html``.

The HTML report is one self-contained file (inline CSS, no script, no external resource) that links to
each run's evidence by relative path, so the report directory and the evidence can be archived together.
Every value that comes from a bundle or the portal is escaped, and the whole document passes through
``agent.redact`` first: the configuration with its secrets masked, error texts with ID numbers, mobiles
and e-mail addresses masked.
"""

from __future__ import annotations

import html
import json
import os
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

import structlog
from rich.console import Console, RenderableType
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from agent import __version__
from agent.batch.entry import BatchReport
from agent.batch.plan import BatchItem, BatchPlan
from agent.bundle import Bundle
from agent.files import write_private
from agent.live import FAILED, StageBoard, stage_titles
from agent.profile import PortalProfile, default_profile
from agent.progress import ProgressEvent
from agent.redact import redact, redact_text
from agent.settings import Settings
from agent.state.ledger import bundle_key_for

__all__ = [
    "LogProgress",
    "RichProgress",
    "evidence_links",
    "print_summary",
    "render_html",
    "report_document",
    "write_reports",
]

_log = structlog.get_logger(__name__)


class LogProgress:
    """Progress as structured log lines, for cron, systemd and CI logs."""

    def planned(self, plan: BatchPlan) -> None:
        _log.info("batch_planned", bundles=len(plan.order), to_run=plan.to_run, decided=len(plan.decided))
        for item in plan.decided:
            _log.info("bundle_decided", bundle=item.bundle, outcome=item.outcome.value, note=item.note)

    def started(self, bundle: Bundle) -> None:
        _log.info("bundle_started", bundle=str(bundle.directory), account=bundle.account)

    def stage(self, bundle: Bundle, event: ProgressEvent) -> None:
        pass  # the run's own log lines (checkpoint, retrying) tell where it is

    def finished(self, item: BatchItem) -> None:
        log = _log.info if item.ok else _log.warning
        log(
            "bundle_finished",
            bundle=item.bundle,
            account=item.account,
            outcome=item.outcome.value,
            step=item.step_reached,
            duration_s=round(item.duration_s, 1),
            note=item.note or None,
        )


class _StageProgress(Progress):
    """rich's Progress, with one line per running bundle under the bar: its stage and current action."""

    def __init__(self, stages: Callable[[], RenderableType], *columns: ProgressColumn, **kwargs: Any):
        self._stages = stages  # before Progress.__init__, which may already render
        super().__init__(*columns, **kwargs)

    def get_renderables(self) -> Iterable[RenderableType]:
        yield self.make_tasks_table(self.tasks)
        yield self._stages()


class RichProgress:
    """A progress bar on the terminal (stderr), one line per finished bundle above it and one per
    running bundle under it, with the stage it is at in the portal's words."""

    def __init__(self, console: Console, profile: PortalProfile | None = None) -> None:
        self._profile = profile if profile is not None else default_profile()
        # Keyed as BatchItem.bundle is, so a finished bundle's line goes away.
        self._running: dict[str, StageBoard] = {}
        self._lock = threading.Lock()
        self._progress = _StageProgress(
            self._stage_lines,
            TextColumn("[bold]batch"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=console,
            transient=True,
        )
        self._task = self._progress.add_task("", total=None)

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def _describe(self) -> str:
        return f"{len(self._running)} running" if self._running else ""

    def running(self) -> list[tuple[str, str]]:
        """(bundle, where it is) per running bundle: its last stage line and current action."""
        with self._lock:
            boards = sorted(self._running.values(), key=lambda b: b.header)
        shown = []
        for board in boards:
            lines = board.lines()
            mark, title, detail = lines[-1] if lines else ("", "", "")
            where = f"{title} {detail}".strip()
            shown.append((board.header, f"{FAILED} {where}" if mark == FAILED else where))
        return shown

    def _stage_lines(self) -> RenderableType:
        grid = Table.grid(padding=(0, 2))
        for bundle, where in self.running():
            grid.add_row(Text(f"  {bundle}"), Text(where, style="dim"))
        return grid

    def planned(self, plan: BatchPlan) -> None:
        self._progress.update(self._task, total=len(plan.order), completed=len(plan.decided))
        for item in plan.decided:
            self._progress.console.print(_line(item), markup=False, highlight=False)

    def started(self, bundle: Bundle) -> None:
        titles = stage_titles(self._profile, provider=bundle.is_provider)
        with self._lock:
            self._running[bundle_key_for(bundle.directory)] = StageBoard(bundle.directory.name, titles)
            self._progress.update(self._task, description=self._describe())

    def stage(self, bundle: Bundle, event: ProgressEvent) -> None:
        with self._lock:
            board = self._running.get(bundle_key_for(bundle.directory))
        if board is not None:
            board.feed(event)

    def finished(self, item: BatchItem) -> None:
        with self._lock:
            self._running.pop(item.bundle, None)
            self._progress.update(self._task, advance=1, description=self._describe())
        self._progress.console.print(_line(item), markup=False, highlight=False)


def _line(item: BatchItem) -> str:
    mark = "ok " if item.ok else "!! "
    detail = item.note or (item.errors[0]["message"] if item.errors else "")
    return redact_text(
        f"{mark}{Path(item.bundle).name}: {item.outcome.value}" + (f" — {detail}" if detail else "")
    )


def evidence_links(item: BatchItem, report_dir: Path) -> dict[str, Any]:
    """The evidence files of one run, as paths relative to the report directory."""
    links: dict[str, Any] = {"screenshots": [], "trace": None, "result": None, "log": None}
    if not item.evidence_dir:
        return links
    evidence = Path(item.evidence_dir)
    if not evidence.is_absolute():
        evidence = Path.cwd() / evidence

    def rel(path: Path) -> str:
        return os.path.relpath(path.resolve(), report_dir.resolve())

    links["screenshots"] = [rel(p) for p in sorted((evidence / "screenshots").glob("*.png"))]
    for key, name in (("trace", "trace.zip"), ("result", "result.json"), ("log", "log.jsonl")):
        if (evidence / name).is_file():
            links[key] = rel(evidence / name)
    return links


def report_document(
    report: BatchReport, settings: Settings, report_dir: Path | None = None
) -> dict[str, Any]:
    """The JSON report (what ``--json`` prints and ``report.json`` holds), redacted."""
    bundles = []
    for item in report.items:
        entry = item.to_json()
        if report_dir is not None:
            entry["evidence"] = evidence_links(item, report_dir)
        bundles.append(entry)
    document = {
        "run_id": report.run_id,
        "tool_version": __version__,
        "started": report.started,
        "finished": report.finished,
        "duration_s": round(report.duration_s, 3),
        "interrupted": report.interrupted,
        "exit_code": int(report.exit_code),
        "summary": report.summary(),
        "options": report.options.to_json(),
        "browser_versions": report.browser_versions,
        "config": settings.model_dump(mode="json"),
        "bundles": bundles,
    }
    redacted: dict[str, Any] = redact(document)
    return redacted


def write_reports(report: BatchReport, settings: Settings, report_dir: Path) -> tuple[Path, Path]:
    """Write ``report.json`` and ``report.html`` (0600, atomically) into ``report_dir``."""
    report_dir.mkdir(parents=True, exist_ok=True)
    document = report_document(report, settings, report_dir)
    json_path, html_path = report_dir / "report.json", report_dir / "report.html"
    text = json.dumps(document, ensure_ascii=False, indent=2)
    write_private(json_path, (text + "\n").encode("utf-8"))
    write_private(html_path, render_html(document).encode("utf-8"))
    return json_path, html_path


def print_summary(report: BatchReport, *, stream: TextIO | None = None) -> None:
    """The summary table: rich on a terminal, tab-separated lines otherwise (for logs and greps)."""
    out = stream if stream is not None else sys.stdout
    rows = [
        [
            Path(i.bundle).name,
            i.account or "",
            i.outcome.value,
            i.step_reached or "",
            f"{i.duration_s:.1f}s",
            i.note or (i.errors[0]["message"] if i.errors else ""),
        ]
        for i in report.items
    ]
    rows = redact(rows)
    summary = report.summary()
    counts = ", ".join(f"{k} {v}" for k, v in summary.items() if v and k not in ("total", "ok"))
    footer = f"{summary['ok']}/{summary['total']} ok ({counts}); exit code {int(report.exit_code)}"
    if out.isatty():
        table = Table(title=f"batch {report.run_id}", caption=footer)
        for name in ("bundle", "account", "outcome", "step", "time", "note"):
            table.add_column(name, overflow="fold")
        for row in rows:
            table.add_row(*row, style=None if row[2] in _OK_TEXT else "red")
        Console(file=out).print(table)
        return
    out.write("\t".join(("bundle", "account", "outcome", "step", "time", "note")) + "\n")
    for row in rows:
        out.write("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row) + "\n")
    out.write(footer + "\n")


_OK_TEXT = frozenset({"ready", "saved", "submitted", "already_submitted", "skipped"})

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}table{border-collapse:collapse;width:100%;margin:1em 0}
th,td{border:1px solid #ccc;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}tr.bad td.outcome{color:#b00020;font-weight:600}
tr.good td.outcome{color:#1b6e20;font-weight:600}code,pre{font-family:ui-monospace,monospace;font-size:.92em}
pre{background:#f7f7f7;padding:.8em;overflow:auto}ul{margin:0;padding-left:1.2em}
.shots a{margin-right:.4em}
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _href(relative: str) -> str:
    return _e(quote(relative.replace(os.sep, "/")))


def _evidence_cell(links: dict[str, Any] | None) -> str:
    if not links:
        return ""
    parts = []
    shots = links.get("screenshots") or []
    if shots:
        anchors = " ".join(f'<a href="{_href(p)}">{_e(Path(p).name)}</a>' for p in shots)
        parts.append(f'<div class="shots">screenshots: {anchors}</div>')
    for key, title in (("trace", "trace"), ("result", "result.json"), ("log", "log")):
        if links.get(key):
            parts.append(f'<a href="{_href(links[key])}">{_e(title)}</a>')
    return " ".join(parts)


def _errors_cell(entry: dict[str, Any]) -> str:
    lines = []
    if entry.get("note"):
        lines.append(f"<li>{_e(entry['note'])}</li>")
    for error in entry.get("errors") or []:
        where = " ".join(_e(error.get(k)) for k in ("path", "label") if error.get(k))
        prefix = f"<code>{where}</code>: " if where else ""
        lines.append(f"<li>{prefix}{_e(error.get('message'))}</li>")
    return f"<ul>{''.join(lines)}</ul>" if lines else ""


def render_html(document: dict[str, Any]) -> str:
    """The HTML report of a (redacted) report document; every value is escaped."""
    rows = []
    for entry in document["bundles"]:
        rows.append(
            f'<tr class="{"good" if entry["ok"] else "bad"}">'
            f"<td><code>{_e(entry['bundle'])}</code></td><td>{_e(entry['account'])}</td>"
            f"<td>{_e(entry['algorithm'])}</td>"
            f'<td class="outcome">{_e(entry["outcome"])}</td><td>{_e(entry["step_reached"])}</td>'
            f"<td>{_e(entry['duration_s'])}s</td><td>{_errors_cell(entry)}</td>"
            f"<td>{_evidence_cell(entry.get('evidence'))}</td></tr>"
        )
    summary = " · ".join(f"{_e(k)}: {_e(v)}" for k, v in document["summary"].items() if v)
    browsers = ", ".join(document["browser_versions"]) or "none started"
    config = json.dumps(document["config"], ensure_ascii=False, indent=2)
    options = json.dumps(document["options"], ensure_ascii=False)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>beian-agent batch {_e(document["run_id"])}</title><style>{_CSS}</style></head>
<body>
<h1>beian-agent batch {_e(document["run_id"])}</h1>
<p>exit code <strong>{_e(document["exit_code"])}</strong>{" (interrupted)" if document["interrupted"] else ""}
 · {summary}</p>
<p>started {_e(document["started"])} · finished {_e(document["finished"])} · {_e(document["duration_s"])}s
 · beian-agent {_e(document["tool_version"])} · browser {_e(browsers)}
 · options <code>{_e(options)}</code></p>
<table><thead><tr><th>bundle</th><th>account</th><th>algorithm</th><th>outcome</th><th>step reached</th>
<th>duration</th><th>notes and errors</th><th>evidence</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
<h2>Configuration (secrets masked)</h2>
<pre>{_e(config)}</pre>
</body></html>
"""
