"""Attachment checks: every file a bundle names must be a real PDF inside the bundle directory.

The portal accepts PDF only, at most 20 MB (filing guide, figure 5). The bytes decide what a file is,
not its name: a renamed Word file is caught here rather than by a failed upload.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

__all__ = ["MAX_BYTES", "PDF_MAGIC", "attachment_problem", "resolve_attachment"]

MAX_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def resolve_attachment(directory: Path, relative: str) -> Path:
    """The absolute path of ``relative`` inside ``directory``, symlinks followed."""
    return (directory / relative).resolve()


def _escapes(directory: Path, relative: str) -> str | None:
    if not relative.strip():
        return "is empty — give the PDF's path relative to the bundle directory, e.g. attachments/report.pdf"
    if PurePosixPath(relative).is_absolute() or PureWindowsPath(relative).is_absolute():
        return (
            f"'{relative}' is an absolute path — copy the file into the bundle and give its path relative "
            "to the bundle directory"
        )
    if ".." in PurePosixPath(relative.replace("\\", "/")).parts:
        return (
            f"'{relative}' leaves the bundle directory ('..') — copy the file into the bundle, use that path"
        )
    return None


def attachment_problem(directory: Path, relative: str) -> str | None:
    """What is wrong with the attachment ``relative`` of the bundle in ``directory``, or ``None``."""
    problem = _escapes(directory, relative)
    if problem:
        return problem
    candidate = directory / relative
    if not candidate.exists() and not candidate.is_symlink():
        return f"'{relative}' does not exist in the bundle — add the file or correct the path"
    target = candidate.resolve()
    if not target.is_relative_to(directory.resolve()):
        return (
            f"'{relative}' is a symbolic link to a file outside the bundle directory — copy the file itself "
            "into the bundle"
        )
    if not target.exists():
        return f"'{relative}' is a broken symbolic link — replace it with the file itself"
    if not target.is_file():
        return f"'{relative}' is not a regular file — give the path of a PDF file"
    size = target.stat().st_size
    if size == 0:
        return f"'{relative}' is empty (0 bytes) — export the PDF again"
    if size > MAX_BYTES:
        return f"'{relative}' is {size:,} bytes, more than the 20 MB (20,971,520 bytes) allowed — compress it"
    try:
        with target.open("rb") as handle:
            head = handle.read(len(PDF_MAGIC))
    except OSError as exc:
        return f"'{relative}' cannot be read ({exc.strerror}) — check the file's permissions"
    if head != PDF_MAGIC:
        return (
            f"'{relative}' is not a PDF (its content does not start with %PDF-) — export the document as PDF"
        )
    return None
