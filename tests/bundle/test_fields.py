from __future__ import annotations

import typing
from datetime import date
from pathlib import Path

import pytest
from pydantic import BaseModel

from agent.bundle import FormEntry, kind_of, label_of, load_bundle, meta_of, models
from agent.bundle.fields import portal_field


def _all_models() -> list[type[BaseModel]]:
    return [
        obj
        for name in models.__all__
        if isinstance(obj := getattr(models, name), type) and issubclass(obj, BaseModel)
    ]


def test_labels() -> None:
    assert label_of(models.AlgorithmData, "intro") == "算法简介"
    assert label_of(models.Entity, "unified_social_credit_code") == "统一社会信用代码"
    assert label_of(models.TechnicalService, "frequency") == "技术服务频度（近三个月）"
    assert kind_of(models.AlgorithmData, "scenarios") == "multiselect"
    assert meta_of(models.AlgorithmData, "scenarios").vocab == "scenario"
    assert meta_of(models.AlgorithmData, "intro").max_chars == 200
    assert meta_of(models.ProductFunction, "intro").max_chars == 500


@pytest.mark.parametrize("model", _all_models(), ids=lambda m: m.__name__)
def test_every_field_carries_label_and_kind(model: type[BaseModel]) -> None:
    for name in model.model_fields:
        meta = meta_of(model, name)
        assert meta.label and meta.kind


def test_vocab_keys_exist_in_the_profile() -> None:
    from agent.profile import default_profile

    profile = default_profile()
    for model in _all_models():
        for name in model.model_fields:
            vocab = meta_of(model, name).vocab
            if vocab is not None:
                assert profile.options(vocab), (model.__name__, name)


def test_undeclared_field_is_reported() -> None:
    class Plain(BaseModel):
        x: int = 1
        y: int = portal_field("Y", "text", default=1)

    with pytest.raises(KeyError, match="portal_field"):
        label_of(Plain, "x")
    assert label_of(Plain, "y") == "Y"


def test_section_fields_for_flows(bundles: Path) -> None:
    bundle = load_bundle(bundles / "supporter-basic")
    entries = {e.label: e for e in bundle.fields("algorithm.data")}
    assert entries["算法简介"] == FormEntry(
        "algorithm.data.intro", "算法简介", bundle.filing.algorithm.data.intro, "textarea"
    )
    assert entries["使用场景"].value == ["文本生成", "对话生成", "代码生成"]
    assert entries["使用场景"].vocab == "scenario"
    assert entries["输入的人物特征是否包含生物特征"].value == "否"
    assert entries["是否支持批量输出"].value == "是"
    assert entries["是否支持批量输出"].kind == "radio"


def test_step_one_fields(bundles: Path) -> None:
    bundle = load_bundle(bundles / "supporter-basic")
    entries = bundle.fields("algorithm")
    assert [e.label for e in entries] == [
        "算法名称", "算法类型", "角色", "上线时间", "版本号", "应用领域", "算法安全自评估报告", "拟公示内容",
    ]  # fmt: skip
    by_label = {e.label: e for e in entries}
    assert by_label["上线时间"].value == date(2023, 5, 20)
    upload = by_label["拟公示内容"]
    assert upload.kind == "upload" and upload.value == bundle.directory / "attachments" / "disclosure.pdf"


def test_extras_come_last_with_inferred_kinds(bundles: Path) -> None:
    bundle = load_bundle(bundles / "provider-basic")
    model = bundle.fields("algorithm.model")
    assert [(e.path, e.label, e.kind, e.value, e.extra) for e in model] == [
        ('algorithm.model.extra."模型名称"', "模型名称", "text", "智绘写作大模型 ZH-Writer", True),
        (
            'algorithm.model.extra."模型结构描述"',
            "模型结构描述",
            "text",
            typing.cast(str, model[1].value),
            True,
        ),
        ('algorithm.model.extra."是否使用第三方基础模型"', "是否使用第三方基础模型", "radio", "否", True),
    ]
    risk = {e.label: e for e in bundle.fields("algorithm.risk")}
    assert risk["安全评估完成日期"].kind == "date" and risk["安全评估完成日期"].value == date(2023, 7, 15)


def test_rows_and_numbers(bundles: Path) -> None:
    bundle = load_bundle(bundles / "supporter-basic")
    entries = {e.label: e for e in bundle.fields("technical_service")}
    assert entries["技术服务访问方式"].kind == "rows"
    assert entries["技术服务访问方式"].value[0] == {
        "类型": "API",
        "下载地址": "https://open.shenyan-ai.example.cn/api/v2",
    }
    assert len(entries["技术服务访问方式"].value) == 3
    assert entries["技术服务对象"].value == ["互联网信息服务企业", "高校及科研机构"]
    assert entries["技术服务频度（近三个月）"].value == "1200"


def test_nested_product_sections(bundles: Path) -> None:
    bundle = load_bundle(bundles / "provider-basic")
    product = {e.label: e.value for e in bundle.fields("products.define[0]")}
    assert product["产品名称"] == "智绘写作" and product["是否需实名认证"] == "是"
    assert "功能访问路径" not in product  # nested paths are sections of their own
    function = bundle.fields("products.define[0].paths[1].functions[0]")
    assert [(e.path, e.label) for e in function] == [
        ("products.define[0].paths[1].functions[0].name", "功能名称"),
        ("products.define[0].paths[1].functions[0].intro", "功能介绍"),
    ]


def test_entity_sections(bundles: Path) -> None:
    bundle = load_bundle(bundles / "newco-provider")
    basic = [e.label for e in bundle.fields("entity")]
    assert basic == ["主体名称", "统一社会信用代码", "主体类型", "注册地", "详细地址", "网址", "月活跃用户量"]
    officer = [e.label for e in bundle.fields("entity.security_officer")]
    assert officer == ["姓名", "证件类型", "证件号码", "手机号码", "电子邮箱"]


def test_unknown_section_path(bundles: Path) -> None:
    bundle = load_bundle(bundles / "provider-basic")
    with pytest.raises(KeyError):
        bundle.fields("algorithm.name")
    with pytest.raises(KeyError):
        bundle.fields("algorithm.nothing")
    with pytest.raises(KeyError):
        bundle.fields("products.define[5]")
