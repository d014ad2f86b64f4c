"""What one run of one bundle ended with: the object behind ``submit --json`` and the batch reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from agent.exit_codes import ExitCode
from agent.status import RunStatus

__all__ = ["FieldCheck", "RunError", "RunResult", "Until"]


class Until(StrEnum):
    DRAFT = "draft"
    CONFIRM = "confirm"


@dataclass(frozen=True)
class RunError:
    message: str
    path: str | None = None
    label: str | None = None
    kind: str = "error"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "path": self.path, "label": self.label, "message": self.message}


@dataclass(frozen=True)
class FieldCheck:
    """One field read back from the portal: what the bundle says beside what the page shows.

    ``page`` is where it was read (``step1``..``step3``, ``confirm``); ``portal_value`` is None when the
    page did not show the label at all, and ``ok`` is then None too (not checked, not wrong).
    """

    page: str
    path: str
    label: str
    bundle_value: str
    portal_value: str | None
    ok: bool | None

    def to_json(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "path": self.path,
            "label": self.label,
            "bundle_value": self.bundle_value,
            "portal_value": self.portal_value,
            "ok": self.ok,
        }


@dataclass
class RunResult:
    bundle: str
    status: RunStatus
    step_reached: str = "start"  # or a ledger Checkpoint value
    evidence_dir: str | None = None
    duration_s: float = 0.0
    browser_version: str | None = None
    account: str | None = None
    algorithm: str | None = None
    errors: list[RunError] = field(default_factory=list)
    warnings: list[RunError] = field(default_factory=list)
    fields: list[FieldCheck] = field(default_factory=list)  # in the order the page lists them
    exit_code: ExitCode = ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        return {
            "bundle": self.bundle,
            "status": self.status.value,
            "step_reached": self.step_reached,
            "evidence_dir": self.evidence_dir,
            "duration_s": round(self.duration_s, 3),
            "browser_version": self.browser_version,
            "account": self.account,
            "algorithm": self.algorithm,
            "errors": [e.to_json() for e in self.errors],
            "warnings": [w.to_json() for w in self.warnings],
            "fields": [f.to_json() for f in self.fields],
        }
