"""What one run of one bundle ended with: the object behind ``submit --json`` and the batch reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from agent.exit_codes import ExitCode

__all__ = ["RunError", "RunResult", "RunStatus", "Until"]


class RunStatus(StrEnum):
    SAVED = "saved"  # every step filled and saved to 草稿箱; the confirmation page not reached
    READY = "ready"  # at the confirmation page, everything saved and checked
    SUBMITTED = "submitted"
    ALREADY_SUBMITTED = "already_submitted"
    FAILED = "failed"


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
        }
