"""Attachment checks: every file a bundle names must be a real PDF inside the bundle directory.

The portal accepts PDF only, at most 20 MB (filing guide, figure 5). The bytes decide what a file is,
not its name: a renamed Word file is caught here rather than by a failed upload.
"""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path, PurePosixPath, PureWindowsPath

from agent.bundle.pdf import pdf_problem

__all__ = [
    "MAX_BYTES",
    "PDF_MAGIC",
    "attachment_problem",
    "file_sha256",
    "resolve_attachment",
    "same_file_problem",
    "shown",
]

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
            f"'{shown(relative)}' is an absolute path — copy the file into the bundle and give its path "
            "relative to the bundle directory"
        )
    if ".." in PurePosixPath(relative.replace("\\", "/")).parts:
        return (
            f"'{shown(relative)}' leaves the bundle directory ('..') — copy the file into the bundle, "
            "use that path"
        )
    return None


def shown(relative: str) -> str:
    """A path as messages show it: an absurdly long one is cut in the middle."""
    return relative if len(relative) <= 80 else f"{relative[:40]}…{relative[-30:]}"


def _os_problem(relative: str, exc: OSError | RuntimeError) -> str:
    name = shown(relative)
    if isinstance(exc, RuntimeError) or exc.errno == errno.ELOOP:  # Path.resolve raises RuntimeError on loops
        return f"'{name}' is a symbolic link loop — replace it with the file itself"
    if exc.errno == errno.ENAMETOOLONG:
        return f"'{name}' has a name too long for the file system — rename the file and give its new path"
    return f"'{name}' cannot be read ({exc.strerror}) — check the file's permissions"


def attachment_problem(directory: Path, relative: str) -> str | None:
    """What is wrong with the attachment ``relative`` of the bundle in ``directory``, or ``None``."""
    problem = _escapes(directory, relative)
    if problem:
        return problem
    try:
        return _file_problem(directory, relative)
    except (OSError, RuntimeError) as exc:
        return _os_problem(relative, exc)


def _file_problem(directory: Path, relative: str) -> str | None:
    name = shown(relative)
    candidate = directory / relative
    try:
        os.lstat(candidate)  # raises for a name too long, unlike Path.exists()
    except (FileNotFoundError, NotADirectoryError):
        return f"'{name}' does not exist in the bundle — add the file or correct the path"
    target = candidate.resolve()
    if not target.is_relative_to(directory.resolve()):
        return (
            f"'{name}' is a symbolic link to a file outside the bundle directory — copy the file itself "
            "into the bundle"
        )
    if not target.exists():
        return f"'{name}' is a broken symbolic link — replace it with the file itself"
    if not target.is_file():
        return f"'{name}' is not a regular file — give the path of a PDF file"
    size = target.stat().st_size
    if size == 0:
        return f"'{name}' is empty (0 bytes) — export the PDF again"
    if size > MAX_BYTES:
        return f"'{name}' is {size:,} bytes, more than the 20 MB (20,971,520 bytes) allowed — compress it"
    with target.open("rb") as handle:
        head = handle.read(len(PDF_MAGIC))
    if head != PDF_MAGIC:
        return f"'{name}' is not a PDF (its content does not start with %PDF-) — export the document as PDF"
    return pdf_problem(target, name)


def same_file_problem(directory: Path, first: str, second: str, first_label: str) -> str | None:
    """Two attachments that must differ: the same path, or the same bytes under another name."""
    try:
        a, b = resolve_attachment(directory, first), resolve_attachment(directory, second)
        if a == b:
            return f"is the same file as {first_label} — attach the document this field asks for"
        if file_sha256(a) == file_sha256(b):
            return (
                f"'{shown(second)}' has the same content as {first_label} ('{shown(first)}') — "
                "attach the document this field asks for"
            )
    except (OSError, RuntimeError):
        return None  # each file reports its own problem
    return None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()
