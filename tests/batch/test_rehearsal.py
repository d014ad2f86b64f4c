from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from agent.bundle import load_bundle
from agent.run.rehearsal import mock_rehearsal
from fixtures.mock_portal import DEMO_PASSWORD

from .conftest import make_bundle, make_settings


def _retarget(bundle: Path, account: str, extra_select: str = "") -> Path:
    toml = bundle / "filing.toml"
    text = toml.read_text(encoding="utf-8")
    account_line = text[text.index("account = ") : text.index("\n", text.index("account = "))]
    toml.write_text(text.replace(account_line, f'account = "{account}"') + extra_select, encoding="utf-8")
    return bundle


def _state(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url + "__mock/state", timeout=10) as response:
        state: dict[str, object] = json.loads(response.read())
    return state


def test_rehearsal_adds_accounts_and_ticked_products_and_points_settings_at_the_mock(tmp_path: Path) -> None:
    seeded = load_bundle(make_bundle(tmp_path, "demo-supporter", "演练甲"))
    new_with_entity = load_bundle(_retarget(make_bundle(tmp_path, "demo-newco", "演练乙"), "acme-labs"))
    ticked = '\n[[products.select]]\nproduct = "外部产品"\npath = "首页 > 工具"\nfunction = "改写"\n'
    new_filed = load_bundle(_retarget(make_bundle(tmp_path, "demo-provider", "演练丙"), "other_co", ticked))
    settings = make_settings(tmp_path)
    with mock_rehearsal([seeded, new_with_entity, new_filed], settings) as rehearsal:
        url = rehearsal.portal.base_url
        assert url.startswith("http://127.0.0.1:")
        assert set(rehearsal.accounts) == {"demo-supporter", "acme-labs", "other_co"}
        password = rehearsal.account("acme-labs").password
        assert password is not None and password.get_secret_value() == DEMO_PASSWORD
        state_dir = rehearsal.paths.state_dir
        assert state_dir != settings.paths.state_dir and state_dir.is_dir() is False  # fresh, made on use
        assert rehearsal.account("other_co").session_file == state_dir / "sessions" / "other_co.json"
        accounts = _state(url)["accounts"]
        assert isinstance(accounts, dict)
        assert accounts["acme-labs"]["entity"]["status"] == "未填报"
        assert accounts["acme-labs"]["entity_name"] == new_with_entity.filing.entity.name  # type: ignore[union-attr]
        assert accounts["other_co"]["entity"]["status"] == "已通过"
        (product,) = [p for p in accounts["other_co"]["products"] if p["fields"]["产品名称"] == "外部产品"]
        assert product["paths"] == [
            {"path": "首页 > 工具", "functions": [{"功能名称": "改写", "功能介绍": "改写（演练占位）"}]}
        ]
        # Products the bundle defines are the runner's to create, not the rehearsal's.
        assert all(p["fields"]["产品名称"] != "智绘写作" for p in accounts["other_co"]["products"])
    assert settings.portal.base_url == "https://beian.cac.gov.cn/"  # the caller's settings are untouched


def test_rehearsal_uses_a_given_state_dir(tmp_path: Path) -> None:
    bundle = load_bundle(make_bundle(tmp_path, "demo-provider", "演练丁"))
    with mock_rehearsal([bundle], make_settings(tmp_path), state_dir=tmp_path / "ci-state") as rehearsal:
        assert rehearsal.paths.state_dir == tmp_path / "ci-state"
        assert rehearsal.ledger_path == tmp_path / "ci-state" / "ledger.sqlite3"


def test_provision_body_leaves_known_accounts_entities_alone_and_files_only_entity_less_new_ones(
    tmp_path: Path,
) -> None:
    from agent.run.rehearsal import provision_body

    seeded = load_bundle(make_bundle(tmp_path, "demo-supporter", "演练甲"))
    with_entity = load_bundle(_retarget(make_bundle(tmp_path, "demo-newco", "演练乙"), "acme-labs"))
    ticked = '\n[[products.select]]\nproduct = "外部产品"\npath = "首页 > 工具"\n'
    without = load_bundle(_retarget(make_bundle(tmp_path, "demo-provider", "演练丙"), "other_co", ticked))
    body = provision_body([seeded, with_entity, without], known={"demo-supporter"})["accounts"]
    assert "entity" not in body["demo-supporter"]
    assert body["acme-labs"]["entity"]["filed"] is False
    assert body["other_co"]["entity"] == {"filed": True}
    assert {"fields": {"产品名称": "外部产品"}, "paths": [{"path": "首页 > 工具", "functions": []}]} in (
        body["other_co"]["products"]
    )
