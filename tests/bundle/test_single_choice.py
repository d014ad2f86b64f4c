"""A list field the portal offers as a single select ([choices] single): one item files, more is an error."""

from __future__ import annotations

import shutil
from pathlib import Path

from agent.bundle import validate_bundle
from agent.profile import load_profile

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _single_scenario(tmp_path: Path) -> Path:
    override = tmp_path / "profile.toml"
    override.write_text('[choices]\nsingle = ["使用场景"]\n', encoding="utf-8")
    return override


def _bundle(tmp_path: Path, scenarios: str) -> Path:
    target = tmp_path / "provider-basic"
    shutil.copytree(FIXTURES / "bundles" / "provider-basic", target)
    filing = target / "filing.toml"
    text = filing.read_text(encoding="utf-8")
    assert 'scenarios = ["文本生成", "对话生成"]' in text
    filing.write_text(text.replace('scenarios = ["文本生成", "对话生成"]', scenarios), encoding="utf-8")
    return target


def test_a_longer_list_for_a_single_choice_field_is_an_error_naming_the_field(tmp_path: Path) -> None:
    profile = load_profile(_single_scenario(tmp_path))
    errors = validate_bundle(_bundle(tmp_path, 'scenarios = ["文本生成", "对话生成"]'), profile)

    assert [(e.path, e.label) for e in errors] == [("algorithm.data.scenarios", "使用场景")]
    assert "single choice" in errors[0].message and "keep one" in errors[0].message


def test_a_one_item_list_for_a_single_choice_field_is_valid(tmp_path: Path) -> None:
    profile = load_profile(_single_scenario(tmp_path))
    assert validate_bundle(_bundle(tmp_path, 'scenarios = ["文本生成"]'), profile) == []


def test_without_the_profile_key_a_longer_list_is_valid(tmp_path: Path) -> None:
    assert validate_bundle(_bundle(tmp_path, 'scenarios = ["文本生成", "对话生成"]'), None) == []


def test_the_single_scenario_variant_profile_marks_the_field_single() -> None:
    profile = load_profile(FIXTURES / "profiles" / "single-scenario.toml")
    assert profile.single_choice("使用场景")
    assert not load_profile(None).single_choice("使用场景")
