from __future__ import annotations

import os
from pathlib import Path

import pytest

from agent.bundle.attachments import MAX_BYTES, attachment_problem
from fixtures.bundles.make_fixtures import minimal_pdf


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    root = tmp_path / "bundle"
    (root / "attachments").mkdir(parents=True)
    (root / "attachments" / "a.pdf").write_bytes(minimal_pdf("a"))
    return root


def test_real_pdf_inside_the_bundle(bundle: Path) -> None:
    assert attachment_problem(bundle, "attachments/a.pdf") is None


def test_symlink_that_stays_inside_is_fine(bundle: Path) -> None:
    (bundle / "link.pdf").symlink_to(bundle / "attachments" / "a.pdf")
    assert attachment_problem(bundle, "link.pdf") is None


@pytest.mark.parametrize(
    ("relative", "fragment"),
    [
        ("", "is empty — give the PDF's path"),
        ("attachments/none.pdf", "does not exist in the bundle"),
        ("../outside.pdf", "leaves the bundle directory ('..')"),
        ("attachments/../../outside.pdf", "leaves the bundle directory ('..')"),
        ("attachments\\..\\..\\outside.pdf", "leaves the bundle directory ('..')"),
        ("/etc/passwd", "is an absolute path"),
        ("attachments", "is not a regular file"),
    ],
)
def test_path_problems(bundle: Path, relative: str, fragment: str) -> None:
    assert fragment in (attachment_problem(bundle, relative) or "")


def test_symlink_escaping_the_bundle(bundle: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(minimal_pdf("outside"))
    (bundle / "attachments" / "escape.pdf").symlink_to(outside)
    problem = attachment_problem(bundle, "attachments/escape.pdf")
    assert problem is not None and "symbolic link to a file outside the bundle" in problem


def test_symlinked_directory_escaping_the_bundle(bundle: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.pdf").write_bytes(minimal_pdf("x"))
    (bundle / "linked").symlink_to(tmp_path / "elsewhere")
    assert "outside the bundle" in (attachment_problem(bundle, "linked/x.pdf") or "")


def test_broken_symlink(bundle: Path) -> None:
    (bundle / "attachments" / "broken.pdf").symlink_to(bundle / "attachments" / "gone.pdf")
    assert "broken symbolic link" in (attachment_problem(bundle, "attachments/broken.pdf") or "")


def test_empty_file(bundle: Path) -> None:
    (bundle / "attachments" / "empty.pdf").write_bytes(b"")
    assert "is empty (0 bytes)" in (attachment_problem(bundle, "attachments/empty.pdf") or "")


def test_content_decides_not_the_extension(bundle: Path) -> None:
    (bundle / "attachments" / "word.pdf").write_bytes(b"PK\x03\x04 not a pdf")
    (bundle / "attachments" / "late.pdf").write_bytes(b"\n%PDF-1.4 magic not at the start")
    (bundle / "attachments" / "report.bin").write_bytes(minimal_pdf("named .bin, still a PDF"))
    assert "is not a PDF" in (attachment_problem(bundle, "attachments/word.pdf") or "")
    assert "is not a PDF" in (attachment_problem(bundle, "attachments/late.pdf") or "")
    assert attachment_problem(bundle, "attachments/report.bin") is None


def _sparse_pdf(path: Path, size: int) -> None:
    # Sparse: the size is what is checked, no need to write 20 MB of data.
    with path.open("wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(size)


def test_size_limit(bundle: Path) -> None:
    _sparse_pdf(bundle / "attachments" / "max.pdf", MAX_BYTES)
    _sparse_pdf(bundle / "attachments" / "big.pdf", MAX_BYTES + 1)
    # At the limit the size is fine (the sparse file then fails as a PDF, which is checked elsewhere).
    assert "20 MB" not in (attachment_problem(bundle, "attachments/max.pdf") or "")
    assert attachment_problem(bundle, "attachments/big.pdf") == (
        "'attachments/big.pdf' is 20,971,521 bytes, "
        "more than the 20 MB (20,971,520 bytes) allowed — compress it"
    )
    assert os.path.getsize(bundle / "attachments" / "big.pdf") == MAX_BYTES + 1


def test_unreadable_file(bundle: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", denied)  # chmod does not stop root, which CI may be
    assert attachment_problem(bundle, "attachments/a.pdf") == (
        "'attachments/a.pdf' cannot be read (Permission denied) — check the file's permissions"
    )
