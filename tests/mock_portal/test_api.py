"""The mock portal's API: envelope, sessions, server-side rules, persistence, reset and faults."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from fixtures.mock_portal import Faults, MockPortal
from fixtures.mock_portal.seed import pdf_bytes

from .client import Client

PDF = pdf_bytes("api test")
BASIC = {
    "算法名称": "接口测试算法",
    "算法类型": "生成合成类（深度合成）",
    "角色": "服务提供者",
    "上线时间": "2024-01-02",
    "版本号": "v1.0",
    "应用领域": ["办公"],
}
DATA = {
    "算法简介": "根据提示生成文本。",
    "使用场景": ["文本生成"],
    "输入数据模态": ["文本"],
    "输入的人物特征是否包含生物特征": "否",
    "输入的人物特征是否包含身份信息": "否",
    "输出数据模态": ["文本"],
    "输出文件格式": ["txt"],
    "输出文件大小": "1MB",
    "是否支持批量输出": "否",
}


def technical_service(rows: int) -> dict[str, Any]:
    return {
        "技术服务名称": "接口",
        "技术服务访问方式": [{"类型": "API", "下载地址": f"https://x.example.cn/{i}"} for i in range(rows)],
        "技术服务对象": ["某平台"],
        "技术服务频度（近三个月）": "10",
    }


def new_filing(client: Client, role: str = "服务提供者") -> int:
    filing_id: int = client.post("/api/filing/create")["datas"]["id"]
    for label in ("算法安全自评估报告", "拟公示内容"):
        client.upload("/api/filing/upload", {"id": filing_id, "label": label}, f"{label}.pdf", PDF)
    basic = {**BASIC, "角色": role}
    answer = client.post(
        "/api/filing/save",
        {"id": filing_id, "step": 1, "action": "next", "sections": {"算法基础属性信息": basic}},
    )
    assert answer["errno"] == 0, answer
    answer = client.post(
        "/api/filing/save", {"id": filing_id, "step": 2, "action": "next", "sections": {"算法数据": DATA}}
    )
    assert answer["errno"] == 0, answer
    return filing_id


def logged_in(portal: MockPortal, account: str = "demo-provider") -> Client:
    client = Client(portal.url)
    assert client.login(account)["errno"] == 0
    return client


def filings(portal: MockPortal, account: str = "demo-provider") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = portal.state()["accounts"][account]["filings"]
    return found


def test_login_answers_in_the_envelope(portal: MockPortal) -> None:
    client = Client(portal.url)
    assert client.login("demo-provider", "nope") == {"errno": 1, "errmsg": "账号或密码错误", "datas": None}
    answer = client.login("demo-provider")
    assert answer["errno"] == 0 and answer["errmsg"] == ""
    assert answer["datas"] == {
        "account": "demo-provider",
        "entity_name": "北京智绘未来科技有限公司",
        "entity_status": "已通过",
    }


@pytest.mark.parametrize("method, path", [("GET", "/api/filing/list"), ("POST", "/api/filing/create")])
def test_without_a_session_the_api_answers_440(portal: MockPortal, method: str, path: str) -> None:
    answer = Client(portal.url).call(method, path, {} if method == "POST" else None)
    assert answer == {"errno": 440, "errmsg": "检测到未登录状态，请先登录", "datas": None}


def test_next_checks_required_fields_and_draft_does_not(portal: MockPortal) -> None:
    client = logged_in(portal)
    filing_id = client.post("/api/filing/create")["datas"]["id"]
    answer = client.post("/api/filing/save", {"id": filing_id, "step": 1, "action": "next", "sections": {}})
    assert answer["errno"] == 400 and answer["errmsg"] == "请输入算法名称"
    labels = {e["label"] for e in answer["datas"]["errors"]}
    assert {"算法名称", "算法类型", "角色", "上线时间", "版本号", "应用领域", "拟公示内容"} <= labels
    draft = {
        "id": filing_id,
        "step": 1,
        "action": "draft",
        "sections": {"算法基础属性信息": {"算法名称": "半成品"}},
    }
    assert client.post("/api/filing/save", draft)["errno"] == 0
    state = portal.state()
    saved = state["accounts"]["demo-provider"]["filings"][-1]
    assert saved["status"] == "草稿" and saved["step"] == 1
    assert saved["sections"]["算法基础属性信息"] == {"算法名称": "半成品"}
    assert state["counters"]["draft_saves"] == 1


def test_intro_is_at_most_200_characters(portal: MockPortal) -> None:
    client = logged_in(portal)
    filing_id = new_filing(client)
    body = {
        "id": filing_id,
        "step": 2,
        "action": "next",
        "sections": {"算法数据": {**DATA, "算法简介": "字" * 201}},
    }
    answer = client.post("/api/filing/save", body)
    assert answer["errno"] == 400 and answer["errmsg"] == "算法简介不能超过200个字符"
    body["sections"] = {"算法数据": {**DATA, "算法简介": "字" * 200}}
    assert client.post("/api/filing/save", body)["errno"] == 0


def test_uploads_are_checked_by_content_and_size(portal: MockPortal) -> None:
    client = logged_in(portal)
    filing_id = client.post("/api/filing/create")["datas"]["id"]
    fields = {"id": filing_id, "label": "拟公示内容"}
    refused = client.upload("/api/filing/upload", fields, "renamed.pdf", b"PK\x03\x04not a pdf")
    assert refused["errno"] == 400 and refused["errmsg"] == "只能上传pdf格式文件"
    too_big = b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024)
    refused = client.upload("/api/filing/upload", fields, "big.pdf", too_big)
    assert refused["errno"] == 400 and refused["errmsg"] == "文件大小不能超过20MB"
    accepted = client.upload("/api/filing/upload", fields, "公示.pdf", PDF)
    assert accepted["errno"] == 0
    stored = filings(portal)[-1]["attachments"]["拟公示内容"]
    assert stored["name"] == "公示.pdf" and stored["size"] == len(PDF)
    assert stored["sha256"] == accepted["datas"]["sha256"]


def test_technical_service_takes_at_most_20_access_rows(portal: MockPortal) -> None:
    client = logged_in(portal, "demo-supporter")
    filing_id = new_filing(client, role="技术支持者")
    body: dict[str, Any] = {"id": filing_id, "step": 3, "action": "next"}
    answer = client.post("/api/filing/save", {**body, "sections": {"技术服务方式": technical_service(21)}})
    assert answer["errno"] == 400 and answer["errmsg"] == "技术服务访问方式最多不超过20个"
    assert (
        client.post("/api/filing/save", {**body, "sections": {"技术服务方式": technical_service(20)}})[
            "errno"
        ]
        == 0
    )
    assert filings(portal, "demo-supporter")[-1]["step"] == 4


def test_submit_needs_the_commitment_and_happens_once(portal: MockPortal) -> None:
    client = logged_in(portal)
    filing_id = new_filing(client)
    ticks = [{"product": "智绘开放平台", "path": None, "function": None}]
    body = {"id": filing_id, "step": 3, "action": "next", "products": ticks}
    assert client.post("/api/filing/save", body)["errno"] == 0
    answer = client.post("/api/filing/submit", {"id": filing_id, "commitment": False})
    assert answer["errno"] == 400 and "我承诺上述填报信息真实有效" in answer["errmsg"]
    assert client.post("/api/filing/submit", {"id": filing_id, "commitment": True})["errno"] == 0
    again = client.post("/api/filing/submit", {"id": filing_id, "commitment": True})
    assert again["errno"] == 409
    state = portal.state()
    submitted = state["accounts"]["demo-provider"]["filings"][-1]
    assert submitted["status"] == "待审核" and submitted["products"] == ticks and submitted["submitted_at"]
    assert state["counters"]["submits"] == 1


def test_unknown_products_are_refused(portal: MockPortal) -> None:
    client = logged_in(portal)
    filing_id = new_filing(client)
    ticks = [{"product": "不存在的产品", "path": None, "function": None}]
    answer = client.post(
        "/api/filing/save", {"id": filing_id, "step": 3, "action": "draft", "products": ticks}
    )
    assert answer["errno"] == 400


def test_state_survives_a_restart_with_the_same_state_dir(tmp_path: Path) -> None:
    with MockPortal(tmp_path) as first:
        client = logged_in(first)
        filing_id = client.post("/api/filing/create")["datas"]["id"]
        draft = {
            "id": filing_id,
            "step": 1,
            "action": "draft",
            "sections": {"算法基础属性信息": {"算法名称": "重启"}},
        }
        client.post("/api/filing/save", draft)
    with MockPortal(tmp_path) as second:
        saved = [f for f in filings(second) if f["id"] == filing_id]
        assert saved and saved[0]["sections"]["算法基础属性信息"]["算法名称"] == "重启"
        client.base_url = second.url
        assert client.get("/api/user/info")["errno"] == 0  # the session is stored too


def test_reset_restores_the_seed_and_the_faults_given_at_start(tmp_path: Path) -> None:
    with MockPortal(tmp_path, Faults(latency_ms=1)) as portal:
        client = logged_in(portal)
        client.post("/api/filing/create")
        portal.set_faults(fail_rate=0.5)
        portal.reset()
        state = portal.state()
        assert [f["status"] for f in state["accounts"]["demo-provider"]["filings"]] == ["待审核"]
        assert state["faults"]["latency_ms"] == 1 and state["faults"]["fail_rate"] == 0.0
        assert state["counters"]["api_requests"] == 0
        assert client.get("/api/user/info")["errno"] == 440


def test_state_has_every_account_and_the_seeded_products(portal: MockPortal) -> None:
    state = portal.state()
    assert set(state) == {"accounts", "counters", "faults"}
    accounts = state["accounts"]
    assert set(accounts) == {"demo-provider", "demo-supporter", "demo-newco"}
    assert accounts["demo-newco"]["entity"]["status"] == "未填报"
    provider = accounts["demo-provider"]
    assert provider["entity"]["sections"]["主体基本信息"]["主体名称"] == "北京智绘未来科技有限公司"
    assert [p["fields"]["产品名称"] for p in provider["products"]] == ["智绘AI助手", "智绘开放平台"]
    assert provider["products"][0]["paths"][0] == {
        "path": "首页 > AI写作",
        "functions": [
            {"功能名称": "智能续写", "功能介绍": "根据用户输入的开头续写文章段落。"},
            {"功能名称": "文章润色", "功能介绍": "对用户提供的文本进行润色和改写。"},
        ],
    }
    assert accounts["demo-supporter"]["products"] == []


def test_failing_writes_change_nothing_and_repeat_with_the_seed(portal: MockPortal) -> None:
    client = logged_in(portal)
    portal.set_faults(fail_rate=1.0)
    status, _ = client.raw("POST", "/api/filing/create", b"{}", {"Content-Type": "application/json"})
    assert status == 500
    assert client.get("/api/filing/list")["errno"] == 0  # reads never fail
    portal.set_faults(fail_mode="errno")
    assert client.post("/api/filing/create") == {
        "errno": 500,
        "errmsg": "系统繁忙，请稍后再试",
        "datas": None,
    }
    assert len(filings(portal)) == 1

    def outcomes() -> list[int]:
        portal.set_faults(fail_rate=0.5, seed=7)
        return [client.post("/api/entity/save", {"sections": {}})["errno"] for _ in range(12)]

    first = outcomes()
    assert first == outcomes() and {500, 409} == set(first)


def test_latency_session_expiry_and_slow_upload(portal: MockPortal) -> None:
    client = logged_in(portal)
    portal.set_faults(latency_ms=200)
    started = time.monotonic()
    client.get("/api/user/info")
    assert time.monotonic() - started >= 0.2
    portal.set_faults(latency_ms=0, upload_delay_ms=300)
    filing_id = client.post("/api/filing/create")["datas"]["id"]
    started = time.monotonic()
    client.upload("/api/filing/upload", {"id": filing_id, "label": "拟公示内容"}, "a.pdf", PDF)
    assert time.monotonic() - started >= 0.3
    portal.set_faults(session_ttl_s=0)
    assert client.get("/api/user/info")["errno"] == 440
    portal.set_faults(session_ttl_s=None)
    assert client.get("/api/user/info")["errno"] == 440  # an expired session stays gone


def test_expire_sessions_logs_everyone_out_now(portal: MockPortal) -> None:
    first, second = logged_in(portal), logged_in(portal)
    assert portal.expire_sessions() == 2
    assert first.get("/api/user/info")["errno"] == 440
    assert second.get("/api/user/info")["errno"] == 440
    assert logged_in(portal).get("/api/user/info")["errno"] == 0  # logging in again works


def test_extra_fields_are_validated_and_stored(portal: MockPortal) -> None:
    extra = {"section": "算法模型", "label": "训练数据规模", "kind": "text", "required": True}
    portal.set_faults(extra_fields=[extra])
    client = logged_in(portal)
    filing_id = client.post("/api/filing/create")["datas"]["id"]
    detail = client.get(f"/api/filing/detail?id={filing_id}")["datas"]
    assert detail["extra_fields"][0]["label"] == "训练数据规模"
    step2 = {"id": filing_id, "step": 2, "action": "next", "sections": {"算法数据": DATA}}
    answer = client.post("/api/filing/save", step2)
    assert answer["errmsg"] == "请输入训练数据规模"
    step2["sections"] = {"算法数据": DATA, "算法模型": {"训练数据规模": "10TB"}}
    assert client.post("/api/filing/save", step2)["errno"] == 0
    assert filings(portal)[-1]["sections"]["算法模型"] == {"训练数据规模": "10TB"}


def test_fault_route_refuses_unknown_settings(portal: MockPortal) -> None:
    status, payload = Client(portal.url).raw(
        "POST", "/__mock/faults", b'{"latency": 5}', {"Content-Type": "application/json"}
    )
    assert status == 400 and b"unknown" in payload
    with pytest.raises(ValueError):
        Faults(fail_rate=2)


def test_entity_submit_and_products(portal: MockPortal) -> None:
    client = logged_in(portal, "demo-newco")
    assert client.post("/api/filing/create")["errmsg"] == "请先填报主体信息"
    answer = client.post("/api/entity/submit", {"sections": {}})
    assert answer["errno"] == 400 and any(e["section"] == "法定代表人信息" for e in answer["datas"]["errors"])
    product = client.post("/api/product/save", {"fields": {"产品名称": "新品", "服务形式": "网站"}})
    assert product["errmsg"] == "请输入访问地址"
    fields = {
        "产品名称": "新品",
        "服务形式": "网站",
        "访问地址": "https://x.example.cn",
        "服务状态": "已上线",
    }
    product_id = client.post("/api/product/save", {"fields": fields})["datas"]["id"]
    path = client.post("/api/product/path/add", {"product_id": product_id, "path": "首页>写作 > 续写"})
    assert path["datas"]["paths"][0]["path"] == "首页 > 写作 > 续写"
    too_long = {"功能名称": "续写", "功能介绍": "长" * 501}
    body = {"product_id": product_id, "path_id": 1, "fields": too_long}
    assert client.post("/api/product/function/add", body)["errmsg"] == "功能介绍不能超过500个字符"


def test_templates_and_pages_are_served(portal: MockPortal) -> None:
    client = Client(portal.url)
    status, body = client.raw("GET", "/download/template/commitment-letter")
    assert status == 200 and body.startswith(b"%PDF-")
    status, body = client.raw("GET", "/")
    assert status == 200 and "互联网信息服务算法备案系统".encode() in body
    assert portal.url.startswith("http://127.0.0.1:")


def test_store_adds_an_account(tmp_path: Path) -> None:
    with MockPortal(tmp_path) as portal:
        entity = {
            "status": "未填报",
            "sections": {"主体基本信息": {"主体名称": "演练主体"}},
            "attachments": {},
        }
        portal.app.state.store.add_account("rehearsal", entity)
        client = Client(portal.url)
        assert client.login("rehearsal")["datas"]["entity_name"] == "演练主体"


def test_a_refused_route_answers_its_errno_and_changes_nothing(portal: MockPortal) -> None:
    client = logged_in(portal)
    before = portal.state()["accounts"]["demo-provider"]["products"]
    portal.set_faults(refuse_route="POST /api/product/save", refuse_errno=400, refuse_errmsg="产品名称已存在")
    fields = {
        "产品名称": "新品",
        "服务形式": "网站",
        "访问地址": "https://x.example.cn",
        "服务状态": "已上线",
    }
    answer = client.post("/api/product/save", {"fields": fields})
    assert (answer["errno"], answer["errmsg"]) == (400, "产品名称已存在")
    assert client.get("/api/product/list")["errno"] == 0  # other routes answer as usual
    assert portal.state()["accounts"]["demo-provider"]["products"] == before


def test_truncated_fields_lose_their_last_character_when_saved(portal: MockPortal) -> None:
    client = logged_in(portal)
    portal.set_faults(truncate_fields=["访问地址", "功能介绍"])
    fields = {
        "产品名称": "新品",
        "服务形式": "网站",
        "访问地址": "https://x.example.cn",
        "服务状态": "已上线",
    }
    product = client.post("/api/product/save", {"fields": fields})["datas"]
    assert product["fields"]["访问地址"] == "https://x.example.c"
    assert product["fields"]["产品名称"] == "新品"
    client.post("/api/product/path/add", {"product_id": product["id"], "path": "首页"})
    body = {"product_id": product["id"], "path_id": 1, "fields": {"功能名称": "续写", "功能介绍": "续写文本"}}
    stored = client.post("/api/product/function/add", body)["datas"]["paths"][0]["functions"][0]
    assert (stored["功能名称"], stored["功能介绍"]) == ("续写", "续写文")
