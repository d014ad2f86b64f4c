from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

BUNDLES = Path(__file__).resolve().parents[2] / "fixtures" / "bundles"
VALID = str(BUNDLES / "supporter-basic")
INVALID = str(BUNDLES / "invalid" / "bad-id-numbers")

runner = CliRunner()


def test_valid_bundles_exit_0(bundle_app: typer.Typer) -> None:
    result = runner.invoke(
        bundle_app, ["validate", VALID, str(BUNDLES / "provider-basic"), str(BUNDLES / "newco-provider")]
    )
    assert result.exit_code == 0, result.output
    assert f"{VALID}: valid — 技术支持者, account demo-supporter" in result.stdout
    assert result.stdout.count(": valid") == 3


def test_invalid_bundle_exits_1_with_every_problem(bundle_app: typer.Typer) -> None:
    result = runner.invoke(bundle_app, ["validate", VALID, INVALID])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[1] == f"{INVALID}: INVALID, 2 problems"
    assert lines[2].startswith(
        "  entity.legal_representative.id_number (证件号码): 3301**********1232 has a wrong"
    )
    assert lines[3].startswith(
        "  entity.security_officer.id_number (证件号码): 3301**********4560 holds no valid"
    )
    assert "330106198503121232" not in result.stdout  # never in clear
    assert "Traceback" not in result.output


def test_json_document(bundle_app: typer.Typer) -> None:
    result = runner.invoke(bundle_app, ["validate", "--json", VALID, INVALID])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["valid"] is False
    valid, invalid = document["bundles"]
    assert valid["bundle"] == VALID and valid["valid"] is True and valid["errors"] == []
    assert (
        valid["role"] == "技术支持者"
        and valid["account"] == "demo-supporter"
        and len(valid["content_hash"]) == 64
    )
    assert invalid["valid"] is False
    assert [set(e) for e in invalid["errors"]] == [{"path", "label", "message"}] * 2
    assert invalid["errors"][0]["path"] == "entity.legal_representative.id_number"
    assert invalid["errors"][0]["label"] == "证件号码"


def test_json_all_valid(bundle_app: typer.Typer) -> None:
    result = runner.invoke(bundle_app, ["validate", "--json", VALID])
    assert result.exit_code == 0 and json.loads(result.stdout)["valid"] is True


def test_unreadable_inputs_are_reported_not_raised(bundle_app: typer.Typer, tmp_path: Path) -> None:
    result = runner.invoke(
        bundle_app, ["validate", str(tmp_path / "missing"), str(BUNDLES / "invalid" / "not-utf8")]
    )
    assert result.exit_code == 1
    assert "is not a directory" in result.stdout and "is not UTF-8" in result.stdout
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_usage_errors_exit_2(bundle_app: typer.Typer, tmp_path: Path) -> None:
    assert runner.invoke(bundle_app, ["validate"]).exit_code == 2
    assert runner.invoke(bundle_app, ["validate", "--bogus", VALID]).exit_code == 2
    missing_profile = runner.invoke(bundle_app, ["validate", "--profile", str(tmp_path / "nope.toml"), VALID])
    assert missing_profile.exit_code == 2
    assert "does not exist" in missing_profile.stderr and missing_profile.stdout == ""


def test_profile_override(bundle_app: typer.Typer, tmp_path: Path) -> None:
    bundle = str(BUNDLES / "invalid" / "unknown-option")
    assert runner.invoke(bundle_app, ["validate", bundle]).exit_code == 1
    override = tmp_path / "profile.toml"
    override.write_text('[vocab]\nscenario = ["文本生成", "文字生成"]\n', encoding="utf-8")
    result = runner.invoke(bundle_app, ["validate", "--profile", str(override), bundle])
    assert result.exit_code == 0, result.stdout


def test_json_over_a_folder_of_broken_bundles(bundle_app: typer.Typer, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "bundles"
    for name in ("loop", "long", "deep", "valid"):
        shutil.copytree(BUNDLES / "supporter-basic", folder / name)
    (folder / "loop" / "attachments" / "disclosure.pdf").unlink()
    (folder / "loop" / "attachments" / "disclosure.pdf").symlink_to("disclosure.pdf")
    for name, old, new in (
        ("long", '"attachments/disclosure.pdf"', '"attachments/' + "x" * 300 + '.pdf"'),
        ("deep", 'extra = { "策略描述"', 'extra = { "深" = ' + "[" * 5000 + "]" * 5000 + ', "策略描述"'),
    ):
        file = folder / name / "filing.toml"
        file.write_text(file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    result = runner.invoke(bundle_app, ["validate", "--json", str(folder)])
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)  # exactly one document
    entries = {Path(e["bundle"]).name: e for e in document["bundles"]}
    assert sorted(entries) == ["deep", "long", "loop", "valid"]
    assert entries["valid"]["valid"] is True and entries["valid"]["warnings"] == []
    assert "symbolic link loop" in entries["loop"]["errors"][0]["message"]
    assert "too long" in entries["long"]["errors"][0]["message"]
    assert "nested" in entries["deep"]["errors"][0]["message"]


def test_config_profile_path_is_used_and_profile_option_wins(
    bundle_app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = str(BUNDLES / "invalid" / "unknown-option")
    monkeypatch.chdir(tmp_path)
    widened = tmp_path / "widened.toml"
    widened.write_text('[vocab]\nscenario = ["文本生成", "文字生成"]\n', encoding="utf-8")
    config = tmp_path / "c.toml"
    config.write_text(f'[portal]\nprofile_path = "{widened}"\n', encoding="utf-8")
    assert runner.invoke(bundle_app, ["validate", "--config", str(config), bundle]).exit_code == 0
    monkeypatch.setenv("BEIAN_PORTAL__PROFILE_PATH", str(widened))
    assert runner.invoke(bundle_app, ["validate", bundle]).exit_code == 0
    narrow = tmp_path / "narrow.toml"
    narrow.write_text('[vocab]\nscenario = ["对话生成"]\n', encoding="utf-8")
    assert runner.invoke(bundle_app, ["validate", "--profile", str(narrow), bundle]).exit_code == 1


def test_empty_profile_path_env_is_a_usage_error(
    bundle_app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BEIAN_PORTAL__PROFILE_PATH", "")
    result = runner.invoke(bundle_app, ["validate", VALID])
    assert result.exit_code == 2 and result.stdout == ""
    assert "BEIAN_PORTAL__PROFILE_PATH" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_warnings_are_listed_and_do_not_fail(bundle_app: typer.Typer, tmp_path: Path) -> None:
    import shutil

    bundle = tmp_path / "b"
    shutil.copytree(BUNDLES / "supporter-basic", bundle)
    file = bundle / "filing.toml"
    file.write_text(
        file.read_text(encoding="utf-8").replace('"txt", "json"', '"txt", "png"'), encoding="utf-8"
    )
    human = runner.invoke(bundle_app, ["validate", str(bundle)])
    assert human.exit_code == 0 and "warning: algorithm.data.output_formats" in human.stdout
    document = json.loads(runner.invoke(bundle_app, ["validate", "--json", str(bundle)]).stdout)
    assert document["valid"] is True and len(document["bundles"][0]["warnings"]) == 1
