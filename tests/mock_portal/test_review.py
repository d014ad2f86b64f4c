"""After 提交: review decisions, returned filings edited again, 变更 and 注销 on approved filings."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from fixtures.mock_portal import MockPortal

from .client import Client
from .test_api import DATA, filings, logged_in, new_filing

NUMBER = re.compile(r"^网信算备(\d{6})(\d{7})01(\d{2})(\d{4})号$")


def submitted(client: Client) -> int:
    filing_id = new_filing(client)
    ticks = [{"product": "智绘开放平台", "path": None, "function": None}]
    saved = client.post("/api/filing/save", {"id": filing_id, "step": 3, "action": "next", "products": ticks})
    assert saved["errno"] == 0, saved
    answer = client.post("/api/filing/submit", {"id": filing_id, "commitment": True})
    assert answer["errno"] == 0, answer
    return filing_id


def review(client: Client, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    status, payload = client.raw(
        "POST", "/__mock/review", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    answer: dict[str, Any] = json.loads(payload)
    return status, answer


def filing(portal: MockPortal, filing_id: int) -> dict[str, Any]:
    return next(f for f in filings(portal) if f["id"] == filing_id)


def test_approval_gives_a_number_of_the_published_form(portal: MockPortal) -> None:
    client = logged_in(portal)
    first, second = submitted(client), submitted(client)
    assert review(client, {"id": first, "decision": "start"})[0] == 200
    assert filing(portal, first)["status"] == "审核中"
    for filing_id in (first, second):
        status, answer = review(client, {"id": filing_id, "decision": "approve"})
        assert status == 200, answer
    numbers = [filing(portal, i)["filing_number"] for i in (first, second)]
    parts = [NUMBER.match(n) for n in numbers]
    assert all(parts), numbers
    one, two = (p.groups() for p in parts if p)
    assert one[0] == "110108"  # 统一社会信用代码 91110108… names the region
    assert one[1] == two[1]  # the same entity
    assert one[3] != two[3]  # each filing its serial
    states = [h["status"] for h in filing(portal, first)["history"]]
    assert states == ["待审核", "审核中", "已通过"]
    rows = client.get("/api/filing/list")["datas"]
    assert {r["filing_number"] for r in rows if r["id"] in (first, second)} == set(numbers)


def test_a_returned_filing_carries_the_opinion_and_is_edited_again(portal: MockPortal) -> None:
    client = logged_in(portal)
    filing_id = submitted(client)
    status, answer = review(client, {"id": filing_id, "decision": "return"})
    assert status == 400 and "opinion" in answer["error"]
    opinion = "算法安全自评估报告未说明训练数据来源，请补充后重新提交。"
    assert review(client, {"id": filing_id, "decision": "return", "opinion": opinion})[0] == 200
    row = next(r for r in client.get("/api/filing/list")["datas"] if r["id"] == filing_id)
    assert row["status"] == "已退回" and row["opinion"] == opinion and row["filing_number"] is None
    # Editable again, and resubmitting puts it back in the queue.
    saved = client.post("/api/filing/save", {"id": filing_id, "step": 1, "action": "draft", "sections": {}})
    assert saved["errno"] == 0, saved
    assert client.post("/api/filing/submit", {"id": filing_id, "commitment": True})["errno"] == 0
    after = filing(portal, filing_id)
    assert after["status"] == "待审核" and after["opinion"] is None
    assert [h["status"] for h in after["history"]] == ["待审核", "已退回", "待审核"]
    assert after["history"][1]["opinion"] == opinion


def test_a_filing_under_review_is_not_editable(portal: MockPortal) -> None:
    client = logged_in(portal)
    filing_id = submitted(client)
    answer = client.post("/api/filing/save", {"id": filing_id, "step": 1, "action": "draft", "sections": {}})
    assert answer["errno"] == 409


def test_review_by_account_and_name(portal: MockPortal) -> None:
    client = logged_in(portal)
    first = submitted(client)
    body = {"account": "demo-provider", "name": "接口测试算法", "decision": "start"}
    assert review(client, body)[0] == 200
    assert filing(portal, first)["status"] == "审核中"
    submitted(client)  # a second filing of the same name: the name no longer says which
    status, answer = review(client, {**body, "decision": "approve"})
    assert status == 400 and "id" in answer["error"]
    assert review(client, {**body, "name": "无此算法"})[0] == 404


def test_change_keeps_the_number_and_goes_to_review(portal: MockPortal) -> None:
    client = logged_in(portal)
    filing_id = submitted(client)
    review(client, {"id": filing_id, "decision": "approve"})
    number = filing(portal, filing_id)["filing_number"]
    assert client.post("/api/filing/change", {"id": filing_id})["errno"] == 0
    assert filing(portal, filing_id)["status"] == "变更中"
    body = {
        "id": filing_id,
        "step": 2,
        "action": "draft",
        "sections": {"算法数据": {**DATA, "算法简介": "新简介。"}},
    }
    assert client.post("/api/filing/save", body)["errno"] == 0
    assert client.post("/api/filing/submit", {"id": filing_id, "commitment": True})["errno"] == 0
    changed = filing(portal, filing_id)
    assert changed["status"] == "变更审核中" and changed["filing_number"] == number
    assert changed["sections"]["算法数据"]["算法简介"] == "新简介。"
    review(client, {"id": filing_id, "decision": "approve"})
    assert filing(portal, filing_id)["filing_number"] == number
    assert filing(portal, filing_id)["status"] == "已通过"


def test_cancel_needs_a_reason_and_the_commitment(portal: MockPortal) -> None:
    client = logged_in(portal)
    filing_id = submitted(client)
    refused = client.post("/api/filing/cancel", {"id": filing_id, "reason": "停止服务", "commitment": True})
    assert refused["errno"] == 409  # only an approved filing can be cancelled
    review(client, {"id": filing_id, "decision": "approve"})
    assert client.post("/api/filing/cancel", {"id": filing_id, "commitment": True})["errno"] == 400
    assert client.post("/api/filing/cancel", {"id": filing_id, "reason": "停止服务"})["errno"] == 400
    answer = client.post("/api/filing/cancel", {"id": filing_id, "reason": "停止服务", "commitment": True})
    assert answer["errno"] == 0, answer
    cancelled = filing(portal, filing_id)
    assert cancelled["status"] == "已注销" and cancelled["cancel_reason"] == "停止服务"
    assert cancelled["cancelled_at"] and cancelled["filing_number"]
    row = next(r for r in client.get("/api/filing/list")["datas"] if r["id"] == filing_id)
    assert row["cancelled_at"] == cancelled["cancelled_at"]


@pytest.mark.parametrize("decision", ["approve", "return", "start"])
def test_a_draft_cannot_be_reviewed(portal: MockPortal, decision: str) -> None:
    client = logged_in(portal)
    filing_id = new_filing(client)
    status, _ = review(client, {"id": filing_id, "decision": decision, "opinion": "x"})
    assert status == 409
