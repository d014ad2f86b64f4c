"""Settings: CLI overrides > ``BEIAN_…`` environment > TOML file > defaults.

The TOML file is ``beian-agent.toml`` in the working directory unless ``load_settings(config=...)`` names
one; a named file that does not exist is an error, a missing default file is not. Relative paths written
in the TOML file are relative to that file's directory (so a cron job's working directory does not
matter); relative paths from the environment or the CLI are relative to the working directory.

Nested values come from the environment with ``__`` between levels: ``BEIAN_BROWSER__HEADLESS=false``,
``BEIAN_ACCOUNTS__DEMO_PROVIDER__PASSWORD=...``. Environment names are case-insensitive and a shell cannot
export a name with ``-`` in it, so the environment spelling ``demo_provider`` is folded into the account a
config file spells ``demo-provider``; ``Settings.account`` treats ``-`` and ``_`` alike too.

There is deliberately no setting that permits submission: submitting takes an explicit CLI flag per run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from agent import redact
from agent.errors import ProfileError, SettingsError
from agent.profile import PortalProfile, load_profile

__all__ = [
    "DEFAULT_CONFIG_FILE",
    "Account",
    "BatchSettings",
    "BrowserSettings",
    "EvidenceSettings",
    "LoggingSettings",
    "PathSettings",
    "PortalSettings",
    "QueueSettings",
    "RetrySettings",
    "Settings",
    "SettingsError",
    "TimeoutSettings",
    "load_settings",
]

DEFAULT_CONFIG_FILE = Path("beian-agent.toml")

_config_file: ContextVar[Path | None] = ContextVar("beian_config_file", default=None)


class _Section(BaseModel):
    # A misspelt key in the config file is an error, not a silently ignored line.
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class PortalSettings(_Section):
    base_url: str = "https://beian.cac.gov.cn/"
    profile_path: Path | None = None

    @field_validator("profile_path", mode="before")
    @classmethod
    def _not_empty(cls, value: Any) -> Any:
        # Path("") is Path("."): an empty BEIAN_PORTAL__PROFILE_PATH= would name the working directory.
        if isinstance(value, str) and not value.strip():
            raise ValueError(
                "is empty — unset BEIAN_PORTAL__PROFILE_PATH (or the config's profile_path) to use the "
                "built-in profile, or give a profile file"
            )
        return value

    @field_validator("profile_path", mode="after")
    @classmethod
    def _is_a_file(cls, value: Path | None) -> Path | None:
        fix = "give the path of a profile TOML file or remove the setting"
        try:
            if value is None or value.is_file():
                return value
            exists = value.exists()
        except OSError as exc:  # a name too long, a symlink loop, no permission on a parent
            raise ValueError(f"{value} cannot be read ({exc.strerror}) — {fix}") from None
        if exists:
            raise ValueError(f"{value} is not a file — {fix}")
        raise ValueError(f"{value} does not exist — {fix}")


class BrowserSettings(_Section):
    executable: Path | None = None
    headless: bool = True
    slow_mo_ms: int = Field(default=0, ge=0)
    # The Playwright trace (personal values masked), as Playwright Test's option: kept only when the run
    # fails ("retain-on-failure", default: actions, network, console, no DOM snapshots), always with DOM
    # snapshots ("on"), or not recorded ("off"). Older values still work: "snapshots" is "on", "full" is
    # "on" with a screencast too.
    trace: Literal["retain-on-failure", "on", "off", "snapshots", "full"] = "retain-on-failure"


class TimeoutSettings(_Section):
    action_ms: int = Field(default=10_000, gt=0)
    navigation_ms: int = Field(default=30_000, gt=0)
    upload_ms: int = Field(default=60_000, gt=0)


class RetrySettings(_Section):
    attempts: int = Field(default=4, ge=1)
    initial_wait_s: float = Field(default=0.5, ge=0)
    max_wait_s: float = Field(default=8.0, ge=0)


class PathSettings(_Section):
    state_dir: Path = Path(".state")
    evidence_dir: Path = Path("evidence")


class EvidenceSettings(_Section):
    # 网络安全法 Art. 21(3): network logs are kept at least six months; evidence is never pruned sooner.
    min_retention_days: int = Field(default=183, ge=183)


class Account(_Section):
    username: str
    password: SecretStr | None = None
    allow_auto_login: bool = True
    session_file: Path | None = None  # None: <state_dir>/sessions/<account>.json


class BatchSettings(_Section):
    concurrency: int = Field(default=2, ge=1)


class QueueSettings(_Section):
    """``beian-agent queue``: workers on several machines sharing one PostgreSQL database.

    With ``database_url`` set, the ledger, run records and saved sessions (encrypted with the key in
    ``BEIAN_SESSION_KEY``) live in that database instead of the state directory.
    """

    database_url: SecretStr | None = None  # may hold a password: never printed or logged in clear
    # A worker not heard from for this long is dead; its job goes back to the queue (resumed elsewhere).
    stalled_after_s: float = Field(default=60.0, gt=0)
    # Transient failures (portal unreachable, browser errors) are retried this many times in all.
    attempts: int = Field(default=3, ge=1)
    # The nightly job: enqueue these bundle paths on this schedule (cron syntax); none: no nightly job.
    nightly_paths: list[Path] = Field(default_factory=list)
    nightly_cron: str = "0 2 * * *"


class LoggingSettings(_Section):
    level: str = "INFO"
    # "json" would shadow BaseModel.json; the config and env spelling stays "json".
    json_output: bool | None = Field(default=None, alias="json")

    @field_validator("level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        name = value.strip().upper()
        if name not in logging.getLevelNamesMapping():
            raise ValueError(f"unknown log level {value!r}")
        return name


def _normal(name: str) -> str:
    return name.strip().lower().replace("-", "_")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="BEIAN_",
        env_nested_delimiter="__",
        extra="forbid",
        populate_by_name=True,
    )

    portal: PortalSettings = PortalSettings()
    browser: BrowserSettings = BrowserSettings()
    timeouts: TimeoutSettings = TimeoutSettings()
    retry: RetrySettings = RetrySettings()
    paths: PathSettings = PathSettings()
    evidence: EvidenceSettings = EvidenceSettings()
    accounts: dict[str, Account] = Field(default_factory=dict)
    batch: BatchSettings = BatchSettings()
    queue: QueueSettings = QueueSettings()
    logging: LoggingSettings = LoggingSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            _TomlSource(settings_cls, _config_file.get() or DEFAULT_CONFIG_FILE),
        )

    @model_validator(mode="before")
    @classmethod
    def _fold_account_names(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("accounts"), Mapping):
            return data
        groups: dict[str, list[str]] = {}
        for name in data["accounts"]:
            groups.setdefault(_normal(name), []).append(name)
        folded: dict[str, Any] = {}
        for names in groups.values():
            # The config file's spelling (the one with hyphens) wins; env spellings merge over it.
            names.sort(key=lambda n: n.count("-"), reverse=True)
            if len(names) > 1 and names[0].count("-") == names[1].count("-"):
                raise ValueError(f"accounts {' and '.join(map(repr, names))} differ only in '-' versus '_'")
            if len(names) == 1:
                folded[names[0]] = data["accounts"][names[0]]
                continue
            merged: dict[str, Any] = {}
            for name in names:
                value = data["accounts"][name]
                merged.update(value.model_dump(exclude_unset=True) if isinstance(value, BaseModel) else value)
            folded[names[0]] = merged
        return {**data, "accounts": folded}

    @model_validator(mode="after")
    def _derive_session_files(self) -> Settings:
        for name, account in self.accounts.items():
            if account.session_file is None:
                account.session_file = self.sessions_dir / f"{name}.json"
        return self

    @property
    def sessions_dir(self) -> Path:
        return self.paths.state_dir / "sessions"

    @property
    def ledger_path(self) -> Path:
        return self.paths.state_dir / "ledger.sqlite3"

    @property
    def lock_path(self) -> Path:
        return self.paths.state_dir / "run.lock"

    def account(self, name: str) -> Account:
        """The account configured as ``name``, ``-`` and ``_`` alike; else ``SettingsError`` listing them."""
        for key, account in self.accounts.items():
            if _normal(key) == _normal(name):
                return account
        known = ", ".join(sorted(self.accounts)) or "none"
        raise SettingsError(f"account {name!r} is not configured (configured: {known})")

    def profile(self) -> PortalProfile:
        return load_profile(self.portal.profile_path)

    def secret_values(self) -> list[SecretStr]:
        secrets = [a.password for a in self.accounts.values() if a.password is not None]
        if self.queue.database_url is not None:
            secrets += [self.queue.database_url, *_url_password(self.queue.database_url)]
        return secrets


def _url_password(url: SecretStr) -> list[SecretStr]:
    """The password inside a ``postgresql://user:password@host/db`` URL, to redact it on its own too."""
    from urllib.parse import unquote, urlsplit

    try:
        password = urlsplit(url.get_secret_value()).password
    except ValueError:
        return []
    return [SecretStr(p) for p in {password, unquote(password or "")} if p]


class _TomlSource(TomlConfigSettingsSource):
    """The TOML source, with relative paths anchored at the file's directory."""

    _PATH_KEYS = (
        ("portal", "profile_path"),
        ("browser", "executable"),
        ("paths", "state_dir"),
        ("paths", "evidence_dir"),
    )
    _PATH_LISTS = (("queue", "nightly_paths"),)

    def __init__(self, settings_cls: type[BaseSettings], path: Path):
        self._base = path.resolve().parent
        super().__init__(settings_cls, toml_file=path)

    def __call__(self) -> dict[str, Any]:
        data = super().__call__()
        for section, key in self._PATH_KEYS:
            table = data.get(section)
            if isinstance(table, dict) and isinstance(table.get(key), str):
                table[key] = self._anchor(table[key])
        for section, key in self._PATH_LISTS:
            table = data.get(section)
            if isinstance(table, dict) and isinstance(table.get(key), list):
                table[key] = [self._anchor(v) if isinstance(v, str) else v for v in table[key]]
        for account in (data.get("accounts") or {}).values():
            if isinstance(account, dict) and isinstance(account.get("session_file"), str):
                account["session_file"] = self._anchor(account["session_file"])
        return data

    def _anchor(self, value: str) -> str:
        path = Path(value).expanduser()
        return str(path if path.is_absolute() else self._base / path)


@contextmanager
def _using_config(path: Path | None) -> Iterator[None]:
    token = _config_file.set(path)
    try:
        yield
    finally:
        _config_file.reset(token)


def _nest(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``browser__headless=False`` and ``browser={"headless": False}`` both become nested dicts."""
    nested: dict[str, Any] = {}
    for key, value in overrides.items():
        if value is None:
            continue  # an unset CLI option must not override the file or the environment
        *parents, leaf = key.split("__")
        target = nested
        for part in parents:
            target = target.setdefault(part, {})
        if isinstance(value, Mapping) and isinstance(target.get(leaf), dict):
            target[leaf].update(value)
        else:
            target[leaf] = dict(value) if isinstance(value, Mapping) else value
    return nested


def load_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """Settings from every source; the configured passwords are registered for redaction."""
    if config is not None and not config.is_file():
        raise SettingsError(f"config file {config} does not exist")
    path = config if config is not None else DEFAULT_CONFIG_FILE
    try:
        with _using_config(path):
            settings = Settings(**_nest(overrides))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top level)'}: {err['msg']}" for err in exc.errors()
        )
        raise SettingsError(
            f"invalid settings (from {path}, BEIAN_* environment or options): {problems}"
        ) from None
    except (OSError, ValueError) as exc:  # tomllib.TOMLDecodeError is a ValueError
        raise SettingsError(f"cannot read config file {path}: {exc}") from None
    try:
        settings.profile()  # a broken override is a usage error now, not a traceback mid-run
    except ProfileError as exc:
        raise SettingsError(f"portal.profile_path: {exc} — correct the file or remove the setting") from None
    redact.register_secret(*settings.secret_values())
    return settings
