"""What the portal saved is read back: a 主体信息 value or a product's field the portal changed on save
stops the run before any filing is created, naming the field, personal values masked."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from agent.bundle import load_bundle
from agent.status import RunStatus
from fixtures.mock_portal import MockPortal

from .conftest import Runner

pytestmark = pytest.mark.e2e


def _everything_written(evidence: Path) -> str:
    texts = [
        p.read_text(encoding="utf-8", errors="replace")
        for p in evidence.rglob("*")
        if p.suffix in (".json", ".jsonl", ".html")
    ]
    for trace in evidence.glob("trace*.zip"):
        with zipfile.ZipFile(trace) as archive:
            texts += [archive.read(i).decode("utf-8", "replace") for i in archive.infolist()]
    return "\n".join(texts)


def test_an_entity_value_cut_on_save_is_caught_before_filing(
    portal: MockPortal, run: Runner, bundle_copy: Callable[[str], Path]
) -> None:
    directory = bundle_copy("newco")
    entity = load_bundle(directory).filing.entity
    assert entity is not None
    portal.set_faults(truncate_fields=["证件号码", "电子邮箱"])

    result = run(directory)

    assert result.status is RunStatus.FAILED
    paths = {e.path for e in result.errors}
    assert {"entity.legal_representative.id_number", "entity.security_officer.email"} <= paths, result.errors
    assert all(e.message.startswith("主体信息: ") for e in result.errors), result.errors
    assert {e.label for e in result.errors} >= {"证件号码", "电子邮箱"}
    counters = portal.state()["counters"]
    assert counters["entity_submits"] == 1
    assert counters["by_route"].get("POST /api/filing/create", 0) == 0, "a filing was created after it"
    shown = json.dumps([e.to_json() for e in result.errors], ensure_ascii=False) + _everything_written(
        Path(str(result.evidence_dir))
    )
    officer = entity.security_officer
    for secret in (entity.legal_representative.id_number, officer.id_number, officer.email, officer.mobile):
        assert secret not in shown and secret[:-1] not in shown


@pytest.mark.parametrize(
    ("label", "path"),
    [("访问地址", "products.define[0].url"), ("功能介绍", "products.define[0].paths[0].functions[0].intro")],
)
def test_a_product_value_cut_on_save_is_caught_before_filing(
    label: str, path: str, portal: MockPortal, run: Runner, bundle_copy: Callable[[str], Path]
) -> None:
    directory = bundle_copy("newco")
    portal.set_faults(truncate_fields=[label])

    result = run(directory)

    assert result.status is RunStatus.FAILED
    wrong = [e for e in result.errors if e.path == path]
    assert wrong and wrong[0].label == label, result.errors
    assert wrong[0].message.startswith("产品及功能信息: the portal saved "), wrong[0].message
    assert portal.state()["counters"]["by_route"].get("POST /api/filing/create", 0) == 0
