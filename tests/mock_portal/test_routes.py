"""Test-only routes and variant switches of the mock portal, over HTTP without a browser."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from fixtures.mock_portal import VARIANTS, MockPortal, create_app, provision, request_log
from fixtures.mock_portal.variants import VariantError

from .client import Client
from .test_api import BASIC, PDF

PRODUCT = {
    "fields": {"产品名称": "演练助手", "服务形式": "APP", "访问地址": "应用商店", "服务状态": "已上线"},
    "paths": [{"path": "首页>写作", "functions": [{"功能名称": "续写", "功能介绍": "续写段落。"}]}],
}


def test_provision_adds_an_account_with_its_entity_and_products(portal: MockPortal) -> None:
    payload: dict[str, Any] = {
        "accounts": {
            "rehearsal-a": {"password": "Pw-123456", "entity": {"filed": False, "name": "演练甲"}},
            "rehearsal-b": {"entity": {"filed": True, "name": "演练乙"}, "products": [PRODUCT]},
        }
    }
    assert provision(portal.url, payload) == ["rehearsal-a", "rehearsal-b"]
    accounts = portal.state()["accounts"]
    assert accounts["rehearsal-a"]["entity"]["status"] == "未填报"
    assert accounts["rehearsal-a"]["entity_name"] == "演练甲"
    assert accounts["rehearsal-b"]["entity"]["status"] == "已通过"
    assert accounts["rehearsal-b"]["entity"]["sections"]["主体基本信息"]["主体名称"] == "演练乙"
    assert accounts["rehearsal-b"]["products"][0]["paths"] == [
        {"path": "首页 > 写作", "functions": [{"功能名称": "续写", "功能介绍": "续写段落。"}]}
    ]
    assert Client(portal.url).login("rehearsal-a", "Pw-123456")["errno"] == 0

    # Again with one more function: merged by name, nothing doubled.
    path = {"path": "首页 > 写作", "functions": [{"功能名称": "润色"}]}
    more = {"fields": PRODUCT["fields"], "paths": [path]}
    portal.provision({"accounts": {"rehearsal-b": {"products": [PRODUCT, more]}}})
    products = portal.state()["accounts"]["rehearsal-b"]["products"]
    assert len(products) == 1
    assert [f["功能名称"] for f in products[0]["paths"][0]["functions"]] == ["续写", "润色"]
    # An existing account's 主体信息 is replaced only when the body names one.
    filed = {"filed": True, "name": "杭州新启点网络有限公司"}
    portal.provision({"accounts": {"demo-newco": {"entity": filed}}})
    assert portal.state()["accounts"]["demo-newco"]["entity"]["status"] == "已通过"


@pytest.mark.parametrize(
    "body",
    [[], {"accounts": []}, {"accounts": {"x": 1}}, {"accounts": {"x": {"products": [{"fields": {}}]}}}],
)
def test_provision_refuses_a_body_it_cannot_read(portal: MockPortal, body: Any) -> None:
    status, answer = Client(portal.url).raw(
        "POST", "/__mock/provision", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    assert status == 400 and json.loads(answer)["ok"] is False


def test_request_log_names_the_account_and_errno_with_times(portal: MockPortal) -> None:
    client = Client(portal.url)
    client.get("/api/user/info")
    client.post("/api/login", {"account": "demo-provider", "password": "wrong"})
    client.login("demo-provider")
    client.get("/api/filing/list")
    log = request_log(portal.url)
    assert [(e["path"], e["account"], e["errno"]) for e in log] == [
        ("/api/user/info", None, 440),
        ("/api/login", None, 1),
        ("/api/login", "demo-provider", 0),
        ("/api/filing/list", "demo-provider", 0),
    ]
    assert all(e["start"] <= e["end"] and e["method"] in ("GET", "POST") for e in log)
    portal.set_faults(fail_rate=1.0)
    status, _ = client.raw("POST", "/api/filing/create", b"{}", {"Content-Type": "application/json"})
    assert status == 500
    assert portal.requests()[-1]["status"] == 500 and portal.requests()[-1]["errno"] is None
    portal.reset()
    assert portal.requests() == []


def test_unknown_variant_is_refused(tmp_path: Path) -> None:
    with pytest.raises(VariantError, match="unknown variant 'nope'"):
        create_app(tmp_path, variant="nope")


def test_every_variant_serves_its_page_config(tmp_path: Path) -> None:
    assert len(VARIANTS) >= 8
    for name in VARIANTS:
        app = create_app(tmp_path / name, variant=name)
        assert app.state.variant.name == name
    with MockPortal(variant="single-scenario") as portal:
        status, body = Client(portal.url).raw("GET", "/static/forms.js")
        text = body.decode()
        assert status == 200 and '"variant": "single-scenario"' in text
        forms = json.loads(text.split("window.FORMS = ", 1)[1].split(";\n", 1)[0])
        scenario = next(f for s in forms["step2"] for f in s["fields"] if f["label"] == "使用场景")
        assert scenario["kind"] == "select"
        status, body = Client(portal.url).raw("GET", "/")
        assert status == 200


def test_field_moved_draws_the_datasets_under_the_model_section(tmp_path: Path) -> None:
    with MockPortal(variant="field-moved") as portal:
        _, body = Client(portal.url).raw("GET", "/static/forms.js")
    forms = json.loads(body.decode().split("window.FORMS = ", 1)[1].split(";\n", 1)[0])
    sections = {s["title"]: [(f["label"], f["store"]) for f in s["fields"]] for s in forms["step2"]}
    assert ("开源数据集&来源", "算法数据") in sections["算法模型"]
    assert all(label != "开源数据集&来源" for label, _ in sections["算法数据"])


def test_lazy_draft_save_without_id_creates_the_draft_with_the_files_chosen_before() -> None:
    with MockPortal(variant="lazy-draft") as portal:
        client = Client(portal.url)
        client.login("demo-provider")
        before = len(portal.state()["accounts"]["demo-provider"]["filings"])
        assert client.get("/api/filing/detail?id=new")["datas"]["filing"]["id"] is None
        client.upload("/api/filing/upload", {"label": "拟公示内容"}, "拟公示内容.pdf", PDF)
        assert len(portal.state()["accounts"]["demo-provider"]["filings"]) == before
        answer = client.post(
            "/api/filing/save",
            {"id": None, "step": 1, "action": "draft", "sections": {"算法基础属性信息": BASIC}},
        )
        filings = portal.state()["accounts"]["demo-provider"]["filings"]
        assert len(filings) == before + 1 and filings[-1]["id"] == answer["datas"]["id"]
        assert filings[-1]["attachments"]["拟公示内容"]["name"] == "拟公示内容.pdf"


def test_entity_editable_takes_a_second_submission() -> None:
    with MockPortal(variant="entity-editable") as portal:
        client = Client(portal.url)
        client.login("demo-provider")
        sections = portal.state()["accounts"]["demo-provider"]["entity"]["sections"]
        sections["主体基本信息"]["详细地址"] = "北京市海淀区中关村大街2号"
        answer = client.post("/api/entity/submit", {"sections": sections})
        assert answer["datas"] == {"status": "待审核"}
        entity = portal.state()["accounts"]["demo-provider"]["entity"]
        assert entity["sections"]["主体基本信息"]["详细地址"] == "北京市海淀区中关村大街2号"
    with MockPortal() as portal:
        client = Client(portal.url)
        client.login("demo-provider")
        assert client.post("/api/entity/submit", {"sections": sections})["errno"] == 409


def test_slow_lists_answer_the_lists_later_than_other_calls() -> None:
    with MockPortal(variant="slow-lists") as portal:
        client = Client(portal.url)
        client.login("demo-provider")
        started = time.monotonic()
        client.get("/api/user/info")
        quick = time.monotonic() - started
        started = time.monotonic()
        client.get("/api/filing/list")
        slow = time.monotonic() - started
    assert slow >= 1.5 > quick


def test_region_is_checked_against_the_cascader_list(portal: MockPortal) -> None:
    client = Client(portal.url)
    client.login("demo-newco")
    entity = portal.state()["accounts"]["demo-provider"]["entity"]
    sections = json.loads(json.dumps(entity["sections"]))
    sections["主体基本信息"]["注册地"] = "浙江省杭州市西湖区"
    answer = client.post("/api/entity/submit", {"sections": sections})
    assert answer["errno"] == 400 and answer["errmsg"] == "注册地的选项无效"
    sections["主体基本信息"]["注册地"] = "浙江省/杭州市/西湖区"
    answer = client.post("/api/entity/submit", {"sections": sections})
    assert "注册地" not in {e["label"] for e in answer["datas"]["errors"]}
