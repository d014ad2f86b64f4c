"""docs/design.md's Layout matches the tree: every layer of the import contract is drawn, every module
of the layered packages and every cross-cutting module is named."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Packages whose modules the Layout names one by one (cli and bundle are described as a whole).
NAMED_ONE_BY_ONE = ("agent/run", "agent/batch", "agent/queue", "agent/state", "flows")


def _layout() -> str:
    text = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    start = text.index("## Layout")
    return text[start : text.index("\n## ", start + 1)]


def _modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.py") if not p.name.startswith("__"))


def test_every_layer_of_the_contract_is_drawn() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layers = config["tool"]["importlinter"]["contracts"][0]["layers"]
    layout = _layout()
    # A package layer is drawn by its path (agent/run), a module layer by its name (status).
    missing = [
        name
        for layer in layers
        for name in (m.strip() for m in layer.replace("|", ":").split(":"))
        if (name.replace(".", "/") if (ROOT / name.replace(".", "/")).is_dir() else name.split(".")[-1])
        not in layout
    ]
    assert missing == []


def test_every_module_is_named() -> None:
    layout = _layout()
    missing = [
        str(p.relative_to(ROOT))
        for folder in (ROOT / "agent", *(ROOT / f for f in NAMED_ONE_BY_ONE))
        for p in _modules(folder)
        if p.name not in layout
    ]
    # Every folder with modules in agent/ and flows/ is named too.
    missing += [
        str(d.relative_to(ROOT))
        for top in ("agent", "flows")
        for d in sorted((ROOT / top).iterdir())
        if d.is_dir()
        and any(d.glob("*.py"))
        and f"{d.relative_to(ROOT)}/" not in layout
        and f"{d.name}/" not in layout
    ]
    assert missing == []
