"""The filing task's bookkeeping and its verdicts, with the runner replaced (no browser)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agent.exit_codes import ExitCode
from agent.queue import app as queue_app
from agent.queue.records import job_runs
from agent.queue.sync import run_sync
from agent.result import RunError, RunResult, Until
from agent.settings import load_settings
from agent.status import RunStatus
from bench.bundles import batch_bundles


class NoBrowsers:
    async def run(self, work: Any) -> Any:
        return work(None)


@pytest.mark.parametrize(
    ("status", "code", "kind", "verdict"),
    [
        (RunStatus.READY, ExitCode.OK, None, None),
        (RunStatus.FAILED, ExitCode.PORTAL_UNREACHABLE, "PortalUnreachable", queue_app.TransientFailure),
        (RunStatus.FAILED, ExitCode.FAILED, "browser", queue_app.TransientFailure),
        (RunStatus.FAILED, ExitCode.LOGIN_REQUIRED, "LoginRequired", queue_app.FilingFailed),
    ],
)
def test_outcomes_are_recorded_and_only_passing_failures_retried(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch, status: RunStatus, code: ExitCode,
    kind: str | None, verdict: type[Exception] | None,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    (bundle,) = batch_bundles(tmp_path / "bundles", 1, "t")
    settings = load_settings(None, queue__database_url=pg_url)
    evidence = str(tmp_path / "evidence" / "x")
    errors = [RunError("the portal said no to 13800138000", kind=kind)] if kind else []

    def fake_run(bundle_dir: Path, *args: Any, **kwargs: Any) -> RunResult:
        return RunResult(str(bundle_dir), status, evidence_dir=evidence, errors=errors, exit_code=code)

    monkeypatch.setattr(queue_app, "run_bundle", fake_run)
    from agent.queue.schema import ensure_schema

    ensure_schema(pg_url)
    work = queue_app._file(settings, pg_url, NoBrowsers(), 7, bundle, "demo-provider", Until.CONFIRM)  # type: ignore[arg-type]
    if verdict is None:
        assert "ready" in run_sync(work)
    else:
        with pytest.raises(verdict) as info:
            run_sync(work)
        assert "13800138000" not in str(info.value) and evidence in str(info.value)
    (run,) = job_runs(pg_url)
    assert (run.job_id, run.outcome, run.evidence_dir) == (7, status.value, evidence)
    assert run.finished is not None and run.started <= run.finished
