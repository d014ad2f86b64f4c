"""Whatever is in a bundle directory, validation reports it as an error and never raises."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agent.bundle import BundleError, check_bundle, validate_bundle
from agent.bundle.models import Filing
from tests.bundle.conftest import edit

DEEP = 5000


def only(errors: list[BundleError], path: str) -> str:
    assert [e.path for e in errors] == [path], errors
    return str(errors[0].message)


def test_attachment_symlink_loop(supporter: Path) -> None:
    (supporter / "attachments" / "a.pdf").symlink_to("b.pdf")
    (supporter / "attachments" / "b.pdf").symlink_to("a.pdf")
    edit(supporter, '"attachments/disclosure.pdf"', '"attachments/a.pdf"')
    message = only(validate_bundle(supporter), "algorithm.public_disclosure")
    assert "symbolic link loop" in message and " — " in message


def test_filing_toml_symlink_loop(supporter: Path) -> None:
    (supporter / "filing.toml").unlink()
    (supporter / "filing.toml").symlink_to("filing.toml")
    assert "symbolic link loop" in only(validate_bundle(supporter), "filing.toml")


def test_bundle_directory_symlink_loop(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to("loop")
    (error,) = validate_bundle(tmp_path / "loop")
    assert "symbolic link loop" in error.message


def test_file_name_too_long(supporter: Path) -> None:
    edit(supporter, '"attachments/disclosure.pdf"', '"attachments/' + "长" * 300 + '.pdf"')
    message = only(validate_bundle(supporter), "algorithm.public_disclosure")
    assert "too long" in message and "长" * 300 not in message


@pytest.mark.parametrize("depth", [DEEP, 300])
def test_deeply_nested_arrays(supporter: Path, depth: int) -> None:
    # 5,000 levels break tomllib; 300 levels parse, and must not reach pydantic's own recursion limits.
    edit(supporter, 'extra = { "策略描述"', 'extra = { "深" = ' + "[" * depth + "]" * depth + ', "策略描述"')
    errors = validate_bundle(supporter)
    assert len(errors) == 1 and "nested" in errors[0].message and " — " in errors[0].message


def test_filing_toml_is_a_directory(supporter: Path) -> None:
    (supporter / "filing.toml").unlink()
    (supporter / "filing.toml").mkdir()
    assert "is a directory" in only(validate_bundle(supporter), "filing.toml")


def test_attachment_is_a_directory(supporter: Path) -> None:
    (supporter / "attachments" / "disclosure.pdf").unlink()
    (supporter / "attachments" / "disclosure.pdf").mkdir()
    assert "not a regular file" in only(validate_bundle(supporter), "algorithm.public_disclosure")


def test_unreadable_attachment(supporter: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = (supporter / "attachments" / "disclosure.pdf").resolve()
    real_open = Path.open

    def refusing(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == target:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refusing)
    assert "cannot be read (Permission denied)" in only(
        validate_bundle(supporter), "algorithm.public_disclosure"
    )


def test_unreadable_filing_toml(supporter: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refusing(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refusing)
    assert "cannot be read (Permission denied)" in only(validate_bundle(supporter), "filing.toml")


def test_unexpected_exception_becomes_an_error_naming_the_bundle(
    supporter: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("boom 110101199003077777")

    monkeypatch.setattr(Filing, "model_validate", broken)
    result = check_bundle(supporter)
    (error,) = result.errors
    assert not result.valid and str(supporter) in error.message and "ZeroDivisionError" in error.message
    assert "110101199003077777" not in error.message
