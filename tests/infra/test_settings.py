from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from agent.errors import SettingsError
from agent.exit_codes import ExitCode
from agent.profile import PortalProfile
from agent.redact import MASK, redact_text
from agent.settings import Account, Settings, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_file(workdir: Path) -> None:
    s = load_settings()
    assert s.portal.base_url == "https://beian.cac.gov.cn/"
    assert s.portal.profile_path is None
    assert s.browser.executable is None and s.browser.headless is True and s.browser.slow_mo_ms == 0
    assert (s.timeouts.action_ms, s.timeouts.navigation_ms, s.timeouts.upload_ms) == (10000, 30000, 60000)
    assert (s.retry.attempts, s.retry.initial_wait_s, s.retry.max_wait_s) == (4, 0.5, 8.0)
    assert s.paths.state_dir == Path(".state") and s.paths.evidence_dir == Path("evidence")
    assert s.accounts == {}
    assert s.batch.concurrency == 2
    assert s.logging.level == "INFO" and s.logging.json_output is None
    assert s.ledger_path == Path(".state/ledger.sqlite3")
    assert s.lock_path == Path(".state/run.lock")


def test_default_file_in_working_directory_is_read(workdir: Path) -> None:
    write(workdir / "beian-agent.toml", "[browser]\nslow_mo_ms = 250\n")
    assert load_settings().browser.slow_mo_ms == 250
    assert Settings().browser.slow_mo_ms == 250


def test_explicit_missing_file_is_an_error_naming_it(workdir: Path) -> None:
    missing = workdir / "nope.toml"
    with pytest.raises(SettingsError, match=re.escape(str(missing))) as info:
        load_settings(missing)
    assert info.value.exit_code is ExitCode.USAGE


def test_precedence_cli_over_env_over_file_over_default(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = write(workdir / "c.toml", "[timeouts]\naction_ms = 111\nnavigation_ms = 222\nupload_ms = 333\n")
    monkeypatch.setenv("BEIAN_TIMEOUTS__NAVIGATION_MS", "2222")
    monkeypatch.setenv("BEIAN_TIMEOUTS__UPLOAD_MS", "3333")
    s = load_settings(cfg, timeouts__upload_ms=33333)
    assert (s.timeouts.action_ms, s.timeouts.navigation_ms, s.timeouts.upload_ms) == (111, 2222, 33333)
    assert s.retry.attempts == 4


def test_overrides_nested_dicts_merge_and_none_means_unset(workdir: Path) -> None:
    cfg = write(workdir / "c.toml", "[browser]\nslow_mo_ms = 5\nheadless = true\n")
    s = load_settings(cfg, browser={"headless": False}, batch__concurrency=None)
    assert s.browser.headless is False and s.browser.slow_mo_ms == 5
    assert s.batch.concurrency == 2


def test_misspelt_key_and_bad_value_are_settings_errors(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SettingsError, match=r"browser\.headles"):
        load_settings(write(workdir / "a.toml", "[browser]\nheadles = false\n"))
    with pytest.raises(SettingsError, match=r"retry\.attempts"):
        load_settings(write(workdir / "b.toml", "[retry]\nattempts = 0\n"))
    with pytest.raises(SettingsError, match=r"c\.toml"):
        load_settings(write(workdir / "c.toml", "[retry\n"))
    monkeypatch.setenv("BEIAN_LOGGING__LEVEL", "chatty")
    with pytest.raises(SettingsError, match="unknown log level"):
        load_settings()


def test_logging_json_key_from_file_and_env(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = write(workdir / "c.toml", '[logging]\njson = true\nlevel = "debug"\n')
    assert load_settings(cfg).logging.json_output is True
    assert load_settings(cfg).logging.level == "DEBUG"
    monkeypatch.setenv("BEIAN_LOGGING__JSON", "false")
    assert load_settings(cfg).logging.json_output is False
    assert load_settings(cfg, logging={"json": True}).logging.json_output is True


ACCOUNTS = """
[accounts.demo-provider]
username = "demo-provider"
allow_auto_login = false
"""


def test_account_password_from_env_with_underscores_joins_the_hyphenated_account(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = write(workdir / "c.toml", ACCOUNTS)
    monkeypatch.setenv("BEIAN_ACCOUNTS__DEMO_PROVIDER__PASSWORD", "Env@Secret1")
    s = load_settings(cfg)
    assert list(s.accounts) == ["demo-provider"]
    account = s.accounts["demo-provider"]
    assert account.username == "demo-provider" and account.allow_auto_login is False
    assert account.password is not None and account.password.get_secret_value() == "Env@Secret1"


def test_account_env_name_with_hyphens_also_works(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = write(workdir / "c.toml", ACCOUNTS)
    monkeypatch.setenv("BEIAN_ACCOUNTS__DEMO-PROVIDER__PASSWORD", "Env@Secret2")
    password = load_settings(cfg).accounts["demo-provider"].password
    assert password is not None and password.get_secret_value() == "Env@Secret2"


def test_account_defined_only_in_env(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEIAN_ACCOUNTS__DEMO_NEWCO__USERNAME", "demo-newco")
    monkeypatch.setenv("BEIAN_ACCOUNTS__DEMO_NEWCO__PASSWORD", "Env@Secret3")
    s = load_settings()
    assert s.account("demo-newco").username == "demo-newco"
    assert s.account("demo-newco").session_file == Path(".state/sessions/demo_newco.json")


def test_env_password_without_username_is_reported(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEIAN_ACCOUNTS__GHOST__PASSWORD", "x-y-z-w")
    with pytest.raises(SettingsError, match=r"accounts\.ghost\.username"):
        load_settings()


def test_account_lookup_and_unknown_account(workdir: Path) -> None:
    s = load_settings(write(workdir / "c.toml", ACCOUNTS))
    assert s.account("demo_provider") is s.accounts["demo-provider"]
    with pytest.raises(SettingsError, match="demo-provider"):
        s.account("someone-else")


def test_paths_in_file_are_relative_to_the_file(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    confdir = workdir / "etc"
    confdir.mkdir()
    cfg = write(
        confdir / "c.toml", '[paths]\nstate_dir = "state"\nevidence_dir = "/abs/evidence"\n' + ACCOUNTS
    )
    s = load_settings(cfg)
    assert s.paths.state_dir == confdir / "state"
    assert s.paths.evidence_dir == Path("/abs/evidence")
    assert s.accounts["demo-provider"].session_file == confdir / "state/sessions/demo-provider.json"
    monkeypatch.setenv("BEIAN_PATHS__STATE_DIR", "from-env")
    assert load_settings(cfg).paths.state_dir == Path("from-env")


def test_configured_passwords_are_registered_for_redaction(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BEIAN_ACCOUNTS__DEMO_PROVIDER__PASSWORD", "Env@Secret4")
    load_settings(write(workdir / "c.toml", ACCOUNTS))
    assert redact_text("typed Env@Secret4 into the form") == f"typed {MASK} into the form"


def test_profile_uses_the_override_file(workdir: Path) -> None:
    override = write(workdir / "profile.toml", '[texts]\nsave_draft = "暂存"\n')
    s = load_settings(portal__profile_path=override)
    profile = s.profile()
    assert isinstance(profile, PortalProfile)
    assert profile.text("save_draft") == "暂存"


def test_no_setting_permits_submission() -> None:
    assert not [path for path in _field_paths(Settings) if "submit" in path]


def _field_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    paths = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        annotation: Any = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            paths += _field_paths(annotation, f"{prefix}{key}.")
        elif name == "accounts":
            paths += _field_paths(Account, f"{prefix}{key}.*.")
        else:
            paths.append(prefix + key)
    return paths


def _documented_keys(text: str) -> set[str]:
    """Every ``key = ...`` of the example, commented out or not, as ``section.key``."""
    keys, section = set(), ""
    for line in text.splitlines():
        stripped = line.lstrip("# ").rstrip()
        if match := re.fullmatch(r"\[([\w.-]+)\]", stripped):
            section = re.sub(r"^accounts\.[\w-]+", "accounts.*", match.group(1))
        elif match := re.match(r"(\w+) = ", stripped):
            keys.add(f"{section}.{match.group(1)}")
    return keys


def test_example_config_parses_and_documents_every_setting(workdir: Path) -> None:
    s = load_settings(EXAMPLE)
    assert set(s.accounts) == {"demo-provider", "demo-supporter", "demo-newco"}
    for account in s.accounts.values():
        assert account.password is not None and account.password.get_secret_value() == "Demo@2026"
    text = EXAMPLE.read_text(encoding="utf-8")
    missing = set(_field_paths(Settings)) - _documented_keys(text)
    assert not missing, f"config.example.toml does not document: {sorted(missing)}"
    assert "BEIAN_ACCOUNTS__DEMO_PROVIDER__PASSWORD" in text


def test_example_env_password_hint_really_works(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEIAN_ACCOUNTS__DEMO_PROVIDER__PASSWORD", "Real@Password9")
    password = load_settings(EXAMPLE).account("demo-provider").password
    assert password is not None and password.get_secret_value() == "Real@Password9"


def test_missing_profile_override_is_a_usage_error_naming_the_setting(workdir: Path) -> None:
    with pytest.raises(SettingsError, match=r"portal\.profile_path: .*nope\.toml does not exist") as caught:
        load_settings(portal__profile_path=workdir / "nope.toml")
    assert caught.value.exit_code is ExitCode.USAGE
    assert "\n" not in str(caught.value)


def test_empty_profile_path_from_env_is_a_usage_error(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEIAN_PORTAL__PROFILE_PATH", "")
    with pytest.raises(SettingsError, match=r"portal\.profile_path: .*empty.*BEIAN_PORTAL__PROFILE_PATH"):
        load_settings()


def test_profile_path_that_is_a_directory_is_a_usage_error(workdir: Path) -> None:
    with pytest.raises(SettingsError, match=r"portal\.profile_path: .* is not a file"):
        load_settings(portal__profile_path=workdir)


def test_malformed_profile_override_is_a_usage_error_at_load(workdir: Path) -> None:
    override = write(workdir / "profile.toml", "[texts\n")
    with pytest.raises(SettingsError, match=r"profile_path: portal profile .*profile\.toml is not valid"):
        load_settings(portal__profile_path=override)
