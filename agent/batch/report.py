"""What a batch shows: progress while it runs, then a summary table, ``report.json`` and ``report.html``.

``report.json`` links to each run's evidence by relative path; ``report.html`` (``agent.batch.report_html``)
embeds what it shows, screenshots included, so it still opens complete once moved. Both carry, per filing,
what the bundle says (role, entity, attachments with sha256), what the portal showed (the fields read
back, from the run's ``result.json``) and what the ledger knows (portal status, filing number). The whole
document passes through ``agent.redact`` first: the configuration with its secrets masked, texts with ID
numbers, mobiles and e-mail addresses masked.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

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
from agent.batch.report_html import render_html
from agent.bundle import Bundle, BundleInvalid, load_bundle
from agent.bundle.facts import bundle_facts
from agent.files import private_dir, write_private
from agent.live import FAILED, StageBoard, stage_titles
from agent.profile import PortalProfile, default_profile
from agent.progress import ProgressEvent
from agent.redact import redact, redact_text
from agent.settings import Settings
from agent.state.ledger import Ledger, LedgerEntry, bundle_key_for
from agent.status import BATCH_OK

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


def _bundle_details(item: BatchItem) -> dict[str, Any]:
    """Role, entity and attachments from the bundle, if it is still readable where it was run from."""
    details: dict[str, Any] = {"role": None, "entity": None, "products": None, "attachments": []}
    directory = Path(item.bundle)
    if not (directory / "filing.toml").is_file():
        return details
    try:
        bundle = load_bundle(directory)
    except (BundleInvalid, OSError):
        return details
    facts = bundle_facts(bundle)
    details.update(role=facts["role"], entity=facts["entity_name"], products=facts["products"])
    for path, file in bundle.attachments().items():
        try:
            data = file.read_bytes()
        except OSError:
            continue
        details["attachments"].append(
            {"path": path, "name": file.name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        )
    return details


def _run_result(item: BatchItem) -> dict[str, Any]:
    """The run's ``result.json``: the fields read back and the warnings (absent for runs not started)."""
    if not item.evidence_dir:
        return {}
    try:
        loaded = json.loads((Path(item.evidence_dir) / "result.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _portal_facts(settings: Settings) -> dict[str, LedgerEntry]:
    """What the ledger knows per bundle key (portal status, filing number); never creates a ledger."""
    if not settings.ledger_path.exists():
        return {}
    return {e.bundle_key: e for e in Ledger(settings.ledger_path).entries()}


def report_document(
    report: BatchReport, settings: Settings, report_dir: Path | None = None
) -> dict[str, Any]:
    """The JSON report (what ``--json`` prints and ``report.json`` holds), redacted."""
    ledger = _portal_facts(settings)
    bundles = []
    for item in report.items:
        entry = item.to_json()
        if report_dir is not None:
            entry["evidence"] = evidence_links(item, report_dir)
        result = _run_result(item)
        known = ledger.get(bundle_key_for(Path(item.bundle)))
        entry.update(_bundle_details(item))
        entry["fields"] = result.get("fields") or []
        entry["warnings"] = result.get("warnings") or []
        entry["portal_status"] = known.portal_status if known else None
        entry["filing_number"] = known.filing_number if known else None
        entry["submitted_at"] = known.submitted_at if known else None
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


def _screenshots(item: BatchItem) -> list[tuple[str, bytes]]:
    if not item.evidence_dir:
        return []
    found = []
    for path in sorted((Path(item.evidence_dir) / "screenshots").glob("*.png")):
        try:
            found.append((path.name, path.read_bytes()))
        except OSError:
            continue
    return found


def write_reports(report: BatchReport, settings: Settings, report_dir: Path) -> tuple[Path, Path]:
    """Write ``report.json`` and ``report.html`` (0600, atomically) into ``report_dir`` (0700)."""
    private_dir(report_dir)
    document = report_document(report, settings, report_dir)
    json_path, html_path = report_dir / "report.json", report_dir / "report.html"
    text = json.dumps(document, ensure_ascii=False, indent=2)
    write_private(json_path, (text + "\n").encode("utf-8"))
    shots = [_screenshots(item) for item in report.items]
    write_private(html_path, render_html(document, shots).encode("utf-8"))
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
            table.add_row(*row, style=None if row[2] in BATCH_OK else "red")
        Console(file=out).print(table)
        return
    out.write("\t".join(("bundle", "account", "outcome", "step", "time", "note")) + "\n")
    for row in rows:
        out.write("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row) + "\n")
    out.write(footer + "\n")
