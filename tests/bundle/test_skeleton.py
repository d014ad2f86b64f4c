from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from agent.bundle import PROVIDER, SUPPORTER, validate_bundle, write_skeleton
from agent.bundle.skeleton import render_skeleton
from agent.profile import load_profile


@pytest.mark.parametrize("role", [PROVIDER, SUPPORTER])
def test_skeleton_is_toml_with_the_role(role: str) -> None:
    data = tomllib.loads(render_skeleton(role))
    assert data["algorithm"]["role"] == role
    assert ("products" in data) == (role == PROVIDER)
    assert ("technical_service" in data) == (role == SUPPORTER)


def test_every_field_has_a_comment_with_its_label() -> None:
    text = render_skeleton(PROVIDER)
    for label in (
        "算法简介",
        "统一社会信用代码",
        "功能介绍",
        "是否需实名认证",
        "输出文件格式",
        "算法备案承诺书",
    ):
        assert f"# {label}" in text
    assert "one or more of: 文本生成, 对话生成" in text  # vocabularies come from the profile


def test_skeleton_lists_the_profile_vocabulary(tmp_path: Path) -> None:
    override = tmp_path / "profile.toml"
    override.write_text('[vocab]\nservice_form = ["网站", "快应用"]\n', encoding="utf-8")
    assert "one of: 网站, 快应用" in render_skeleton(PROVIDER, load_profile(override))


def test_validate_reports_the_skeleton_field_by_field(tmp_path: Path) -> None:
    write_skeleton(tmp_path, SUPPORTER)
    errors = validate_bundle(tmp_path)
    by_path = {e.path: e for e in errors}
    expected = {
        "account": "is empty — fill it in",
        "entity.name": "is empty — fill it in",
        "entity.certificate.valid_until": "is required — add valid_until to [entity.certificate]",
        "entity.security_officer.mobile": "is empty — fill it in",
        "algorithm.online_date": "is required — add online_date to [algorithm]",
        "algorithm.application_fields": "needs at least 1 entry, has 0 — add one",
        "algorithm.self_assessment_report": "is empty — give the PDF's path relative to the bundle "
        "directory, e.g. attachments/report.pdf",
        "algorithm.data.intro": "is empty — fill it in",
        "algorithm.data.input_biometric": "is required — add input_biometric to [algorithm.data]",
        "technical_service.frequency": "is required — add frequency to [technical_service]",
        "technical_service.access[0].type": "is empty — fill it in",
        "technical_service.objects": "needs at least 1 entry, has 0 — add one",
    }
    for path, message in expected.items():
        assert by_path[path].message == message
    assert len(errors) == len(by_path) == 45  # each field once, all but 角色 which init fills in
    assert by_path["algorithm.data.intro"].label == "算法简介"


def test_provider_skeleton_reports_product_fields(tmp_path: Path) -> None:
    write_skeleton(tmp_path, PROVIDER)
    paths = {e.path for e in validate_bundle(tmp_path)}
    assert {
        "products.select[0].product",
        "products.define[0].real_name_required",
        "products.define[0].paths[0].path",
        "products.define[0].paths[0].functions[0].intro",
    } <= paths
    assert not any(p.startswith("technical_service") for p in paths)


def test_write_refuses_to_overwrite(tmp_path: Path) -> None:
    target = write_skeleton(tmp_path / "new", PROVIDER)
    assert target.is_file() and (tmp_path / "new" / "attachments").is_dir()
    target.write_text("# mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_skeleton(tmp_path / "new", PROVIDER)
    assert target.read_text(encoding="utf-8") == "# mine"
    write_skeleton(tmp_path / "new", SUPPORTER, force=True)
    assert "技术支持者" in target.read_text(encoding="utf-8")


def test_unknown_role() -> None:
    with pytest.raises(ValueError, match="role must be"):
        write_skeleton(Path("unused"), "provider")
