"""Checks shared by the end-to-end tests: ``/__mock/state`` against a bundle, field by field, attachments
by sha256; the ledger; the evidence directory."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from agent.bundle import Bundle
from agent.settings import Settings, load_settings
from agent.state.ledger import Ledger, LedgerEntry, bundle_key_for
from fixtures.mock_portal import DEMO_PASSWORD, MockPortal

ACCOUNTS = ("demo-provider", "demo-supporter", "demo-newco")
# Modest limits: a broken step fails in seconds, a loaded 2-core machine still passes.
TIMEOUTS = {"action_ms": 8_000, "navigation_ms": 15_000, "upload_ms": 15_000}
RETRY = {"attempts": 5, "initial_wait_s": 0.1, "max_wait_s": 1.0}

# Step 2's sections as the portal titles them, and where the bundle keeps each.
STEP2_SECTIONS = {
    "algorithm.data": "算法数据",
    "algorithm.model": "算法模型",
    "algorithm.strategy": "算法策略",
    "algorithm.risk": "算法风险与防范机制",
}
ENTITY_SECTIONS = {
    "entity": "主体基本信息",
    "entity.certificate": "证件信息",
    "entity.legal_representative": "法定代表人信息",
    "entity.security_officer": "算法安全责任人信息",
}


def make_settings(base_url: str, root: Path, profile_path: Path | None = None, **overrides: Any) -> Settings:
    """The tests' settings; ``portal``, ``timeouts`` and ``retry`` overrides are merged key by key.

    Traces are kept on success too (``browser.trace = "on"``), so that every run's trace is checked for
    secrets; the default (``retain-on-failure``) is tested on its own.
    """
    overrides.setdefault("browser", {"trace": "on"})
    portal: dict[str, Any] = {"base_url": base_url, **overrides.pop("portal", {})}
    if profile_path is not None:
        portal["profile_path"] = profile_path
    return load_settings(
        None,
        portal=portal,
        paths={"state_dir": root / "state", "evidence_dir": root / "evidence"},
        accounts={name: {"username": name, "password": DEMO_PASSWORD} for name in ACCOUNTS},
        timeouts={**TIMEOUTS, **overrides.pop("timeouts", {})},
        retry={**RETRY, **overrides.pop("retry", {})},
        **overrides,
    )


def ledger_entry(settings: Settings, bundle_dir: Path) -> LedgerEntry | None:
    return Ledger(settings.ledger_path).get(bundle_key_for(bundle_dir))


# -- comparing the portal's state with a bundle ------------------------------------------------------
def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def account_state(portal: MockPortal, account: str) -> dict[str, Any]:
    state: dict[str, Any] = portal.state()["accounts"][account]
    return state


def filings_named(state: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [f for f in state["filings"] if f["sections"].get("算法基础属性信息", {}).get("算法名称") == name]


def _stored(value: Any) -> Any:
    """A bundle's screen value as the mock stores it."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_stored(v) for v in value]
    if isinstance(value, dict):
        return {k: _stored(v) for k, v in value.items()}
    return value if isinstance(value, str) else str(value)


def compare_section(
    bundle: Bundle,
    path: str,
    stored: dict[str, Any],
    attachments: dict[str, Any],
    problems: list[str],
) -> int:
    """Append a line per field of ``path`` that the portal holds differently; return how many were checked."""
    entries = bundle.fields(path)
    for entry in entries:
        where = f"{entry.path} ({entry.label})"
        if isinstance(entry.value, Path):
            meta = attachments.get(entry.label)
            if meta is None:
                problems.append(f"{where}: no attachment stored")
            elif meta["sha256"] != sha256(entry.value):
                problems.append(f"{where}: stored sha256 {meta['sha256']} is not the bundle file's")
            continue
        if entry.label not in stored:
            problems.append(f"{where}: not stored")
        elif stored[entry.label] != _stored(entry.value):
            problems.append(f"{where}: stored {stored[entry.label]!r}, bundle {_stored(entry.value)!r}")
    return len(entries)


def filing_problems(bundle: Bundle, filing: dict[str, Any]) -> list[str]:
    """Every difference between a stored filing and the bundle, field by field."""
    problems: list[str] = []
    sections, attachments = filing["sections"], filing["attachments"]
    checked = compare_section(
        bundle, "algorithm", sections.get("算法基础属性信息", {}), attachments, problems
    )
    for path, title in STEP2_SECTIONS.items():
        checked += compare_section(bundle, path, sections.get(title, {}), attachments, problems)
    if bundle.is_supporter:
        checked += compare_section(
            bundle, "technical_service", sections.get("技术服务方式", {}), attachments, problems
        )
        if filing["products"]:
            problems.append(f"a 技术支持者 filing has product ticks: {filing['products']}")
    else:
        products = bundle.filing.products
        assert products is not None
        wanted = sorted(
            ((s.product, s.path, s.function) for s in products.select), key=lambda t: tuple(map(str, t))
        )
        ticked = sorted(
            ((t["product"], t["path"], t["function"]) for t in filing["products"]),
            key=lambda t: tuple(map(str, t)),
        )
        if ticked != wanted:
            problems.append(f"product ticks: stored {ticked}, bundle {wanted}")
        checked += len(wanted)
    assert checked >= 20, f"only {checked} fields compared: the comparison itself is broken"
    return problems


def products_problems(bundle: Bundle, products: list[dict[str, Any]]) -> list[str]:
    """Each product the bundle defines exists with its fields, paths and functions."""
    problems: list[str] = []
    defined = bundle.filing.products.define if bundle.filing.products is not None else []
    for i, product in enumerate(defined):
        found = [p for p in products if p["fields"].get("产品名称") == product.name]
        if len(found) != 1:
            problems.append(f"product {product.name!r}: {len(found)} on the portal")
            continue
        stored = found[0]
        compare_section(bundle, f"products.define[{i}]", stored["fields"], {}, problems)
        for j, path in enumerate(product.paths):
            here = f"products.define[{i}].paths[{j}]"
            paths = [p for p in stored["paths"] if p["path"] == path.path]
            if len(paths) != 1:
                problems.append(f"{here}: {len(paths)} paths {path.path!r} on the portal")
                continue
            for k, function in enumerate(path.functions):
                named = [f for f in paths[0]["functions"] if f.get("功能名称") == function.name]
                if len(named) != 1:
                    problems.append(f"{here}.functions[{k}]: {len(named)} functions {function.name!r}")
                    continue
                compare_section(bundle, f"{here}.functions[{k}]", named[0], {}, problems)
    return problems


def entity_problems(bundle: Bundle, entity: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for path, title in ENTITY_SECTIONS.items():
        compare_section(bundle, path, entity["sections"].get(title, {}), entity["attachments"], problems)
    compare_section(bundle, "entity.attachments", {}, entity["attachments"], problems)
    return problems


def the_one_filing(portal: MockPortal, bundle: Bundle) -> dict[str, Any]:
    """The single filing named like the bundle's algorithm (fails if there are none or several)."""
    state = account_state(portal, bundle.account)
    mine = filings_named(state, bundle.filing.algorithm.name)
    unnamed = [f for f in state["filings"] if not f["sections"].get("算法基础属性信息", {}).get("算法名称")]
    assert len(mine) == 1, f"{len(mine)} filings named {bundle.filing.algorithm.name!r}"
    assert unnamed == [], f"{len(unnamed)} unnamed drafts left behind"
    return mine[0]


# -- the evidence directory --------------------------------------------------------------------------
def evidence_problems(evidence_dir: Path, steps: list[str], secrets: list[str]) -> list[str]:
    """A screenshot per step, result.json, and traces that hold none of ``secrets`` in clear."""
    problems: list[str] = []
    shots = sorted(p.name for p in (evidence_dir / "screenshots").glob("*.png"))
    for step in steps:
        if not any(re.fullmatch(rf"\d\d-{step}\.png", s) for s in shots):
            problems.append(f"no screenshot for {step} (have {shots})")
    if not (evidence_dir / "result.json").is_file():
        problems.append("no result.json")
    traces = sorted(evidence_dir.glob("trace*.zip"))
    if not (evidence_dir / "trace.zip").is_file():
        problems.append("no trace.zip")
    for trace in traces:
        with zipfile.ZipFile(trace) as archive:
            for info in archive.infolist():
                data = archive.read(info)
                for secret in secrets:
                    if secret.encode() in data:
                        problems.append(f"{trace.name}:{info.filename} holds {secret[:3]}… in clear")
    return problems


def session_cookies(settings: Settings, account: str) -> list[str]:
    """The cookie values of the session the run saved for ``account`` (they must stay out of traces)."""
    session_file = settings.account(account).session_file
    assert session_file is not None and session_file.is_file(), "the run saved no session"
    state = json.loads(session_file.read_text(encoding="utf-8"))
    values = [str(c["value"]) for c in state.get("cookies", []) if len(str(c.get("value", ""))) >= 8]
    assert values, "the saved session holds no cookie"
    return values


# -- acting while a run is under way -----------------------------------------------------------------
class When:
    """Do ``action`` once, in a watcher thread, as soon as ``condition`` holds while the body runs.

    ``with When(lambda: reached(...), portal.expire_sessions) as trigger: run(...)``; afterwards
    ``trigger.fired`` tells whether it happened (tests assert it did, so a missed moment cannot pass).
    """

    def __init__(self, condition: Callable[[], bool], action: Callable[[], object], poll_s: float = 0.05):
        self.condition, self.action, self.poll_s = condition, action, poll_s
        self.fired = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="e2e-when", daemon=True)
        self.error: BaseException | None = None

    def _watch(self) -> None:
        try:
            while not self._done.wait(self.poll_s):
                if self.condition():
                    self.action()
                    self.fired.set()
                    return
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.error = exc

    def __enter__(self) -> When:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._done.set()
        self._thread.join(10)
        if self.error is not None:
            raise self.error


def checkpoint_reached(settings: Settings, bundle_dir: Path, checkpoint: str) -> Callable[[], bool]:
    ledger, key = Ledger(settings.ledger_path), bundle_key_for(bundle_dir)
    return lambda: any(e.checkpoint == checkpoint for e in ledger.events(key))
