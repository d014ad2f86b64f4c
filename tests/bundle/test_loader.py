from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from agent.bundle import Bundle, BundleError, BundleInvalid, load_bundle, validate_bundle
from agent.profile import load_profile
from fixtures.bundles.make_fixtures import minimal_pdf
from tests.bundle.conftest import edit


@pytest.mark.parametrize(
    ("name", "account", "role"),
    [
        ("provider-basic", "demo-provider", "服务提供者"),
        ("supporter-basic", "demo-supporter", "技术支持者"),
        ("newco-provider", "demo-newco", "服务提供者"),
    ],
)
def test_valid_fixtures(bundles: Path, name: str, account: str, role: str) -> None:
    assert validate_bundle(bundles / name) == []
    bundle = load_bundle(bundles / name)
    assert (bundle.account, bundle.role) == (account, role)
    assert bundle.is_provider == (role == "服务提供者")
    assert bundle.is_supporter == (role == "技术支持者")
    assert bundle.directory.is_absolute()


def test_newco_has_entity_and_the_others_do_not(bundles: Path) -> None:
    assert load_bundle(bundles / "newco-provider").filing.entity is not None
    assert load_bundle(bundles / "provider-basic").filing.entity is None


def test_attachments_are_absolute_and_exist(bundles: Path) -> None:
    found = load_bundle(bundles / "newco-provider").attachments()
    assert list(found) == [
        "entity.attachments.commitment_letter",
        "entity.attachments.responsibility_report",
        "algorithm.self_assessment_report",
        "algorithm.public_disclosure",
    ]
    assert all(p.is_absolute() and p.read_bytes().startswith(b"%PDF-") for p in found.values())


def test_extra_attachments_are_listed(supporter: Path) -> None:
    (supporter / "attachments" / "extra.pdf").write_bytes(minimal_pdf("extra"))
    edit(
        supporter,
        'extra = { "策略描述"',
        'extra = { "补充材料" = { file = "attachments/extra.pdf" }, "策略描述"',
    )
    found = load_bundle(supporter).attachments()
    assert found['algorithm.strategy.extra."补充材料"'] == (supporter / "attachments" / "extra.pdf").resolve()


def test_content_hash_is_stable_and_covers_attachments(supporter: Path, bundles: Path) -> None:
    first = load_bundle(supporter).content_hash()
    assert first == load_bundle(bundles / "supporter-basic").content_hash()  # location does not matter
    assert len(first) == 64 and int(first, 16) >= 0
    (supporter / "attachments" / "disclosure.pdf").write_bytes(minimal_pdf("another", "深言文本生成算法"))
    second = load_bundle(supporter).content_hash()
    assert second != first
    edit(supporter, 'version = "2.0.1"', 'version = "2.0.2"')
    assert load_bundle(supporter).content_hash() not in (first, second)


def test_content_hash_differs_between_bundles(bundles: Path) -> None:
    hashes = {
        load_bundle(bundles / n).content_hash()
        for n in ("provider-basic", "supporter-basic", "newco-provider")
    }
    assert len(hashes) == 3
    assert all(hashlib.sha256(b"").hexdigest() != h for h in hashes)


def test_not_a_directory(tmp_path: Path) -> None:
    errors = validate_bundle(tmp_path / "nowhere")
    assert len(errors) == 1 and "is not a directory" in errors[0].message


def test_no_filing_toml(tmp_path: Path) -> None:
    errors = validate_bundle(tmp_path)
    assert [(e.path, e.label) for e in errors] == [("filing.toml", "")]
    assert "beian-agent init" in errors[0].message


def test_byte_order_mark_is_accepted(supporter: Path) -> None:
    file = supporter / "filing.toml"
    file.write_bytes(b"\xef\xbb\xbf" + file.read_bytes())
    assert validate_bundle(supporter) == []


def test_toml_error_at_end_of_document(supporter: Path) -> None:
    with (supporter / "filing.toml").open("a", encoding="utf-8") as handle:
        handle.write("[technical_service.extra")
    (error,) = validate_bundle(supporter)
    assert error.path == "filing.toml" and "fix the TOML syntax" in error.message


def test_every_problem_at_once(newco: Path) -> None:
    edit(newco, '"13800138000"', '"12800138000"')
    edit(newco, 'intro = "本算法应用于', 'intro = "' + "长" * 300 + '"\n#')
    edit(newco, 'version = "v1.0"', 'versio = "v1.0"')
    edit(newco, 'scenarios = ["文本生成", "图像生成"]', 'scenarios = ["文本生成", "图片生成"]')
    paths = [e.path for e in validate_bundle(newco)]
    assert sorted(paths) == sorted(
        [
            "entity.security_officer.mobile",
            "algorithm.version",
            "algorithm.versio",
            "algorithm.data.intro",
            "algorithm.data.scenarios",
        ]
    )


def test_load_raises_with_the_errors(supporter: Path) -> None:
    edit(supporter, "frequency = 1200", "frequency = -1")
    with pytest.raises(BundleInvalid) as caught:
        load_bundle(supporter)
    assert caught.value.errors == [
        BundleError(
            "technical_service.frequency",
            "技术服务频度（近三个月）",
            "must be 0 or more, got -1 — correct the value",
        )
    ]


def test_profile_override_changes_the_vocabulary(tmp_path: Path, supporter: Path) -> None:
    edit(
        supporter, 'scenarios = ["文本生成", "对话生成", "代码生成"]', 'scenarios = ["文本生成", "文字生成"]'
    )
    assert [e.path for e in validate_bundle(supporter)] == ["algorithm.data.scenarios"]
    override = tmp_path / "profile.toml"
    override.write_text('[vocab]\nscenario = ["文本生成", "文字生成"]\n', encoding="utf-8")
    assert validate_bundle(supporter, load_profile(override)) == []


@pytest.mark.parametrize(
    ("old", "new", "path", "fragment"),
    [
        ("frequency = 1200", "frequency = 0", None, None),
        ("frequency = 1200", "frequency = 0.5", None, None),
        (
            "frequency = 1200",
            'frequency = "1200"',
            "technical_service.frequency",
            "must be a number, got a text",
        ),
        ("frequency = 1200", "frequency = nan", "technical_service.frequency", "must be a number"),
        (
            "frequency = 1200",
            "frequency = true",
            "technical_service.frequency",
            "must be a number, got true/false",
        ),
        ("online_date = 2023-05-20", 'online_date = "2023-05-20"', None, None),
        (
            "online_date = 2023-05-20",
            "online_date = 2023-05-20T10:00:00",
            "algorithm.online_date",
            "time of day",
        ),
        ("online_date = 2023-05-20", "online_date = 20230520", "algorithm.online_date", "must be a date"),
        (
            'objects = ["互联网信息服务企业", "高校及科研机构"]',
            "objects = []",
            "technical_service.objects",
            "needs at least 1",
        ),
        (
            'objects = ["互联网信息服务企业", "高校及科研机构"]',
            'objects = ["a", " "]',
            "technical_service.objects",
            "empty entry",
        ),
        ('name = "深言文本生成开放平台"', 'name = "  "', "technical_service.name", "is empty — fill it in"),
        ('account = "demo-supporter"', 'account = "演示账号"', "account", "account name from the settings"),
        (
            "batch_output = true",
            "batch_output = 1",
            "algorithm.data.batch_output",
            "must be true (是) or false (否)",
        ),
        (
            'type = "生成合成类（深度合成）"',
            'type = ["生成合成类（深度合成）"]',
            "algorithm.type",
            "must be a text in quotes",
        ),
        (
            'input_modalities = ["文本"]',
            'input_modalities = "文本"',
            "algorithm.data.input_modalities",
            "must be a list",
        ),
        (
            "[algorithm.strategy]\nextra",
            "[algorithm.strategy]\nx = 1\nextra",
            "algorithm.strategy.x",
            "unknown key 'x'",
        ),
    ],
)
def test_field_rules(supporter: Path, old: str, new: str, path: str | None, fragment: str | None) -> None:
    edit(supporter, old, new)
    errors = validate_bundle(supporter)
    if path is None:
        assert errors == []
    else:
        assert [e.path for e in errors] == [path]
        assert fragment is not None and fragment in errors[0].message


def test_access_rows_limits(supporter: Path) -> None:
    row = '\n[[technical_service.access]]\ntype = "SDK"\nurl = "https://example.cn/sdk/{n}"\n'
    with (supporter / "filing.toml").open("a", encoding="utf-8") as handle:
        handle.write("".join(row.format(n=n) for n in range(17)))  # 3 + 17 = 20 rows: the most allowed
    assert validate_bundle(supporter) == []
    with (supporter / "filing.toml").open("a", encoding="utf-8") as handle:
        handle.write(row.format(n=17))
    assert [str(e) for e in validate_bundle(supporter)] == [
        "technical_service.access (技术服务访问方式): has 21 entries, at most 20 allowed — remove 1"
    ]


def test_extra_must_not_shadow_a_field(supporter: Path) -> None:
    edit(supporter, "[technical_service]\n", '[technical_service]\nextra = { "技术服务名称" = "x" }\n')
    assert [str(e) for e in validate_bundle(supporter)] == [
        "technical_service.extra (技术服务方式): '技术服务名称' is already the field name of this section "
        "— set name instead"
    ]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ('"是"', None),
        ('["文本", "图像"]', None),
        ("2024-01-01", None),
        ("true", None),
        ('""', "is empty"),
        ("[]", "non-empty list of option texts"),
        ("[1]", "non-empty list of option texts"),
        ("1.5", "is a number, which no portal field takes"),
        ('{ path = "x.pdf" }', "use exactly that one key"),
        ("2024-01-01T00:00:00", "is a date and time"),
    ],
)
def test_extra_value_shapes(supporter: Path, value: str, fragment: str | None) -> None:
    edit(supporter, "[technical_service]\n", f'[technical_service]\nextra = {{ "新字段" = {value} }}\n')
    errors = validate_bundle(supporter)
    if fragment is None:
        assert errors == []
    else:
        assert [(e.path, e.label) for e in errors] == [('technical_service.extra."新字段"', "新字段")]
        assert fragment in errors[0].message


def test_function_with_its_path_is_fine_and_product_alone_too(provider: Path) -> None:
    bundle: Bundle = load_bundle(provider)
    assert bundle.filing.products is not None
    assert [(s.product, s.path, s.function) for s in bundle.filing.products.select] == [
        ("智绘写作", "首页 > 灵感助手", None),
        ("智绘写作", "首页 > AI写作", "智能续写"),
    ]


def test_bad_path_does_not_also_blame_the_function(provider: Path) -> None:
    edit(provider, 'path = "首页 > AI写作"\nfunction', 'path = "首页 >"\nfunction')
    assert [e.path for e in validate_bundle(provider)] == ["products.select[1].path"]


def test_product_defined_twice(provider: Path) -> None:
    text = (provider / "filing.toml").read_text(encoding="utf-8")
    define = text[text.index("[[products.define]]") :]
    (provider / "filing.toml").write_text(text + "\n" + define, encoding="utf-8")
    assert [str(e) for e in validate_bundle(provider)] == [
        "products.define (产品及功能信息): product '智绘写作' is defined twice — merge its paths into one "
        "[[products.define]]"
    ]


def test_other_roles_section_reports_once(provider: Path) -> None:
    # The details inside a section that must go are noise: only the section is reported.
    with (provider / "filing.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[technical_service]\nname = ""\nbogus = 1\n')
    assert [e.path for e in validate_bundle(provider)] == ["technical_service"]


def test_unknown_top_level_key_and_missing_table(supporter: Path) -> None:
    text = (supporter / "filing.toml").read_text(encoding="utf-8")
    (supporter / "filing.toml").write_text(
        text.replace("[algorithm.data]", "[algorithm.dat]"), encoding="utf-8"
    )
    assert [str(e) for e in validate_bundle(supporter)] == [
        "algorithm.data (算法数据): is required — add data to [algorithm]",
        "algorithm.dat (算法基础属性信息): unknown key 'dat' — did you mean 'data'?",
    ]


def test_no_close_match_lists_known_keys(supporter: Path) -> None:
    edit(supporter, 'account = "demo-supporter"', 'account = "demo-supporter"\nzzz = 1')
    (error,) = validate_bundle(supporter)
    assert error.message == (
        "unknown key 'zzz' — remove it (known keys: account, entity, algorithm, products, technical_service)"
    )


def test_unreadable_filing_toml(supporter: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)  # chmod does not stop root, which CI may be
    (error,) = validate_bundle(supporter)
    assert str(error) == "filing.toml: cannot be read (Permission denied) — check the file's permissions"
