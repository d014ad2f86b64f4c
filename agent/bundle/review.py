"""Consistency checks the portal's reviewers apply to a valid bundle. They give warnings, never errors:
the portal accepts the filing, a reviewer may send it back.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from agent.bundle.errors import BundleWarning
from agent.bundle.fields import label_of
from agent.bundle.models import Algorithm, AlgorithmData, Filing
from agent.bundle.pdf import pdf_text
from agent.profile import PortalProfile

__all__ = ["review"]

_SPACE = re.compile(r"\s+")
_AHEAD = timedelta(days=365)


def _name_warnings(filing: Filing, attachments: dict[str, object]) -> list[BundleWarning]:
    name = filing.algorithm.name
    wanted = _SPACE.sub("", name)
    warnings: list[BundleWarning] = []
    for field in ("self_assessment_report", "public_disclosure"):
        path = f"algorithm.{field}"
        file = attachments.get(path)
        text = pdf_text(file) if file is not None else None  # type: ignore[arg-type]
        label = label_of(Algorithm, field)
        if text is None:
            message = (
                f"has no extractable text (a scan?), so whether it names the algorithm '{name}' could not be "
                "checked — export it from the original document so its text can be read"
            )
        elif wanted not in _SPACE.sub("", text):
            message = (
                f"does not mention the algorithm name '{name}' (算法名称) — reviewers expect each algorithm "
                "document to name the algorithm exactly as filed"
            )
        else:
            continue
        warnings.append(BundleWarning(path, label, message))
    return warnings


def _modality_warnings(filing: Filing, profile: PortalProfile) -> list[BundleWarning]:
    data = filing.algorithm.data
    table = profile.modality_formats
    known = {f for formats in table.values() for f in formats}
    warnings: list[BundleWarning] = []
    for modality in data.output_modalities:
        formats = table.get(modality)
        if formats and not set(formats) & set(data.output_formats):
            warnings.append(
                BundleWarning(
                    "algorithm.data.output_modalities",
                    label_of(AlgorithmData, "output_modalities"),
                    f"'{modality}' has no matching format in output_formats (输出文件格式) — add one of "
                    f"{', '.join(formats)}, or remove '{modality}'",
                )
            )
    for fmt in data.output_formats:
        if fmt not in known:
            continue  # 其他 and formats the profile does not place belong to no one modality
        modalities = [m for m, formats in table.items() if fmt in formats]
        if not set(modalities) & set(data.output_modalities):
            warnings.append(
                BundleWarning(
                    "algorithm.data.output_formats",
                    label_of(AlgorithmData, "output_formats"),
                    f"'{fmt}' is a format of {'/'.join(modalities)}, not among output_modalities "
                    f"(输出数据模态) — add {modalities[0]} there, or remove '{fmt}'",
                )
            )
    return warnings


def _date_warnings(filing: Filing, today: date) -> list[BundleWarning]:
    online = filing.algorithm.online_date
    if online <= today + _AHEAD:
        return []
    message = (
        f"{online.isoformat()} is more than a year ahead — give the date the service went or goes online, "
        "e.g. 2023-08-01"
    )
    return [BundleWarning("algorithm.online_date", label_of(Algorithm, "online_date"), message)]


def review(
    filing: Filing, attachments: dict[str, object], profile: PortalProfile, today: date | None = None
) -> list[BundleWarning]:
    """Every warning for a valid ``filing``; ``attachments`` maps bundle paths to absolute files."""
    return [
        *_name_warnings(filing, attachments),
        *_modality_warnings(filing, profile),
        *_date_warnings(filing, today or date.today()),
    ]
