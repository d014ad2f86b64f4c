from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

runner = CliRunner()


def test_init_then_validate_field_by_field(bundle_app: typer.Typer, tmp_path: Path) -> None:
    target = tmp_path / "new-bundle"
    result = runner.invoke(bundle_app, ["init", str(target), "--role", "provider"])
    assert result.exit_code == 0, result.output
    assert (target / "filing.toml").is_file()
    assert "beian-agent validate" in result.stdout

    checked = runner.invoke(bundle_app, ["validate", "--json", str(target)])
    assert checked.exit_code == 1
    errors = json.loads(checked.stdout)["bundles"][0]["errors"]
    by_path = {e["path"]: e for e in errors}
    assert by_path["algorithm.data.intro"] == {
        "path": "algorithm.data.intro",
        "label": "算法简介",
        "message": "is empty — fill it in",
    }
    assert "products.select[0].product" in by_path
    assert len(by_path) == len(errors)  # one problem per field


def test_init_supporter(bundle_app: typer.Typer, tmp_path: Path) -> None:
    result = runner.invoke(bundle_app, ["init", str(tmp_path), "--role", "supporter"])
    assert result.exit_code == 0
    assert 'role = "技术支持者"' in (tmp_path / "filing.toml").read_text(encoding="utf-8")


def test_init_refuses_to_overwrite(bundle_app: typer.Typer, tmp_path: Path) -> None:
    assert runner.invoke(bundle_app, ["init", str(tmp_path), "--role", "provider"]).exit_code == 0
    again = runner.invoke(bundle_app, ["init", str(tmp_path), "--role", "provider"])
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert runner.invoke(bundle_app, ["init", str(tmp_path), "--role", "supporter", "--force"]).exit_code == 0


def test_init_usage_errors(bundle_app: typer.Typer, tmp_path: Path) -> None:
    assert runner.invoke(bundle_app, ["init", str(tmp_path), "--role", "boss"]).exit_code == 2
    assert runner.invoke(bundle_app, ["init", str(tmp_path)]).exit_code == 2
    assert runner.invoke(bundle_app, ["init"]).exit_code == 2
