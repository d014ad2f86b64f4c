"""The agent as the benchmark drives it: settings for the mock, one filing with its phases, a batch."""

from __future__ import annotations

import inspect
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser

from bench.bundles import BENCH_ACCOUNTS
from bench.phases import AgentProbe, step_phases
from fixtures.mock_portal import DEMO_PASSWORD

__all__ = [
    "agent_available",
    "agent_batch",
    "agent_settings",
    "file_agent",
    "file_agent_trace",
    "shipped_trace",
]

ACCOUNTS = ("demo-provider", "demo-supporter", "demo-newco", *BENCH_ACCOUNTS)


def agent_available() -> str | None:
    """None when the agent's runner and batch can run; else why not."""
    try:
        from agent.batch.entry import run_batch  # noqa: F401
        from agent.run.runner import run_bundle
    except ImportError as exc:
        return f"cannot import the agent's runner or batch: {exc}"
    if "raise NotImplementedError" in inspect.getsource(run_bundle):
        return "agent.run.runner.run_bundle is not implemented yet"
    return None


def shipped_trace() -> tuple[str | None, str | None]:
    """The ``browser.trace`` the agent is measured with, and a note when it is not the settings' default.

    Traces kept on failure only (``retain-on-failure``) cost nothing on a filing that succeeds; while the
    agent's settings lack that mode, the bench measures the agent with its trace off, which is what such a
    default costs on every successful filing, and says so.
    """
    from agent.settings import BrowserSettings

    if "retain-on-failure" in str(BrowserSettings.model_fields["trace"].annotation):
        return None, None
    return "off", "agent measured with browser.trace = off (retain-on-failure traces not available yet)"


def agent_settings(base_url: str, workdir: Path, *, trace: str | None = None) -> Any:
    """Settings from a config file written in ``workdir``: its own state, ledger and evidence there.

    ``trace`` sets ``browser.trace`` ("snapshots", "full", "off"); None keeps the agent's default.
    """
    from agent.settings import load_settings

    workdir.mkdir(parents=True, exist_ok=True)
    lines = [
        "[portal]",
        f'base_url = "{base_url}"',
        "[paths]",
        'state_dir = "state"',
        'evidence_dir = "evidence"',
    ]
    if trace is not None:
        lines += ["[browser]", f'trace = "{trace}"']
    for account in ACCOUNTS:
        lines += [f"[accounts.{account}]", f'username = "{account}"', f'password = "{DEMO_PASSWORD}"']
    config = workdir / "beian-agent.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_settings(config=config)


def file_agent(
    bundle_dir: Path, base_url: str, workdir: Path, browser: Browser, *, trace: str | None = "shipped"
) -> dict[str, Any]:
    """One ``run_bundle`` up to the confirmation page, in ``browser``; its outcome and its phases.

    ``trace``: "shipped" measures the agent as it ships (``shipped_trace``).
    """
    from agent.result import Until
    from agent.run.runner import RunOptions, run_bundle

    if trace == "shipped":
        trace = shipped_trace()[0]
    settings = agent_settings(base_url, workdir, trace=trace)
    with AgentProbe() as probe:
        start = time.perf_counter()
        result = run_bundle(bundle_dir, settings, RunOptions(until=Until.CONFIRM), browser=browser)
        end = time.perf_counter()
    return {
        "filing_s": end - start,
        "status": result.status.value,
        "step_reached": result.step_reached,
        "errors": [e.to_json() for e in result.errors],
        "steps": step_phases(start, probe.events, end),
        "activities": probe.activity_phases(end - start),
        "calls": probe.calls(),
        "not_probed": probe.missing,
    }


def file_agent_trace(bundle_dir: Path, base_url: str, workdir: Path, browser: Browser) -> dict[str, Any]:
    """``file_agent`` with a trace kept for every filing (``browser.trace = "snapshots"``): its cost."""
    return file_agent(bundle_dir, base_url, workdir, browser, trace="snapshots")


def agent_batch(bundles_root: Path, base_url: str, workdir: Path, concurrency: int) -> dict[str, Any]:
    """``run_batch`` over every bundle under ``bundles_root``; how many reached the confirmation page."""
    from agent.batch.entry import BatchOptions, run_batch
    from agent.result import Until

    settings = agent_settings(base_url, workdir, trace=shipped_trace()[0])
    report = run_batch([bundles_root], settings, BatchOptions(until=Until.CONFIRM, concurrency=concurrency))
    summary = report.summary()
    failures = [item.note or str(item.errors[:1]) for item in report.items if not item.ok]
    return {
        "ok": int(summary["ok"]),
        "summary": summary,
        "workers": min(concurrency, len({item.account for item in report.items})),
        "failures": failures[:5],
    }
