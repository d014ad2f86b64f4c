"""Opening attachments as the portal's reviewers do: with a PDF reader, not by their first bytes."""

from __future__ import annotations

import logging
from pathlib import Path

from pypdf import PdfReader

__all__ = ["pdf_problem", "pdf_text"]

# pypdf reports repairs of sloppy files as log warnings; validation states its own verdict instead.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def pdf_problem(path: Path, shown: str) -> str | None:
    """``None`` when ``path`` opens as an unencrypted PDF with at least one page; else what is wrong."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            return (
                f"'{shown}' is encrypted (password-protected or restricted) and the portal's reviewers "
                "cannot open it — export it again without a password or permissions"
            )
        pages = len(reader.pages)
    except Exception as exc:  # pypdf raises many kinds on broken files, RecursionError included
        reason = type(exc).__name__
        return f"'{shown}' cannot be opened as a PDF ({reason}) — export the document as PDF again"
    if pages == 0:
        return f"'{shown}' has no pages — export the document as PDF again"
    return None


def pdf_text(path: Path) -> str | None:
    """The text of every page, or ``None`` when the PDF has no extractable text (scans, outlined fonts)."""
    try:
        reader = PdfReader(path)
        text = "".join(page.extract_text() or "" for page in reader.pages)
    except Exception:
        return None
    return text if text.strip() else None
