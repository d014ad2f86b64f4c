"""One call that validates a bundle, reviews it, and never raises: what ``validate`` reports per bundle."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from agent.bundle.errors import BundleError, BundleInvalid, BundleWarning
from agent.bundle.loader import Bundle, load_bundle
from agent.bundle.review import review
from agent.profile import PortalProfile, default_profile

__all__ = ["BundleCheck", "check_bundle"]


@dataclass(frozen=True)
class BundleCheck:
    directory: Path  # as given
    bundle: Bundle | None  # None when invalid
    errors: list[BundleError] = field(default_factory=list)
    warnings: list[BundleWarning] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors


def check_bundle(
    directory: Path, profile: PortalProfile | None = None, today: date | None = None
) -> BundleCheck:
    """Errors, or the bundle and its warnings. Any exception becomes an error naming the bundle, so one
    broken bundle never stops the report on the others."""
    profile = profile or default_profile()
    try:
        bundle = load_bundle(directory, profile)
        warnings = review(bundle.filing, dict(bundle.attachments()), profile, today)
        return BundleCheck(directory, bundle, warnings=warnings)
    except BundleInvalid as exc:
        return BundleCheck(directory, None, errors=exc.errors)
    except Exception as exc:  # the last resort: a report entry, never a traceback
        message = (
            f"{directory} could not be checked: an unexpected {type(exc).__name__} — "
            "please report it with the bundle (without its attachments) so the check can be fixed"
        )
        return BundleCheck(directory, None, errors=[BundleError("", "", message)])
