"""Planning a batch: which bundles, which are valid, which the ledger says are done, which run where.

Nothing here opens a browser: ``plan_batch`` reads the bundle paths (directories of bundles, single
bundles, or manifest files), validates every bundle, asks the ledger about each valid one and groups
the ones left to run by portal account, since the portal keeps one session per entity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from agent.bundle import FILING_TOML, Bundle, BundleError, BundleInvalid, load_bundle
from agent.errors import SettingsError
from agent.exit_codes import ExitCode
from agent.profile import PortalProfile
from agent.result import Until
from agent.settings import Settings
from agent.state.ledger import Ledger, LedgerEntry, Status, bundle_key_for

__all__ = [
    "OK_OUTCOMES",
    "BatchItem",
    "BatchPlan",
    "Outcome",
    "account_key",
    "discover_bundles",
    "ledger_decision",
    "load_bundles",
    "plan_batch",
]


class Outcome(StrEnum):
    READY = "ready"  # at the confirmation page in this run
    SAVED = "saved"  # saved to 草稿箱 (``--until draft``)
    SUBMITTED = "submitted"
    ALREADY_SUBMITTED = "already_submitted"
    SKIPPED = "skipped"  # the ledger says it is done: submitted, or ready/saved with the same content
    FAILED = "failed"
    INVALID = "invalid"  # validation failed; never run
    NEEDS_PERSON = "needs_person"  # a submission was started and its outcome is unknown
    NOT_RUN = "not_run"  # not started: login needed for its account, portal unreachable, or interrupted


OK_OUTCOMES: frozenset[Outcome] = frozenset(
    {Outcome.READY, Outcome.SAVED, Outcome.SUBMITTED, Outcome.ALREADY_SUBMITTED, Outcome.SKIPPED}
)


@dataclass
class BatchItem:
    """One bundle's line in the reports."""

    bundle: str
    outcome: Outcome
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
        return self.outcome in OK_OUTCOMES

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


def _is_manifest(path: Path) -> bool:
    return path.is_file() and path.name != FILING_TOML


def _read_manifest(path: Path) -> list[Path]:
    """One bundle (or directory of bundles) per line; ``#`` starts a comment; relative to the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read the manifest {path}: {exc}") from None
    entries: list[Path] = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            entry = Path(line).expanduser()
            entries.append(entry if entry.is_absolute() else path.parent / entry)
    return entries


def _expand(path: Path, *, from_manifest: bool, seen_manifests: set[Path]) -> list[Path]:
    if path.is_dir() and not (path / FILING_TOML).exists():
        # A directory of bundles: its immediate subdirectories that hold a filing.toml.
        return sorted(p for p in path.iterdir() if p.is_dir() and (p / FILING_TOML).exists())
    if _is_manifest(path) and not from_manifest:
        resolved = path.resolve()
        if resolved in seen_manifests:
            return []
        seen_manifests.add(resolved)
        found: list[Path] = []
        for entry in _read_manifest(path):
            found.extend(_expand(entry, from_manifest=True, seen_manifests=seen_manifests))
        return found
    # A bundle, or something that claims to be one: validation says what is wrong with it.
    return [path]


def discover_bundles(paths: Iterable[Path]) -> list[Path]:
    """Bundle directories from the command line's paths, in order, each once."""
    found: list[Path] = []
    keys: set[str] = set()
    seen_manifests: set[Path] = set()
    for path in paths:
        if not path.exists():
            raise SettingsError(f"{path} does not exist — give bundle directories or a manifest file")
        for bundle_dir in _expand(path, from_manifest=False, seen_manifests=seen_manifests):
            key = bundle_key_for(bundle_dir)
            if key not in keys:
                keys.add(key)
                found.append(bundle_dir)
    return found


def ledger_decision(
    entry: LedgerEntry | None, content_hash: str, until: Until, *, recheck: bool = False
) -> tuple[Outcome, str] | None:
    """What the ledger says about a valid bundle: a final item, or None to run it.

    Submitted bundles are never run again. ``submitting`` means a crash may have happened after 提交:
    only a person may decide. A bundle already at the stage asked for, with the same content, is
    skipped (``recheck`` runs it again to fill and verify once more; the runner never submits in a
    batch). Everything else runs, and the runner resumes from the ledger's checkpoint.
    """
    if entry is None:
        return None
    if entry.status in (Status.SUBMITTED, Status.ALREADY_SUBMITTED):
        return Outcome.SKIPPED, f"already {entry.status.value.replace('_', ' ')} (run {entry.run_id})"
    if entry.status is Status.SUBMITTING:
        return Outcome.NEEDS_PERSON, (
            f"a submission started by run {entry.run_id} has an unknown outcome; "
            "check the portal, then record what you found in the ledger"
        )
    if recheck or entry.content_hash != content_hash:
        return None
    reached = {Status.READY} if until is Until.CONFIRM else {Status.READY, Status.SAVED}
    if entry.status in reached:
        return Outcome.SKIPPED, f"already {entry.status.value} with the same content (run {entry.run_id})"
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
    ledger: Ledger,
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
            code = ExitCode.NEEDS_PERSON if outcome is Outcome.NEEDS_PERSON else ExitCode.OK
            decided.append(BatchItem(**base, outcome=outcome, note=note, exit_code=code))
            continue
        groups.setdefault(account_key(bundle.account), []).append(bundle)
    return BatchPlan(decided=decided, groups=groups, order=order)


def _invalid(key: str, errors: Sequence[BundleError], **fields: Any) -> BatchItem:
    fields.setdefault("exit_code", ExitCode.FAILED)
    fields.pop("bundle", None)
    return BatchItem(
        bundle=key,
        outcome=Outcome.INVALID,
        errors=[{"kind": "invalid", **e.as_dict()} for e in errors],
        **fields,
    )
