"""``queue enqueue`` against a throwaway PostgreSQL: validation, locks, no job twice, the ledger's word."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from agent.cli.app import app
from agent.queue.app import enqueue
from agent.queue.sync import run_sync
from agent.settings import load_settings
from agent.state.pg_ledger import PostgresLedger
from bench.bundles import FIXTURES, batch_bundles

cli = CliRunner()


@pytest.fixture(autouse=True)
def _scratch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)


def jobs(url: str) -> list[tuple[str, str | None, str | None]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT status::text, lock, queueing_lock FROM procrastinate_jobs "
            "WHERE task_name = 'beian.file_bundle' ORDER BY id"
        ).fetchall()
    return [(r[0], r[1], r[2]) for r in rows]


def test_one_job_per_valid_bundle_with_account_lock_and_no_second_copy(tmp_path: Path, pg_url: str) -> None:
    made = batch_bundles(tmp_path / "bundles", 4, "q")
    shutil.copytree(FIXTURES / "invalid" / "bad-url", tmp_path / "bundles" / "zz-invalid")
    settings = load_settings(None, queue__database_url=pg_url)

    first = enqueue(settings, [tmp_path / "bundles"])
    assert sorted(i.outcome for i in first) == ["invalid", "queued", "queued", "queued", "queued"]
    invalid = next(i for i in first if i.outcome == "invalid")
    assert invalid.bundle.endswith("zz-invalid") and invalid.errors
    rows = jobs(pg_url)
    assert [r[0] for r in rows] == ["todo"] * 4
    assert sorted(r[1] for r in rows if r[1]) == [
        "demo_bench",
        "demo_newco",
        "demo_provider",
        "demo_supporter",
    ]
    assert all(r[2] and r[2].startswith(f"{r[1]}/") for r in rows)

    second = enqueue(settings, [*made, tmp_path / "bundles"])
    assert sorted(i.outcome for i in second) == ["already_queued"] * 4 + ["invalid"]
    assert len(jobs(pg_url)) == 4


def test_done_in_the_ledger_is_not_queued(tmp_path: Path, pg_url: str) -> None:
    (bundle,) = batch_bundles(tmp_path / "bundles", 1, "done")
    settings = load_settings(None, queue__database_url=pg_url)
    from agent.bundle import load_bundle
    from agent.state.ledger import bundle_key_for

    loaded = load_bundle(bundle)
    ledger = PostgresLedger(pg_url)
    ledger.record_checkpoint(
        bundle_key_for(bundle), None, "confirm", "ready", content_hash=loaded.content_hash(),
        account=loaded.account, algorithm_name=loaded.filing.algorithm.name,
    )  # fmt: skip
    (item,) = enqueue(settings, [bundle])
    assert item.outcome == "done" and jobs(pg_url) == []


def test_cli_reports_invalid_and_needs_a_database(tmp_path: Path, pg_url: str) -> None:
    shutil.copytree(FIXTURES / "invalid" / "bad-url", tmp_path / "bad")
    result = cli.invoke(app, ["queue", "enqueue", str(tmp_path / "bad"), "--database-url", pg_url, "--json"])
    assert result.exit_code == 1, result.output
    (item,) = json.loads(result.stdout)
    assert item["outcome"] == "invalid" and item["errors"]

    result = cli.invoke(app, ["queue", "status"])
    assert result.exit_code == 2 and "database_url" in result.output

    result = cli.invoke(app, ["queue", "status", "--database-url", pg_url, "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == {}


def test_the_nightly_job_enqueues_the_configured_paths(tmp_path: Path, pg_url: str) -> None:

    from agent.queue.app import build_app

    batch_bundles(tmp_path / "bundles", 2, "night")
    settings = load_settings(None, queue__database_url=pg_url, queue__nightly_paths=[tmp_path / "bundles"])
    app = build_app(settings)

    async def night() -> int:
        async with app.open_async():
            queued: int = await app.tasks["beian.nightly"].func(timestamp=0)
            return queued

    assert run_sync(night()) == 2
    assert [r[0] for r in jobs(pg_url)] == ["todo", "todo"]
    assert run_sync(night()) == 0 and len(jobs(pg_url)) == 2


def test_worker_refuses_to_start_without_the_session_key(pg_url: str) -> None:
    result = cli.invoke(app, ["queue", "worker", "--database-url", pg_url])
    assert result.exit_code == 2 and "BEIAN_SESSION_KEY" in result.output
