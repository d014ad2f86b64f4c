from __future__ import annotations

import io
import json
from pathlib import Path

from agent.batch.entry import BatchOptions, run_batch
from agent.batch.report import print_summary, report_document, write_reports
from agent.bundle import Bundle
from agent.status import BatchOutcome

from .conftest import FakeRunner, make_bundle, make_settings, no_browser

SCRIPT = "<script>alert('x')</script>"


def test_reports_escape_bundle_values_mask_secrets_and_link_evidence(tmp_path: Path) -> None:
    root = tmp_path / "bundles"
    make_bundle(root, "demo-provider", f"算法{SCRIPT}", directory="evil")
    make_bundle(root, "demo-supporter", "失败算法")
    settings = make_settings(tmp_path)
    report = run_batch(
        [root],
        settings,
        BatchOptions(),
        runner=FakeRunner(behaviours={"失败算法": "fail"}),
        browsers=no_browser,
    )
    # Evidence as the runner leaves it, for the links.
    evidence = tmp_path / "evidence" / "run-1"
    (evidence / "screenshots").mkdir(parents=True)
    (evidence / "screenshots" / "01-step 1.png").write_bytes(b"png")
    (evidence / "trace.zip").write_bytes(b"zip")
    report.items[0].evidence_dir = str(evidence)

    out = tmp_path / "evidence" / "batch-report"
    json_path, html_path = write_reports(report, settings, out)
    page = html_path.read_text(encoding="utf-8")
    assert SCRIPT not in page and "<script" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    # The screenshot is inside the page, not linked: the report still shows it once moved.
    assert 'src="data:image/png;base64,cG5n"' in page and "../run-1" not in page
    for text in (page, json_path.read_text(encoding="utf-8")):
        assert "Demo@2026" not in text and "13800138000" not in text
        assert "138****8000" in text
    document = json.loads(json_path.read_text(encoding="utf-8"))
    assert document["exit_code"] == 1
    assert document["summary"]["ready"] == 1 and document["summary"]["failed"] == 1
    assert document["config"]["accounts"]["demo-provider"]["password"] == "***"
    assert document["bundles"][0]["evidence"]["trace"] == "../run-1/trace.zip"
    assert document["bundles"][0]["algorithm"] == f"算法{SCRIPT}"
    assert (json_path.stat().st_mode & 0o777) == 0o600


def test_plain_summary_is_one_line_per_bundle(tmp_path: Path) -> None:
    root = tmp_path / "bundles"
    make_bundle(root, "demo-provider", "甲")
    make_bundle(root, "demo-newco", "乙")
    settings = make_settings(tmp_path)
    report = run_batch([root], settings, BatchOptions(), runner=FakeRunner(), browsers=no_browser)
    stream = io.StringIO()
    print_summary(report, stream=stream)
    lines = stream.getvalue().splitlines()
    assert lines[0].split("\t")[:3] == ["bundle", "account", "outcome"]
    assert sorted(line.split("\t")[0] for line in lines[1:3]) == ["乙", "甲"]
    assert {line.split("\t")[2] for line in lines[1:3]} == {"ready"}
    assert lines[-1] == "2/2 ok (ready 2); exit code 0"
    document = report_document(report, settings)
    assert [b["outcome"] for b in document["bundles"]] == [BatchOutcome.READY.value] * 2


def test_progress_bar_and_log_lines_follow_the_batch(tmp_path: Path) -> None:
    from rich.console import Console
    from structlog.testing import capture_logs

    from agent.batch.report import LogProgress, RichProgress

    root = tmp_path / "bundles"
    make_bundle(root, "demo-provider", "甲")
    make_bundle(root, "demo-newco", "乙")
    stream = io.StringIO()
    with RichProgress(Console(file=stream, force_terminal=True, width=100)) as bar:
        run_batch(
            [root],
            make_settings(tmp_path),
            BatchOptions(),
            runner=FakeRunner(),
            browsers=no_browser,
            observer=bar,
        )
    assert "ok 甲: ready" in stream.getvalue() and "ok 乙: ready" in stream.getvalue()
    with capture_logs() as logs:
        run_batch(
            [root],
            make_settings(tmp_path),
            BatchOptions(),
            runner=FakeRunner(),
            browsers=no_browser,
            observer=LogProgress(),
        )
    events = [entry["event"] for entry in logs]
    assert events.count("bundle_decided") == 2  # the second run skips both: ready with the same content
    assert "batch_planned" in events


def test_each_running_bundle_shows_its_stage_under_the_bar(tmp_path: Path) -> None:
    from dataclasses import dataclass, field
    from typing import Any

    from rich.console import Console

    from agent import progress
    from agent.batch.report import RichProgress
    from agent.progress import Stage
    from agent.result import RunResult
    from agent.run.runner import RunOptions
    from agent.settings import Settings

    @dataclass
    class StagedRunner(FakeRunner):
        """Reports a stage and an action, and notes what the bar shows at that moment."""

        bar: RichProgress | None = None
        seen: list[list[tuple[str, str]]] = field(default_factory=list)

        def __call__(self, bundle: Bundle, settings: Settings, options: RunOptions, **kw: Any) -> RunResult:
            assert self.bar is not None
            progress.stage_started(Stage.STEP1)
            progress.action("保存至草稿箱")
            self.seen.append(self.bar.running())
            progress.stage_done(Stage.STEP1)
            return super().__call__(bundle, settings, options, **kw)

    root = tmp_path / "bundles"
    make_bundle(root, "demo-provider", "甲")
    runner = StagedRunner()
    with RichProgress(Console(file=io.StringIO(), force_terminal=True, width=100)) as bar:
        runner.bar = bar
        run_batch(
            [root], make_settings(tmp_path), BatchOptions(), runner=runner, browsers=no_browser, observer=bar
        )
        assert bar.running() == []  # a finished bundle's line goes away
    assert runner.seen == [[("甲", "1 填写算法基础属性信息 保存至草稿箱")]]
