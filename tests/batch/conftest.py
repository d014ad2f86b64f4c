"""Bundles made from the fixtures, settings in a temporary state directory, and a fake runner that
records when each bundle runs, so scheduling is tested without a browser."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from agent.bundle import Bundle
from agent.exit_codes import ExitCode
from agent.result import RunError, RunResult, Until
from agent.run.runner import RunOptions
from agent.settings import Settings, load_settings
from agent.state.ledger import RunLedger, bundle_key_for
from agent.status import RunStatus

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "bundles"
SOURCES = {
    "demo-provider": (FIXTURES / "provider-basic", "智绘写作生成合成算法"),
    "demo-supporter": (FIXTURES / "supporter-basic", "深言文本生成算法"),
    "demo-newco": (FIXTURES / "newco-provider", "启点图文生成算法"),
}
PASSWORD = "Demo@2026"


@pytest.fixture(autouse=True)
def _in_scratch_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No developer's beian-agent.toml is picked up (env, secrets and logging: see tests/conftest.py)."""
    monkeypatch.chdir(tmp_path)


def make_bundle(root: Path, account: str, algorithm: str, *, directory: str | None = None) -> Path:
    """A copy of the fixture bundle for ``account`` whose 算法名称 is ``algorithm``."""
    source, original = SOURCES[account]
    target = root / (directory or algorithm)
    shutil.copytree(source, target)
    toml = target / "filing.toml"
    text = toml.read_text(encoding="utf-8")
    assert text.count(f'name = "{original}"') == 1
    toml.write_text(text.replace(f'name = "{original}"', f'name = "{algorithm}"'), encoding="utf-8")
    return target


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    accounts = {name: {"username": name, "password": PASSWORD} for name in SOURCES}
    return load_settings(
        None,
        paths__state_dir=tmp_path / "state",
        paths__evidence_dir=tmp_path / "evidence",
        accounts=accounts,
        **overrides,
    )


@dataclass
class FakeRunner:
    """Stands in for ``run_bundle``: records intervals, writes the ledger like the runner, can misbehave.

    ``behaviours`` maps an algorithm name to "fail", "crash", "login", "unreachable" or "needs_person".
    ``rendezvous`` (a number of parallel runs) makes each run wait, up to a bound, until that many runs
    were active at once, so parallelism is observed rather than hoped for.
    """

    behaviours: dict[str, str] = field(default_factory=dict)
    rendezvous: int = 1
    intervals: list[tuple[str, str, float, float]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    active: dict[str, int] = field(default_factory=dict)
    max_active: int = 0
    violations: list[str] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def __call__(
        self,
        bundle: Bundle,
        settings: Settings,
        options: RunOptions,
        *,
        ledger: RunLedger | None = None,
        run_id: str | None = None,
        browser: Any = None,
    ) -> RunResult:
        name = bundle.filing.algorithm.name
        with self._cond:
            self.calls.append(name)
            if self.active.get(bundle.account):
                self.violations.append(f"{bundle.account} ran two bundles at once")
            self.active[bundle.account] = self.active.get(bundle.account, 0) + 1
            total = sum(self.active.values())
            self.max_active = max(self.max_active, total)
            self._cond.notify_all()
            self._cond.wait_for(lambda: self.max_active >= self.rendezvous, timeout=5)
            start = time.monotonic()
        try:
            return self._result(bundle, name, options, ledger, run_id)
        finally:
            with self._cond:
                self.active[bundle.account] -= 1
                self.intervals.append((bundle.account, name, start, time.monotonic()))

    def _result(
        self, bundle: Any, name: str, options: RunOptions, ledger: RunLedger | None, run_id: str | None
    ) -> RunResult:
        behaviour = self.behaviours.get(name)
        if behaviour == "crash":
            raise RuntimeError("boom")
        key = bundle_key_for(bundle.directory)
        common = {"bundle": key, "account": bundle.account, "algorithm": name, "duration_s": 0.01}
        if behaviour in ("fail", "login", "unreachable", "needs_person"):
            code = {
                "fail": ExitCode.FAILED,
                "login": ExitCode.LOGIN_REQUIRED,
                "unreachable": ExitCode.PORTAL_UNREACHABLE,
                "needs_person": ExitCode.NEEDS_PERSON,
            }[behaviour]
            message = f"{behaviour}: the portal said no to 13800138000"
            if ledger is not None:
                ledger.record_checkpoint(
                    key, run_id, "step1", "failed", account=bundle.account, algorithm_name=name,
                    content_hash=bundle.content_hash(), last_error=message,
                )  # fmt: skip
            return RunResult(
                **common, status=RunStatus.FAILED, step_reached="step1",
                errors=[RunError(message, kind=behaviour)], exit_code=code,
            )  # fmt: skip
        status = "ready" if options.until is Until.CONFIRM else "saved"
        if ledger is not None:
            ledger.record_checkpoint(
                key, run_id, "confirm" if status == "ready" else "step3", status, account=bundle.account,
                algorithm_name=name, content_hash=bundle.content_hash(),
            )  # fmt: skip
        return RunResult(
            **common, status=RunStatus(status), step_reached="confirm", browser_version="fake 1.0"
        )


@pytest.fixture
def fake_runner() -> FakeRunner:
    return FakeRunner()


@contextmanager
def no_browser(settings: Settings) -> Iterator[None]:
    yield None
