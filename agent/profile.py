"""The portal profile: every on-screen text and option vocabulary, as data.

The shipped profile lives in ``agent/data/portal_profile.toml``; a user's override file is merged over
it key by key, so a relabelled field on the real portal is a one-line change in config, not a release.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from agent.errors import ProfileError

__all__ = ["ERRNO_KINDS", "TEXT_TABLES", "PortalProfile", "ProfileError", "default_profile", "load_profile"]

_T = TypeVar("_T")
_SECTIONS = (
    "site",
    "texts",
    "columns",
    "steps",
    "sections",
    "labels",
    "messages",
    "vocab",
    "placeholders",
    "units",
    "ui",
    "probe",
    "modality_formats",
    "choices",
    "errno",
)
# Tables whose values are lists of strings; every other table maps keys to one string.
_LIST_TABLES = ("vocab", "probe", "modality_formats", "choices", "errno")
# How the portal's ``errno`` values are read (``[errno]``); any value listed nowhere is a refusal.
ERRNO_KINDS = ("logged_out", "retry", "refused")
# Tables whose entries are texts on screen, which ``[probe]`` references as "<table>.<key>".
TEXT_TABLES = ("texts", "steps", "sections", "columns", "placeholders", "messages")


@dataclass(frozen=True)
class PortalProfile:
    site: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    steps: dict[str, str] = field(default_factory=dict)
    sections: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    vocab: dict[str, list[str]] = field(default_factory=dict)
    placeholders: dict[str, str] = field(default_factory=dict)
    # Field label -> the unit a read-only table writes after its number (e.g. 次/每天).
    units: dict[str, str] = field(default_factory=dict)
    ui: dict[str, str] = field(default_factory=dict)
    # Page name -> references of the texts ``beian-agent probe`` expects on that page.
    probe: dict[str, list[str]] = field(default_factory=dict)
    # Output modality (输出数据模态) -> the output file formats (输出文件格式) that carry it.
    modality_formats: dict[str, list[str]] = field(default_factory=dict)
    # ``single``: labels of fields the bundle holds as a list that the portal offers as a single choice.
    choices: dict[str, list[str]] = field(default_factory=dict)
    # What a non-zero ``errno`` means: "logged_out", "retry" (the portal failing) or "refused" (a data
    # problem a person must fix). Values listed nowhere are refusals: retrying cannot cure them.
    errno: dict[str, list[str]] = field(default_factory=dict)
    source: str = "built-in"

    def errno_kind(self, errno: object) -> str:
        """``logged_out``, ``retry`` or ``refused`` for a non-zero ``errno`` the portal answered."""
        code = str(errno)
        # ``[site] errno_logged_out`` predates ``[errno]``; an override that sets only it still counts.
        if code in self.errno.get("logged_out", []) or code == self.site.get("errno_logged_out"):
            return "logged_out"
        if code in self.errno.get("retry", []):
            return "retry"
        return "refused"

    def text(self, key: str) -> str:
        return _lookup(self.texts, "texts", key, self.source)

    def column(self, key: str) -> str:
        return _lookup(self.columns, "columns", key, self.source)

    def step(self, key: str) -> str:
        return _lookup(self.steps, "steps", key, self.source)

    def section(self, key: str) -> str:
        return _lookup(self.sections, "sections", key, self.source)

    def message(self, key: str) -> str:
        return _lookup(self.messages, "messages", key, self.source)

    def placeholder(self, key: str) -> str:
        return _lookup(self.placeholders, "placeholders", key, self.source)

    def selector(self, key: str) -> str:
        return _lookup(self.ui, "ui", key, self.source)

    def label(self, canonical: str) -> str:
        """The on-screen text of a field whose bundle model calls it ``canonical``."""
        return self.labels.get(canonical, canonical)

    def options(self, key: str) -> list[str]:
        return list(_lookup(self.vocab, "vocab", key, self.source))

    def single_choice(self, label: str) -> bool:
        """Whether the portal offers the list field ``label`` (its bundle label) as a single choice."""
        return label in self.choices.get("single", []) or self.label(label) in self.choices.get("single", [])

    def probe_refs(self, page: str) -> list[str]:
        """What ``[probe]`` lists for ``page``; a page the table does not name has nothing to check."""
        return list(self.probe.get(page, []))

    def screen_text(self, ref: str) -> str:
        """The text a ``"<table>.<key>"`` reference names, e.g. ``"texts.save_draft"`` -> 保存至草稿箱."""
        table, _, key = ref.partition(".")
        if table not in TEXT_TABLES or not key:
            known = ", ".join(TEXT_TABLES)
            raise ProfileError(
                f"portal profile ({self.source}): {ref!r} is not a text reference; use <table>.<key> with "
                f"one of {known}"
            )
        texts: dict[str, str] = getattr(self, table)
        return _lookup(texts, table, key, self.source)


def _lookup(table: Mapping[str, _T], section: str, key: str, source: str) -> _T:
    try:
        return table[key]
    except KeyError:
        raise ProfileError(f"portal profile ({source}) has no [{section}] entry {key!r}") from None


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_toml(text: str, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"portal profile {origin} is not valid TOML: {exc}") from None


def _build(data: Mapping[str, Any], source: str) -> PortalProfile:
    unknown = sorted(set(data) - set(_SECTIONS))
    if unknown:
        known, found = ", ".join(_SECTIONS), ", ".join(unknown)
        raise ProfileError(f"portal profile {source} has unknown table(s) {found}; known: {known}")
    parts: dict[str, Any] = {}
    for name in _SECTIONS:
        table = data.get(name, {})
        if not isinstance(table, Mapping):
            raise ProfileError(f"portal profile {source}: [{name}] must be a table")
        for key, value in table.items():
            ok = (
                isinstance(value, list) and all(isinstance(v, str) for v in value)
                if name in _LIST_TABLES
                else isinstance(value, str)
            )
            if not ok:
                kind = "a list of strings" if name in _LIST_TABLES else "a string"
                raise ProfileError(f"portal profile {source}: [{name}] {key} must be {kind}")
        parts[name] = dict(table)
    return PortalProfile(**parts, source=source)


@cache
def _default_data() -> dict[str, Any]:
    text = resources.files("agent").joinpath("data/portal_profile.toml").read_text(encoding="utf-8")
    return _read_toml(text, "built-in")


def default_profile() -> PortalProfile:
    return _build(_default_data(), "built-in")


def load_profile(override: Path | None = None) -> PortalProfile:
    """The built-in profile, with ``override`` merged over it when given."""
    if override is None:
        return default_profile()
    try:
        text = override.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(f"portal profile override {override} does not exist") from None
    except UnicodeDecodeError:
        raise ProfileError(f"portal profile override {override} is not UTF-8") from None
    except OSError as exc:  # a directory, no permission, a name too long, a symlink loop
        raise ProfileError(f"portal profile override {override} cannot be read ({exc.strerror})") from None
    return _build(_merge(_default_data(), _read_toml(text, str(override))), str(override))
