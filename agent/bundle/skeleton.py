"""``beian-agent init``: a ``filing.toml`` with every field of a role, each with its label and a hint.

Generated from the models, so a field added to a model appears in new skeletons by itself. Empty texts
and lists are written as ``""`` and ``[]``; values TOML cannot leave empty (dates, true/false, numbers)
are written commented out. Either way ``validate`` names each one until it is filled in.
"""

from __future__ import annotations

import types
import typing
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from agent.bundle.errors import format_path
from agent.bundle.fields import meta_of
from agent.bundle.loader import FILING_TOML
from agent.bundle.models import PROVIDER, SUPPORTER, Filing, Products
from agent.profile import PortalProfile, default_profile

__all__ = ["render_skeleton", "write_skeleton"]

_SECTION_NOTES = {
    "entity": "Only for an account whose 主体信息 is not filed yet — otherwise delete every [entity…] table.",
    "products.define": "Products the portal must have; delete this part if they all exist there already.",
    "products.select": "What to tick: a product alone covers all its functions; add path, or path + function",
    "algorithm.model": 'Contents not public: add the fields shown on screen: extra = { "模型名称" = "…" }',
}
_PLACEHOLDER_DATE = date(2024, 1, 1)


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, optional?) of ``X | None``."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0], True
    return annotation, False


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _list_item(annotation: Any) -> Any:
    return typing.get_args(annotation)[0] if typing.get_origin(annotation) is list else None


class _Writer:
    def __init__(self, role: str, profile: PortalProfile) -> None:
        self.role = role
        self.profile = profile
        self.lines: list[str] = []

    def comment(self, model: type[BaseModel], name: str) -> str:
        meta = meta_of(model, name)
        parts = [meta.label]
        if meta.hint:
            parts.append(meta.hint)
        if meta.vocab:
            choice = "one or more of" if meta.kind == "multiselect" else "one of"
            parts.append(f"{choice}: {', '.join(self.profile.options(meta.vocab))}")
        return "# " + " — ".join(parts)

    def key(self, model: type[BaseModel], name: str) -> None:
        annotation, optional = _unwrap(model.model_fields[name].annotation)
        if name == "extra":
            self.lines += [
                "# fields shown on screen that are not modelled above, keyed by their label",
                "extra = {}",
            ]
            return
        self.lines.append(self.comment(model, name))
        if name == "role":
            self.lines.append(f'role = "{self.role}"')
        elif annotation is str:
            self.lines.append(f'{"# " if optional else ""}{name} = ""')
        elif _list_item(annotation) is str:
            self.lines.append(f"{name} = []")
        elif annotation is bool:
            self.lines.append(f"# {name} = false")
        elif annotation is date:
            self.lines.append(f"# {name} = {_PLACEHOLDER_DATE.isoformat()}")
        else:
            self.lines.append(f"# {name} = 0")

    def table(self, model: type[BaseModel], loc: list[str], array: bool, label: str) -> None:
        path = format_path(loc)
        self.lines.append("")
        if path in _SECTION_NOTES:
            self.lines.append(f"# {_SECTION_NOTES[path]}")
        self.lines.append(f"[[{path}]]  # {label}" if array else f"[{path}]  # {label}")
        self.fields(model, loc)

    def fields(self, model: type[BaseModel], loc: list[str]) -> None:
        nested: list[tuple[type[BaseModel], str, bool]] = []
        # ``extra`` comes from the base class, hence first in model_fields; it reads better last.
        names = sorted(model.model_fields, key=lambda n: n == "extra")
        for name in names:
            annotation, _ = _unwrap(model.model_fields[name].annotation)
            item = _list_item(annotation)
            if _is_model(annotation):
                nested.append((annotation, name, False))
            elif _is_model(item):
                nested.append((item, name, True))
            else:
                self.key(model, name)
        for sub, name, array in nested:
            if not self.wanted([*loc, name]):
                continue
            if sub is Products:
                self.fields(sub, [*loc, name])  # [products] itself has no keys of its own
                continue
            self.table(sub, [*loc, name], array, meta_of(model, name).label)

    def wanted(self, loc: list[str]) -> bool:
        if loc == ["products"]:
            return self.role == PROVIDER
        if loc == ["technical_service"]:
            return self.role == SUPPORTER
        return True


def render_skeleton(role: str, profile: PortalProfile | None = None) -> str:
    writer = _Writer(role, profile or default_profile())
    writer.lines += [
        f"# Filing bundle for a {role} (深度合成 algorithm filing).",
        "# Fill in every field; `beian-agent validate <this directory>` lists what is still missing.",
        "# Attachments are PDF files (at most 20 MB) inside this directory, given by relative path.",
        "",
    ]
    writer.fields(Filing, [])
    return "\n".join(writer.lines).replace("\n\n\n", "\n\n") + "\n"


def write_skeleton(
    directory: Path | str, role: str, profile: PortalProfile | None = None, *, force: bool = False
) -> Path:
    """Write ``directory/filing.toml`` and an empty ``attachments/``; refuse to overwrite unless ``force``."""
    if role not in (PROVIDER, SUPPORTER):
        raise ValueError(f"role must be {PROVIDER} or {SUPPORTER}, not {role!r}")
    root = Path(directory)
    target = root / FILING_TOML
    if target.exists() and not force:
        raise FileExistsError(target)
    (root / "attachments").mkdir(parents=True, exist_ok=True)
    target.write_text(render_skeleton(role, profile), encoding="utf-8")
    return target
