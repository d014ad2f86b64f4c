"""Consistency checks the portal's reviewers apply: warnings, never errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from agent.bundle import check_bundle
from agent.profile import default_profile
from fixtures.bundles.make_fixtures import minimal_pdf
from tests.bundle.conftest import BUNDLES, edit


@pytest.mark.parametrize("name", ["provider-basic", "supporter-basic", "newco-provider"])
def test_examples_have_no_warnings(name: str) -> None:
    result = check_bundle(BUNDLES / name)
    assert result.valid and result.warnings == []


def test_algorithm_name_missing_from_a_pdf(supporter: Path) -> None:
    (supporter / "attachments" / "disclosure.pdf").write_bytes(minimal_pdf("x", "另一个算法 拟公示内容"))
    result = check_bundle(supporter)
    assert result.valid
    (warning,) = result.warnings
    assert warning.path == "algorithm.public_disclosure" and "深言文本生成算法" in warning.message


def test_pdf_without_text_cannot_be_checked(supporter: Path) -> None:
    (supporter / "attachments" / "disclosure.pdf").write_bytes(minimal_pdf(""))
    (warning,) = check_bundle(supporter).warnings
    assert "could not be checked" in warning.message


def test_modalities_and_formats_match(supporter: Path) -> None:
    edit(supporter, 'output_formats = ["txt", "json"]', 'output_formats = ["txt", "png"]')
    edit(supporter, 'output_modalities = ["文本"]', 'output_modalities = ["文本", "音频"]')
    messages = [w.message for w in check_bundle(supporter).warnings]
    assert len(messages) == 2
    assert any("音频" in m and "output_formats" in m for m in messages)
    assert any("png" in m and "output_modalities" in m for m in messages)


def test_online_date_more_than_a_year_ahead(supporter: Path) -> None:
    result = check_bundle(supporter, today=date(2021, 5, 19))
    (warning,) = result.warnings
    assert warning.path == "algorithm.online_date" and "year" in warning.message
    assert check_bundle(supporter, today=date(2022, 5, 20)).warnings == []


def test_modality_formats_vocabulary_is_complete() -> None:
    profile = default_profile()
    table = profile.modality_formats
    assert set(table) <= set(profile.options("modality"))
    listed = {f for formats in table.values() for f in formats}
    assert listed <= set(profile.options("file_format"))
    assert set(profile.options("file_format")) - listed <= {"其他"}
