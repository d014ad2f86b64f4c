"""Values the portal's reviewers would reject: loose dates, foreign digits, duplicates, invisible text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agent.bundle import validate_bundle
from fixtures.bundles.make_fixtures import encrypted_pdf, minimal_pdf
from tests.bundle.conftest import edit


def errors_of(bundle: Path) -> list[tuple[str, str]]:
    return [(e.path, e.message) for e in validate_bundle(bundle)]


@pytest.mark.parametrize("text", ["20230520", "2023-W20-1", "2023-140", "2023-5-20", "２０２３-05-20"])
def test_dates_must_be_yyyy_mm_dd(supporter: Path, text: str) -> None:
    edit(supporter, "online_date = 2023-05-20", f'online_date = "{text}"')
    ((path, message),) = errors_of(supporter)
    assert path == "algorithm.online_date" and "YYYY-MM-DD" in message


def test_a_quoted_dashed_date_is_fine(supporter: Path) -> None:
    edit(supporter, "online_date = 2023-05-20", 'online_date = "2023-05-20"')
    assert errors_of(supporter) == []


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ('"13800138000"', '"１３８００１３８０００"', "entity.security_officer.mobile"),
        (
            '"330106198503121231"',
            '"３３０１０６１９８５０３１２１２３１"',
            "entity.legal_representative.id_number",
        ),
        (
            'unified_social_credit_code = "91330106MA2H7K3P0K"',
            'unified_social_credit_code = "９1330106MA2H7K3P0K"',
            "entity.unified_social_credit_code",
        ),
        ('"13800138000"', '"١٣٨٠٠١٣٨٠٠٠"', "entity.security_officer.mobile"),
    ],
)
def test_only_ascii_digits(newco: Path, old: str, new: str, path: str) -> None:
    edit(newco, old, new)
    ((where, message),) = errors_of(newco)
    assert where == path and "use ASCII digits 0-9" in message
    assert new.strip('"') not in message


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        (
            'text-gen"\n',
            'text-gen"\n\n[[technical_service.access]]\ntype = "API"\n'
            'url = "https://open.shenyan-ai.example.cn/api/v2"\n',
            "technical_service.access",
        ),
        (
            'objects = ["互联网信息服务企业", "高校及科研机构"]',
            'objects = ["高校及科研机构", "高校及科研机构"]',
            "technical_service.objects",
        ),
        (
            'scenarios = ["文本生成", "对话生成", "代码生成"]',
            'scenarios = ["文本生成", "文本生成"]',
            "algorithm.data.scenarios",
        ),
        (
            'application_fields = ["综合"]',
            'application_fields = ["综合", "综合"]',
            "algorithm.application_fields",
        ),
    ],
)
def test_duplicates_in_supporter_lists(supporter: Path, old: str, new: str, path: str) -> None:
    edit(supporter, old, new)
    ((where, message),) = errors_of(supporter)
    assert where == path and "twice" in message and " — " in message


def test_duplicate_path(provider: Path) -> None:
    edit(
        provider,
        'path = "首页 > 灵感助手"\n\n[[products.define.paths.functions]]',
        'path = "首页>AI写作"\n\n[[products.define.paths.functions]]',
    )
    ((where, message),) = errors_of(provider)
    assert where == "products.define[0].paths" and "'首页 > AI写作' is listed twice ([0] and [1])" in message


def test_duplicate_function(provider: Path) -> None:
    edit(provider, 'name = "文本润色"', 'name = "智能续写"')
    ((where, message),) = errors_of(provider)
    assert where == "products.define[0].paths[0].functions" and "twice" in message


def test_duplicate_selection(provider: Path) -> None:
    text = (provider / "filing.toml").read_text(encoding="utf-8")
    start = text.index("[[products.select]]                    # one function only")
    end = text.index("[[products.define]]")
    edit(provider, "[[products.define]]", text[start:end] + "[[products.define]]")
    ((where, message),) = errors_of(provider)
    assert where == "products.select" and "twice" in message


def test_identical_attachments_by_path_and_by_content(supporter: Path) -> None:
    edit(supporter, '"attachments/disclosure.pdf"', '"attachments/self-assessment.pdf"')
    ((where, message),) = errors_of(supporter)
    assert where == "algorithm.public_disclosure" and "same file" in message
    edit(supporter, '"attachments/self-assessment.pdf"\n\n', '"attachments/copy.pdf"\n\n')
    shutil.copy(supporter / "attachments" / "self-assessment.pdf", supporter / "attachments" / "copy.pdf")
    ((where, message),) = errors_of(supporter)
    assert where == "algorithm.public_disclosure" and "same content" in message


def test_fake_and_encrypted_pdfs(supporter: Path) -> None:
    target = supporter / "attachments" / "disclosure.pdf"
    target.write_bytes(b"%PDF-1.7\n%%EOF\n")
    ((_, message),) = errors_of(supporter)
    assert "cannot be opened as a PDF" in message
    target.write_bytes(encrypted_pdf("protected"))
    ((_, message),) = errors_of(supporter)
    assert "encrypted" in message
    target.write_bytes(minimal_pdf("fine", "深言文本生成算法"))
    assert errors_of(supporter) == []


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ('version = "2.0.1"', 'version = "\\u200B\\u200B"', "algorithm.version"),
        ('version = "2.0.1"', 'version = "2.0\\u202E.1"', "algorithm.version"),
        ('version = "2.0.1"', 'version = "2.0\\u0007.1"', "algorithm.version"),
        ('version = "2.0.1"', 'version = "2.0\\n.1"', "algorithm.version"),
        ('name = "深言文本生成算法"', 'name = "深言\\uFEFF文本生成算法"', "algorithm.name"),
        (
            'objects = ["互联网信息服务企业"',
            'objects = ["互联网\\u2060信息服务企业"',
            "technical_service.objects",
        ),
        ('extra = { "策略描述"', 'extra = { "策略\\u200C描述"', "algorithm.strategy.extra"),
        ('"风险描述" = "客户', '"风险描述" = "\\u0085客户', 'algorithm.risk.extra."风险描述"'),
    ],
)
def test_invisible_characters(supporter: Path, old: str, new: str, path: str) -> None:
    edit(supporter, old, new)
    ((where, message),) = errors_of(supporter)
    assert where == path and "U+" in message and " — " in message


def test_line_breaks_and_tabs_are_fine_in_multi_line_text(supporter: Path) -> None:
    edit(supporter, 'intro = "本算法以API', 'intro = "第一段。\\n\\t第二段：本算法以API')
    edit(supporter, '"风险描述" = "客户', '"风险描述" = "第一条；\\n客户')
    assert errors_of(supporter) == []


@pytest.mark.parametrize("key", ['""', '" "', '"\\u3000"'])
def test_empty_extra_key(supporter: Path, key: str) -> None:
    edit(supporter, 'extra = { "策略描述"', f'extra = {{ {key} = "说明", "策略描述"')
    ((where, message),) = errors_of(supporter)
    assert where == "algorithm.strategy.extra" and "empty" in message
