"""Filing bundles: ``filing.toml`` plus its PDF attachments, validated before any browser opens.

load_bundle(directory, profile=None) -> Bundle        # raises BundleInvalid(errors)
validate_bundle(directory, profile=None) -> list[BundleError]
check_bundle(directory, profile=None) -> BundleCheck        # errors or warnings; never raises
discover_bundles(paths) -> list[Path]                       # what validate and batch run on
write_skeleton(directory, role, profile=None) -> Path
"""

from __future__ import annotations

from agent.bundle.check import BundleCheck, check_bundle
from agent.bundle.discovery import discover_bundles
from agent.bundle.errors import BundleError, BundleInvalid, BundleWarning
from agent.bundle.fields import ExtraFile, FieldMeta, FormEntry, Kind, iter_fields, kind_of, label_of, meta_of
from agent.bundle.loader import FILING_TOML, Bundle, load_bundle, validate_bundle
from agent.bundle.models import PROVIDER, SUPPORTER, Filing
from agent.bundle.skeleton import write_skeleton

__all__ = [
    "FILING_TOML",
    "PROVIDER",
    "SUPPORTER",
    "Bundle",
    "BundleCheck",
    "BundleError",
    "BundleInvalid",
    "BundleWarning",
    "ExtraFile",
    "FieldMeta",
    "Filing",
    "FormEntry",
    "Kind",
    "check_bundle",
    "discover_bundles",
    "iter_fields",
    "kind_of",
    "label_of",
    "load_bundle",
    "meta_of",
    "validate_bundle",
    "write_skeleton",
]
