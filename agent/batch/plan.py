"""Planning a batch: which bundles, which are valid, which the ledger says are done, which run where.

Nothing here opens a browser: ``plan_batch`` reads the bundle paths (directories of bundles, single
bundles, or manifest files), validates every bundle, asks the ledger about each valid one and groups
the ones left to run by portal account, since the portal keeps one session per entity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.bundle import Bundle, BundleError, BundleInvalid, discover_bundles, load_bundle
from agent.errors import SettingsError
from agent.exit_codes import ExitCode
from agent.profile import PortalProfile
from agent.result import Until
from agent.settings import Settings
from agent.state.ledger import LedgerEntry, RunLedger, bundle_key_for
from agent.status import BATCH_OK, LEDGER_DONE, BatchOutcome, LedgerStatus

__all__ = [
    "BatchItem",
    "BatchPlan",
    "account_key",
    "discover_bundles",
    "ledger_decision",
    "load_bundles",
    "plan_batch",
]


@dataclass
class BatchItem:
    """One bundle's line in the reports."""

    bundle: str
    outcome: BatchOutcome
    account: str | None = None
    algorithm: str | None = None
    content_hash: str | None = None
    note: str = ""
    step_reached: str | None = None
    duration_s: float = 0.0
    evidence_dir: str | None = None
    browser_version: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    exit_code: ExitCode = ExitCode.OK

    @property
    def ok(self) -> bool:
        return self.outcome in BATCH_OK

    def to_json(self) -> dict[str, Any]:
        return {
            "bundle": self.bundle,
            "outcome": self.outcome.value,
            "ok": self.ok,
            "account": self.account,
            "algorithm": self.algorithm,
            "content_hash": self.content_hash,
            "note": self.note,
            "step_reached": self.step_reached,
            "duration_s": round(self.duration_s, 3),
            "evidence_dir": self.evidence_dir,
            "browser_version": self.browser_version,
            "errors": self.errors,
            "exit_code": int(self.exit_code),
        }


@dataclass
class BatchPlan:
    """Decided before any browser opens: items already final, and the bundles to run per account."""

    decided: list[BatchItem]
    groups: dict[str, list[Bundle]]
    order: list[str]  # every bundle key, in the order given, for the reports

    @property
    def to_run(self) -> int:
        return sum(len(g) for g in self.groups.values())


def account_key(name: str) -> str:
    # The settings treat ``-`` and ``_`` alike in account names; so must the per-account serialisation.
    return name.strip().lower().replace("-", "_")


def ledger_decision(
    entry: LedgerEntry | None, content_hash: str, until: Until, *, recheck: bool = False
) -> tuple[BatchOutcome, str] | None:
    """What the ledger says about a valid bundle: a final item, or None to run it.

    Submitted bundles are never run again. ``submitting`` means a crash may have happened after 提交:
    only a person may decide. A bundle already at the stage asked for, with the same content, is
    skipped (``recheck`` runs it again to fill and verify once more; the runner never submits in a
    batch). Everything else runs, and the runner resumes from the ledger's checkpoint.
    """
    if entry is None:
        return None
    if entry.status in LEDGER_DONE:
        return BatchOutcome.SKIPPED, f"already {entry.status.value.replace('_', ' ')} (run {entry.run_id})"
    if entry.status is LedgerStatus.SUBMITTING:
        return BatchOutcome.NEEDS_PERSON, (
            f"a submission started by run {entry.run_id} has an unknown outcome; "
            "check the portal, then record what you found in the ledger"
        )
    if recheck or entry.content_hash != content_hash:
        return None
    reached = {LedgerStatus.READY} if until is Until.CONFIRM else {LedgerStatus.READY, LedgerStatus.SAVED}
    if entry.status in reached:
        return (
            BatchOutcome.SKIPPED,
            f"already {entry.status.value} with the same content (run {entry.run_id})",
        )
    return None


def _duplicates_check(bundle: Bundle, seen: dict[tuple[str, str], str]) -> str | None:
    # The portal keys a draft by account and algorithm name: two bundles with both equal would fight
    # over one draft, so the second is refused rather than filed over the first.
    key = (account_key(bundle.account), bundle.filing.algorithm.name)
    if key in seen:
        return f"same account and algorithm name as {seen[key]} — give each algorithm one bundle"
    seen[key] = str(bundle.directory)
    return None


def load_bundles(
    bundle_dirs: Sequence[Path], profile: PortalProfile | None
) -> dict[Path, Bundle | BundleInvalid]:
    """Each bundle read and validated once: the plan, a rehearsal and the runs all use these."""
    loaded: dict[Path, Bundle | BundleInvalid] = {}
    for directory in bundle_dirs:
        try:
            loaded[directory] = load_bundle(directory, profile)
        except BundleInvalid as exc:
            loaded[directory] = exc
    return loaded


def plan_batch(
    bundle_dirs: Sequence[Path],
    settings: Settings,
    ledger: RunLedger,
    *,
    until: Until,
    profile: PortalProfile | None = None,
    recheck: bool = False,
    loaded: Mapping[Path, Bundle | BundleInvalid] | None = None,
) -> BatchPlan:
    """``loaded``: bundles already read (``load_bundles``); the others are read here."""
    decided: list[BatchItem] = []
    groups: dict[str, list[Bundle]] = {}
    order: list[str] = []
    algorithms: dict[tuple[str, str], str] = {}
    for directory in bundle_dirs:
        key = bundle_key_for(directory)
        order.append(key)
        found = (loaded or {}).get(directory) or load_bundles([directory], profile)[directory]
        if isinstance(found, BundleInvalid):
            decided.append(_invalid(key, found.errors))
            continue
        bundle = found
        problem = _duplicates_check(bundle, algorithms)
        if problem is None:
            try:
                settings.account(bundle.account)
            except SettingsError as exc:
                problem = f"{exc} — add [accounts.{bundle.account}] to the config"
        content_hash = bundle.content_hash()
        base: dict[str, Any] = {
            "bundle": key,
            "account": bundle.account,
            "algorithm": bundle.filing.algorithm.name,
            "content_hash": content_hash,
        }
        if problem is not None:
            decided.append(
                _invalid(key, [BundleError("account", "", problem)], **base, exit_code=ExitCode.FAILED)
            )
            continue
        decision = ledger_decision(ledger.get(key), content_hash, until, recheck=recheck)
        if decision is not None:
            outcome, note = decision
            code = ExitCode.NEEDS_PERSON if outcome is BatchOutcome.NEEDS_PERSON else ExitCode.OK
            decided.append(BatchItem(**base, outcome=outcome, note=note, exit_code=code))
            continue
        groups.setdefault(account_key(bundle.account), []).append(bundle)
    return BatchPlan(decided=decided, groups=groups, order=order)


def _invalid(key: str, errors: Sequence[BundleError], **fields: Any) -> BatchItem:
    fields.setdefault("exit_code", ExitCode.FAILED)
    fields.pop("bundle", None)
    return BatchItem(
        bundle=key,
        outcome=BatchOutcome.INVALID,
        errors=[{"kind": "invalid", **e.as_dict()} for e in errors],
        **fields,
    )
