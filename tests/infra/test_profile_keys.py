"""Every key of the shipped portal profile is read somewhere, and variant overrides only override.

A key is read when the code names it: the accessors take the key as a literal (``profile.text("next")``,
``profile.message("status_draft")``, ``PortalState`` values, key tuples), so each ``[table] key`` must
appear as a quoted string in ``agent/`` or ``flows/``. Some keys are reached another way, and each of
those ways is checked on its own terms:

- ``[site] route_<action>``: ``PortalPage.call_portal`` reads ``route_`` + the action key it is given
  (``"save_draft"``, ``"login"``...), so the action key must appear quoted;
- a text the code never clicks but ``beian-agent probe`` expects on a page: referenced in ``[probe]``;
- ``[probe]`` keys are page names the probe walks (``PAGES``); ``[errno]`` keys are ``ERRNO_KINDS``;
  ``[modality_formats]`` keys are modalities of ``[vocab] modality``;
- ``[labels]`` and ``[units]`` keys are canonical field labels, named by the bundle models.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from agent.profile import ERRNO_KINDS
from agent.run.probe import PAGES

ROOT = Path(__file__).resolve().parents[2]
PROFILE = ROOT / "agent" / "data" / "portal_profile.toml"
OVERRIDES = sorted((ROOT / "fixtures" / "profiles").glob("*.toml"))
_ROUTE = "route_"


def _table(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


@cache
def _source() -> str:
    files = [p for folder in ("agent", "flows") for p in sorted((ROOT / folder).rglob("*.py"))]
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def _quoted(name: str) -> bool:
    return f'"{name}"' in _source() or f"'{name}'" in _source()


def _probe_refs(profile: dict[str, Any]) -> set[str]:
    # A reference may offer alternatives: "messages.status_approved|messages.status_pending".
    return {alt for refs in profile["probe"].values() for ref in refs for alt in ref.split("|")}


def _unread(profile: dict[str, Any]) -> list[str]:
    refs = _probe_refs(profile)
    unread = []
    for table, keys in profile.items():
        for key in keys:
            if table == "probe":
                read = key in PAGES
            elif table == "errno":
                read = key in ERRNO_KINDS
            elif table == "modality_formats":
                read = key in profile["vocab"]["modality"]
            elif table == "site" and key.startswith(_ROUTE):
                read = _quoted(key.removeprefix(_ROUTE))
            else:
                read = _quoted(key) or f"{table}.{key}" in refs
            if not read:
                unread.append(f"[{table}] {key}")
    return unread


def test_every_key_of_the_shipped_profile_is_read() -> None:
    assert _unread(_table(PROFILE)) == []


def test_the_check_finds_a_key_nothing_reads() -> None:
    profile = _table(PROFILE)
    profile["texts"]["never_clicked_anywhere"] = "从未使用"
    profile["site"]["route_never_sent"] = "/api/never"
    unread = set(_unread(profile))
    assert {"[site] route_never_sent", "[texts] never_clicked_anywhere"} <= unread
    assert not {"[texts] save_draft", "[site] route_save_draft", "[texts] logout"} & unread


@pytest.mark.parametrize("override", OVERRIDES, ids=lambda p: p.stem)
def test_variant_overrides_only_override_existing_keys(override: Path) -> None:
    shipped = _table(PROFILE)
    extra = [
        f"[{table}] {key}"
        for table, keys in _table(override).items()
        for key in keys
        if table not in shipped or key not in shipped[table]
    ]
    assert extra == [], f"{override.name} sets keys the shipped profile does not have"
