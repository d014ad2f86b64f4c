"""Which evidence folders may go: older than asked, never younger than the legal minimum, never proof.

An evidence folder's age comes from the UTC time at the start of its name (``20260301T080910Z-…``,
as ``EvidenceDir`` and batch reports name them), else from its modification time. Folders the ledger
records as the evidence of a submission (the run that clicked 提交, the run that saw it go through),
and the report folder of a batch run that submitted, are kept unless explicitly included.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from agent.errors import SettingsError
from agent.exit_codes import ExitCode

__all__ = ["PruneCandidate", "RetentionTooShort", "folder_time", "plan_prune", "prune"]

_STAMP = re.compile(r"(?:^|-)(\d{8}T\d{6}Z)")


class RetentionTooShort(SettingsError):
    exit_code = ExitCode.USAGE


@dataclass(frozen=True)
class PruneCandidate:
    path: Path
    created: datetime
    size: int
    submission: bool  # the evidence of a submission: kept unless included on purpose


def folder_time(path: Path) -> datetime:
    """When the folder was made: the UTC stamp in its name, else its modification time."""
    match = _STAMP.search(path.name)
    if match is not None:
        try:
            return datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except ValueError:
            pass
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def plan_prune(
    evidence_root: Path,
    older_than_days: int,
    *,
    min_days: int,
    submission_dirs: set[str],
    submission_runs: set[str],
    now: datetime | None = None,
) -> list[PruneCandidate]:
    """The folders directly below ``evidence_root`` older than ``older_than_days``, oldest first."""
    if older_than_days < min_days:
        raise RetentionTooShort(
            f"--older-than {older_than_days} is below evidence.min_retention_days ({min_days}): "
            "网络安全法 (Cybersecurity Law) Art. 21 requires logs to be kept at least six months; "
            f"use --older-than {min_days} or more"
        )
    if not evidence_root.is_dir():
        return []
    cutoff = (now or datetime.now(UTC)) - timedelta(days=older_than_days)
    # By name: folder names are unique (time, bundle, random suffix) and survive a moved evidence root.
    protected = {Path(p).name for p in submission_dirs}
    report_names = {f"batch-{run_id}" for run_id in submission_runs}
    found = []
    for path in sorted(evidence_root.iterdir()):
        if not path.is_dir() or path.is_symlink():
            continue
        created = folder_time(path)
        if created >= cutoff:
            continue
        submission = path.name in protected or path.name in report_names
        found.append(PruneCandidate(path, created, _size(path), submission))
    found.sort(key=lambda c: c.created)
    return found


def prune(candidates: list[PruneCandidate], *, include_submissions: bool) -> list[PruneCandidate]:
    """Delete the candidates (submission evidence only if included); returns what was deleted."""
    deleted = []
    for candidate in candidates:
        if candidate.submission and not include_submissions:
            continue
        shutil.rmtree(candidate.path)
        deleted.append(candidate)
    return deleted
