"""The widget drivers on plain HTML controls, found through a profile override as a user would write it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from agent.bundle.fields import Kind
from agent.errors import NotOnScreen
from agent.profile import PortalProfile, load_profile
from flows.widgets import FieldSpec, Form

pytestmark = pytest.mark.e2e

NATIVE_FORM = """
<form>
  <div><label>算法名称</label><input type="text"></div>
  <div><label>算法类型</label>
    <select><option></option><option>生成合成类（深度合成）</option><option>个性化推送类</option></select></div>
  <div><label>应用领域</label>
    <select multiple><option>办公</option><option>金融</option><option>游戏</option></select></div>
  <div><label>上线时间</label><input type="date"></div>
  <div><label>算法简介</label><textarea></textarea></div>
  <div><label>是否支持批量输出</label>
    <span><label><input type="radio" name="b">是</label>
          <label><input type="radio" name="b">否</label></span></div>
  <div><label>同意</label><input type="checkbox"></div>
  <div><label>拟公示内容</label><input type="file" onchange="
      this.nextElementSibling.replaceChildren(...[...this.files].map((f) => {
        const li = document.createElement('li'); li.textContent = f.name; return li; }))"><ul></ul></div>
</form>
"""


@pytest.fixture
def native_profile(tmp_path: Path) -> PortalProfile:
    override = tmp_path / "native.toml"
    override.write_text(
        '[ui]\nform_item_label = "label"\nupload_success = "ul > li"\n',
        encoding="utf-8",
    )
    return load_profile(override)


def _fill_and_read(page: Page, profile: PortalProfile, spec: FieldSpec) -> tuple[Kind, object]:
    form = Form(page, profile, upload_timeout_ms=5_000)
    kind = form.fill(spec)
    return kind, form.read(spec)


@pytest.mark.parametrize(
    ("label", "value", "kind"),
    [
        ("算法名称", "示例算法", "text"),
        ("算法类型", "个性化推送类", "select"),
        ("应用领域", ["办公", "游戏"], "multiselect"),
        ("上线时间", "2023-08-01", "date"),
        ("算法简介", "多行\n文本", "textarea"),
        ("是否支持批量输出", "否", "radio"),
        ("同意", True, "checkbox"),
    ],
)
def test_native_controls_are_filled_and_read_back(
    page: Page, native_profile: PortalProfile, label: str, value: object, kind: Kind
) -> None:
    page.set_content(NATIVE_FORM)
    spec = FieldSpec(path=f"x.{label}", label=label, value=value)
    found, shown = _fill_and_read(page, native_profile, spec)
    assert found == kind
    assert shown == value


def test_native_upload_lists_the_file(page: Page, native_profile: PortalProfile, tmp_path: Path) -> None:
    pdf = tmp_path / "拟公示内容.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.set_content(NATIVE_FORM)
    spec = FieldSpec(path="algorithm.public_disclosure", label="拟公示内容", value=pdf)
    kind, shown = _fill_and_read(page, native_profile, spec)
    assert kind == "upload"
    assert shown == pdf.name


def test_an_option_the_page_does_not_offer_is_named(page: Page, native_profile: PortalProfile) -> None:
    page.set_content(NATIVE_FORM)
    spec = FieldSpec(path="algorithm.type", label="算法类型", value="排序精选类")
    with pytest.raises(NotOnScreen, match="排序精选类"):
        Form(page, native_profile).fill(spec)


def test_a_missing_label_is_named(page: Page, native_profile: PortalProfile) -> None:
    page.set_content(NATIVE_FORM)
    spec = FieldSpec(path="algorithm.version", label="版本号", value="v1")
    with pytest.raises(NotOnScreen, match="版本号"):
        Form(page, native_profile).fill(spec)
