"""Every bundle under fixtures/bundles/invalid/ and the exact problems it must produce."""

from __future__ import annotations

import filecmp
import re
import shutil
from pathlib import Path

import pytest

from agent.bundle import validate_bundle
from agent.bundle.attachments import MAX_BYTES
from fixtures.bundles.make_fixtures import CASES, write_all
from tests.bundle.conftest import BUNDLES, edit

INVALID = BUNDLES / "invalid"
S = "supporter-basic"

# case -> [(path, label, message as a regular expression, matched in full)]
EXPECTED: dict[str, list[tuple[str, str, str]]] = {
    "bad-toml": [
        ("filing.toml", "", r"line 10, column 17: Illegal character '\\n' — fix the TOML syntax there")
    ],
    "not-utf8": [
        (
            "filing.toml",
            "",
            r"is not UTF-8 \(byte 0xbc at line 2, column 3\) — save the file as UTF-8 "
            r"\(GBK/GB 18030 is not accepted\)",
        )
    ],
    "unknown-key": [
        ("algorithm.version", "版本号", r"is required — add version to \[algorithm\]"),
        ("algorithm.versoin", "算法基础属性信息", r"unknown key 'versoin' — did you mean 'version'\?"),
    ],
    "intro-too-long": [
        ("algorithm.data.intro", "算法简介", r"232 characters, at most 200 allowed — shorten it by 32")
    ],
    "intro-emoji": [
        ("algorithm.data.intro", "算法简介", r"201 characters, at most 200 allowed — shorten it by 1")
    ],
    "function-intro-too-long": [
        (
            "products.define[0].paths[0].functions[1].intro",
            "功能介绍",
            r"501 characters, at most 500 allowed — shorten it by 1",
        )
    ],
    "attachment-not-pdf": [
        (
            "algorithm.public_disclosure",
            "拟公示内容",
            r"'attachments/disclosure.pdf' is not a PDF \(its content does not start with %PDF-\) — .*",
        )
    ],
    "attachment-missing": [
        (
            "algorithm.public_disclosure",
            "拟公示内容",
            r"'attachments/disclosure.pdf' does not exist in the bundle — .*",
        )
    ],
    "attachment-empty": [
        (
            "algorithm.public_disclosure",
            "拟公示内容",
            r"'attachments/disclosure.pdf' is empty \(0 bytes\) — .*",
        )
    ],
    "attachment-escape": [
        (
            "algorithm.public_disclosure",
            "拟公示内容",
            r"'\.\./\.\./supporter-basic/attachments/disclosure\.pdf' "
            r"leaves the bundle directory \('\.\.'\) — .*",
        )
    ],
    "bad-uscc": [
        (
            "entity.unified_social_credit_code",
            "统一社会信用代码",
            r"its check character \(the 18th\) does not match \(GB 32100-2015\) — .*",
        )
    ],
    "bad-id-numbers": [
        (
            "entity.legal_representative.id_number",
            "证件号码",
            r"3301\*{10}1232 has a wrong check digit \(GB 11643\) — .*",
        ),
        (
            "entity.security_officer.id_number",
            "证件号码",
            r"3301\*{10}4560 holds no valid birth date \(characters 7–14\) — .*",
        ),
    ],
    "bad-mobile": [
        (
            "entity.security_officer.mobile",
            "手机号码",
            r"128\*{4}8000 is not an 11-digit mainland mobile number .* — .*",
        )
    ],
    "bad-email": [("entity.security_officer.email", "电子邮箱", r"s\*\*\* is not an e-mail address — .*")],
    "bad-url": [
        (
            "technical_service.access[0].url",
            "下载地址",
            r"'open\.shenyan-ai\.example\.cn/api/v2' is not an http\(s\) URL — .*",
        ),
        (
            "technical_service.access[1].url",
            "下载地址",
            r"'ftp://open\.shenyan-ai\.example\.cn/sdk' is not .* — .*",
        ),
    ],
    "bad-date": [
        ("algorithm.online_date", "上线时间", r"'2023/05/20' is not a date — write it as YYYY-MM-DD, .*")
    ],
    "too-many-access-rows": [
        ("technical_service.access", "技术服务访问方式", r"has 21 entries, at most 20 allowed — remove 1")
    ],
    "negative-frequency": [
        (
            "technical_service.frequency",
            "技术服务频度（近三个月）",
            r"must be 0 or more, got -5 — correct the value",
        )
    ],
    "provider-with-technical-service": [
        (
            "technical_service",
            "技术服务方式",
            r"belongs to the other role, algorithm\.role is 服务提供者 — remove .*",
        )
    ],
    "supporter-without-technical-service": [
        (
            "technical_service",
            "技术服务方式",
            r"is required for a 技术支持者 — add the \[technical_service\] table",
        )
    ],
    "supporter-with-products": [
        (
            "products",
            "产品及功能信息",
            r"belongs to the other role, algorithm\.role is 技术支持者 — remove \[products\] .*",
        )
    ],
    "provider-without-products": [
        (
            "products",
            "产品及功能信息",
            r"is required for a 服务提供者 — add at least one \[\[products\.select\]\]",
        )
    ],
    "unknown-option": [
        (
            "algorithm.data.scenarios",
            "使用场景",
            r"'文字生成' is not an option of 使用场景 — did you mean '文本生成'\? choose from: 文本生成, .*",
        )
    ],
    "missing-required": [("algorithm.name", "算法名称", r"is required — add name to \[algorithm\]")],
    "function-without-path": [
        (
            "products.select[1].function",
            "功能名称",
            r"a 功能 is ticked under its 功能访问路径 — add path = .*",
        )
    ],
    "wrong-types": [
        ("algorithm.version", "版本号", r"must be a text in quotes, got a number — write version = \"…\""),
        (
            "algorithm.data.batch_output",
            "是否支持批量输出",
            r"must be true \(是\) or false \(否\), got a text — .*",
        ),
    ],
    "bad-extra": [
        (
            'algorithm.strategy.extra."策略版本"',
            "策略版本",
            r"is an integer, which no portal field takes — write a text, .*",
        ),
        (
            'algorithm.strategy.extra."补充材料"',
            "补充材料",
            r"'attachments/none\.pdf' does not exist in the bundle — .*",
        ),
    ],
    "attachment-fake-pdf": [
        (
            "algorithm.public_disclosure",
            "拟公示内容",
            r"'attachments/disclosure\.pdf' cannot be opened as a PDF \(\w+\) — "
            r"export the document as PDF again",
        )
    ],
    "attachment-encrypted": [
        (
            "algorithm.public_disclosure",
            "拟公示内容",
            r"'attachments/disclosure\.pdf' is encrypted \(password-protected or restricted\) .* — .*",
        )
    ],
    "attachments-identical": [
        (
            "algorithm.public_disclosure",
            "拟公示内容",
            r"'attachments/disclosure\.pdf' has the same content as self_assessment_report "
            r"\(算法安全自评估报告\) \('attachments/self-assessment\.pdf'\) — attach the document .*",
        )
    ],
    "fullwidth-digits": [
        (
            "entity.legal_representative.id_number",
            "证件号码",
            r"is written with '٣' \(U\+0663\), a full-width or other-script digit — use ASCII digits 0-9",
        ),
        (
            "entity.security_officer.mobile",
            "手机号码",
            r"is written with '１' \(U\+FF11\), a full-width or other-script digit — use ASCII digits 0-9",
        ),
    ],
    "duplicate-access-rows": [
        (
            "technical_service.access",
            "技术服务访问方式",
            r"'API, https://open\.shenyan-ai\.example\.cn/api/v2' is listed twice \(\[0\] and \[3\]\) — "
            r"remove one",
        )
    ],
    "duplicate-functions": [
        (
            "products.define[0].paths[0].functions",
            "功能",
            r"'智能续写' is listed twice \(\[0\] and \[1\]\) — remove one",
        )
    ],
    "zero-width-version": [
        (
            "algorithm.version",
            "版本号",
            r"contains the invisible character U\+200B \(ZERO WIDTH SPACE\) at position 1 — delete it; .*",
        )
    ],
    "empty-extra-key": [
        ("algorithm.strategy.extra", "算法策略", r"has an entry with an empty label — write the field's .*")
    ],
    "compact-date": [
        ("algorithm.online_date", "上线时间", r"'20230520' is not a date — write it as YYYY-MM-DD, .*")
    ],
}


def _assert_errors(directory: Path, expected: list[tuple[str, str, str]]) -> None:
    errors = validate_bundle(directory)
    assert [(e.path, e.label) for e in errors] == [(p, label) for p, label, _ in expected]
    for error, (_, _, pattern) in zip(errors, expected, strict=True):
        assert re.fullmatch(pattern, error.message), error.message
        assert " — " in error.message  # every message says how to fix it


def test_every_case_has_expectations() -> None:
    on_disk = {p.name for p in INVALID.iterdir() if p.is_dir()}
    assert on_disk == set(EXPECTED) == {case.name for case in CASES}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_invalid_fixture(case: str) -> None:
    _assert_errors(INVALID / case, EXPECTED[case])


def test_symlink_escaping_the_bundle(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(BUNDLES / S, bundle)
    outside = tmp_path / "secret.pdf"
    outside.write_bytes(b"%PDF-1.4 outside")
    (bundle / "attachments" / "disclosure.pdf").unlink()
    (bundle / "attachments" / "disclosure.pdf").symlink_to(outside)
    _assert_errors(
        bundle,
        [
            (
                "algorithm.public_disclosure",
                "拟公示内容",
                r"'attachments/disclosure\.pdf' is a symbolic link to a file outside the bundle .* — .*",
            )
        ],
    )


def test_attachment_over_20_mb(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(BUNDLES / S, bundle)
    with (bundle / "attachments" / "big.pdf").open("wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(MAX_BYTES + 1)  # sparse: cheap to create
    edit(bundle, '"attachments/disclosure.pdf"', '"attachments/big.pdf"')
    _assert_errors(
        bundle,
        [
            (
                "algorithm.public_disclosure",
                "拟公示内容",
                r"'attachments/big\.pdf' is 20,971,521 bytes, more than .* — .*",
            )
        ],
    )


def test_no_traceback_for_any_invalid_fixture() -> None:
    for case in EXPECTED:
        for error in validate_bundle(INVALID / case):
            assert "Traceback" not in error.message and "pydantic" not in error.message


def test_fixtures_up_to_date(tmp_path: Path) -> None:
    """The committed PDFs and invalid bundles are what make_fixtures.py writes."""
    copy = tmp_path / "bundles"
    shutil.copytree(BUNDLES, copy, ignore=shutil.ignore_patterns("invalid", "__pycache__"))
    write_all(copy)
    _same_tree(BUNDLES, copy)


def _same_tree(committed: Path, generated: Path) -> None:
    comparison = filecmp.dircmp(committed, generated, ignore=["__pycache__"])
    _assert_same(comparison)


def _assert_same(comparison: filecmp.dircmp[str]) -> None:
    assert not comparison.left_only and not comparison.right_only, (comparison.left, comparison.left_only)
    _, mismatch, errors = filecmp.cmpfiles(
        comparison.left, comparison.right, comparison.common_files, shallow=False
    )
    assert not mismatch and not errors, (comparison.left, mismatch, errors)
    for sub in comparison.subdirs.values():
        _assert_same(sub)
