from __future__ import annotations

import json
from pathlib import Path

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
