from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer

from agent.cli import probe
from agent.cli.probe import human
from agent.profile import ProfileError, default_profile, load_profile
from agent.run.probe import PAGES, NewFiling, ProbeReport, check_profile, expected_for
from fixtures.mock_portal import MockPortal

from .portal_config import closed_url, invoke, put_draft, write_config, writes

SUPPORTER = "技术支持者"
PROVIDER = "服务提供者"


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    app.callback()(lambda: None)  # a group, so "probe" stays a named subcommand as in agent.cli.app
    probe.register(app)
    return app


# -- the [probe] table -------------------------------------------------------------------------------
def test_shipped_table_names_known_pages_and_texts() -> None:
    profile = default_profile()
    check_profile(profile)
    assert set(profile.probe) == set(PAGES)


def test_references_resolve_to_texts_labels_and_alternatives(tmp_path: Path) -> None:
    override = tmp_path / "profile.toml"
    override.write_text('[labels]\n"版本号" = "算法版本号"\n', encoding="utf-8")
    profile = load_profile(override)
    step1 = {e.key: e for e in expected_for(profile, "wizard_step1")}
    assert step1["labels.算法名称"].alternatives == (("算法名称", False),)
    assert step1["labels.版本号"].text == "算法版本号"  # the relabelled field is looked for as relabelled
    assert step1["placeholders.date"].alternatives == (("请选择日期", True),)
    assert "labels.算法数据" not in step1  # nested sections are their own entries
    home = {e.key: e for e in expected_for(profile, "home")}
    status = home[
        "messages.status_approved|messages.status_pending|messages.status_draft|messages.entity_not_filed"
    ]
    assert status.text == "已通过|待审核|草稿|未填报"
    entity = [e.key for e in expected_for(profile, "entity")]
    assert entity.count("labels.证件号码") == 1  # once per page, though three sections have it


def test_override_extends_a_page(tmp_path: Path) -> None:
    override = tmp_path / "profile.toml"
    override.write_text(
        '[texts]\nexport = "导出"\n[probe]\nfilings = ["texts.new_filing", "texts.export"]\n',
        encoding="utf-8",
    )
    profile = load_profile(override)
    assert [e.key for e in expected_for(profile, "filings")] == ["texts.new_filing", "texts.export"]
    assert expected_for(profile, "home")  # pages the override does not name keep the shipped list


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[probe]\nlanding = ["texts.home"]\n', "unknown page(s) landing"),
        ('[probe]\nhome = ["texts.no_such_key"]\n', "no [texts] entry 'no_such_key'"),
        ('[probe]\nhome = ["vocab.role"]\n', "not a text reference"),
        ('[probe]\nhome = ["fields.algorithm.nothing"]\n', "fields.algorithm.nothing: no such section"),
        ('[probe]\nhome = "texts.home"\n', "[probe] home must be a list of strings"),
    ],
)
def test_bad_probe_tables_are_refused(tmp_path: Path, toml: str, message: str) -> None:
    override = tmp_path / "profile.toml"
    override.write_text(toml, encoding="utf-8")
    with pytest.raises(
        ProfileError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")
    ):
        check_profile(load_profile(override))


def test_bad_override_exits_2_before_any_browser(app: typer.Typer, tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9/", profile='[probe]\nhome = ["texts.nope"]\n')
    result = invoke(app, ["probe", "--config", str(config)])
    assert result.exit_code == 2
    assert "no [texts] entry 'nope'" in result.output


def test_unknown_account_exits_2(app: typer.Typer, tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9/")
    result = invoke(app, ["probe", "--config", str(config), "--account", "nobody"])
    assert result.exit_code == 2
    assert "account 'nobody' is not configured" in result.output


# -- against the mock portal -------------------------------------------------------------------------
@pytest.mark.e2e
def test_everything_found_and_nothing_written(app: typer.Typer, portal: MockPortal, tmp_path: Path) -> None:
    config = write_config(tmp_path, portal.url)
    before = writes(portal)
    result = invoke(app, ["probe", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert writes(portal) == before
    assert portal.state()["counters"]["by_route"]["POST /api/login"] == 1
    # No draft to open and no --open-wizard: the wizard's pages are listed as not checked, not as found.
    assert "every text looked for was found; 8 pages not checked" in result.stdout
    assert (
        "not checked: wizard, wizard_provider, wizard_supporter, wizard_step1, wizard_step2, "
        "wizard_step3_provider, wizard_step3_supporter, wizard_step4: "
        "no draft in 草稿箱 to open with 继续填报; --open-wizard starts one with 新增备案 without saving it"
    ) in result.stdout
    assert "new filing" not in result.stdout
    assert (
        "pages checked: home, header, header_menu, entity, filings, filings_listed, drafts, products"
        in result.stdout
    )
    # The password login saved a session: the next probe needs no login.
    second = invoke(app, ["probe", "--config", str(config), "--json"])
    assert second.exit_code == 0, second.output
    assert portal.state()["counters"]["by_route"]["POST /api/login"] == 1
    assert writes(portal) == before


@pytest.mark.e2e
def test_a_renamed_button_is_listed_and_exits_1(app: typer.Typer, portal: MockPortal, tmp_path: Path) -> None:
    config = write_config(tmp_path, portal.url, profile='[texts]\nnew_filing = "新建备案"\n')
    before = writes(portal)
    result = invoke(app, ["probe", "--config", str(config)])
    assert result.exit_code == 1, result.output
    assert writes(portal) == before
    table = result.stdout.splitlines()
    header = next(i for i, line in enumerate(table) if line.startswith("page "))
    assert table[header].split() == ["page", "key", "text"]
    assert table[header + 1].split() == ["filings", "texts.new_filing", "新建备案"]
    assert "1 text missing; 0 page(s) not reached" in result.stdout


@pytest.mark.e2e
def test_json_shape_with_a_draft_open_in_the_wizard(
    app: typer.Typer, portal: MockPortal, tmp_path: Path
) -> None:
    put_draft(portal, "demo-supporter", step=3, role=SUPPORTER)
    config = write_config(
        tmp_path, portal.url, "demo-supporter", profile='[steps]\ntechnical_service = "填写技术服务信息"\n'
    )
    before = writes(portal)
    result = invoke(app, ["probe", "--config", str(config), "--json"])
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {"ok", "account", "portal_url", "browser_version", "pages", "checked"} | {
        "missing", "unreached", "not_checked", "writes", "new_filing",
    }  # fmt: skip
    assert doc["ok"] is False
    assert doc["account"] == "demo-supporter"
    assert doc["portal_url"] == portal.url
    assert doc["browser_version"]
    assert doc["pages"][-4:] == ["wizard", "wizard_supporter", "wizard_step3_supporter", "products"]
    assert doc["missing"] == [
        {"page": "wizard_supporter", "key": "steps.technical_service", "text": "填写技术服务信息"},
    ]
    assert doc["unreached"] == [] and doc["writes"] == [] and doc["new_filing"] is None
    assert [u["page"] for u in doc["not_checked"]] == [
        "wizard_provider", "wizard_step1", "wizard_step2", "wizard_step3_provider", "wizard_step4",
    ]  # fmt: skip
    assert writes(portal) == before  # 继续填报 opened the draft; 上一步/下一步/保存至草稿箱 were not clicked


@pytest.mark.e2e
@pytest.mark.parametrize(("step", "role"), [(2, PROVIDER), (4, PROVIDER)])
def test_other_wizard_steps(
    app: typer.Typer, portal: MockPortal, tmp_path: Path, step: int, role: str
) -> None:
    put_draft(portal, "demo-provider", step=step, role=role)
    config = write_config(tmp_path, portal.url)
    before = writes(portal)
    result = invoke(app, ["probe", "--config", str(config), "--json"])
    assert result.exit_code == 0, result.output
    assert f"wizard_step{step}" in json.loads(result.stdout)["pages"]
    assert writes(portal) == before


@pytest.mark.e2e
def test_login_required_exits_3(app: typer.Typer, portal: MockPortal, tmp_path: Path) -> None:
    config = write_config(tmp_path, portal.url, password=False)
    result = invoke(app, ["probe", "--config", str(config)])
    assert result.exit_code == 3, result.output
    assert "beian-agent login --account demo-provider" in result.output


@pytest.mark.e2e
def test_unreachable_portal_exits_4(app: typer.Typer, tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9/")  # --portal-url overrides the file
    result = invoke(app, ["probe", "--config", str(config), "--portal-url", closed_url()])
    assert result.exit_code == 4, result.output
    assert "did not answer" in result.output


# -- the report ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("record", "says"),
    [
        (
            NewFiling(["POST http://portal/api/filing/create"], 0, 1, ["算法名称 -, 角色 -"]),
            ["DRAFT CREATED: the draft list held 0, now 1", "    算法名称 -, 角色 -", "it sent POST"],
        ),
        (NewFiling([], 2, 2, []), ["no draft created: the draft list holds 2, as before", "sent no write"]),
        (NewFiling([], 0, None, []), ["DRAFT UNKNOWN"]),
    ],
)
def test_the_report_says_whether_starting_a_filing_left_a_draft(record: NewFiling, says: list[str]) -> None:
    report = ProbeReport(account="demo-provider", portal_url="http://portal/", new_filing=record)
    text = human(report)
    for line in says:
        assert line in text
    assert json.loads(json.dumps(report.to_json()))["new_filing"]["draft_created"] == record.draft_created


def test_open_wizard_is_passed_on_and_a_created_draft_exits_0_with_a_warning(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[bool] = []

    def fake_probe(settings: object, account: str, *, open_wizard: bool = False) -> ProbeReport:
        asked.append(open_wizard)
        record = NewFiling(["POST http://127.0.0.1:9/api/filing/create"], 0, 1, ["算法名称 -"])
        return ProbeReport(account=account, portal_url="http://127.0.0.1:9/", new_filing=record)

    monkeypatch.setattr(probe, "run_probe", fake_probe)
    config = write_config(tmp_path, "http://127.0.0.1:9/")
    assert invoke(app, ["probe", "--config", str(config)]).exit_code == 0
    result = invoke(app, ["probe", "--config", str(config), "--open-wizard"])
    assert asked == [False, True]
    assert result.exit_code == 0, result.output  # the operator allowed it: reported, not a failure
    assert "DRAFT CREATED: the draft list held 0, now 1" in result.stdout
