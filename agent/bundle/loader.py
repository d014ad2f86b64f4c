"""Reading a bundle directory: the file, its TOML, its models, and the rules that span sections.

Every problem is collected before anything is reported: a user fixes a bundle in one round, not one
error per run.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from agent.bundle.attachments import resolve_attachment
from agent.bundle.errors import BundleError, BundleInvalid, translate
from agent.bundle.fields import ExtraFile, FormEntry, iter_fields, meta_of, toml_key
from agent.bundle.models import PROVIDER, SUPPORTER, Filing
from agent.profile import PortalProfile, default_profile

__all__ = ["FILING_TOML", "Bundle", "load_bundle", "validate_bundle"]

FILING_TOML = "filing.toml"
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)|\s*\(at end of document\)")
_INDEX = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass(frozen=True)
class Bundle:
    """A validated bundle: its directory, its model, and the bytes it was read from."""

    directory: Path  # absolute
    filing: Filing
    source: bytes = field(repr=False)

    @property
    def account(self) -> str:
        return self.filing.account

    @property
    def role(self) -> str:
        return self.filing.algorithm.role

    @property
    def is_provider(self) -> bool:
        return self.role == PROVIDER

    @property
    def is_supporter(self) -> bool:
        return self.role == SUPPORTER

    def attachments(self) -> dict[str, Path]:
        """Every attachment, bundle path -> absolute file path, in document order."""
        found: dict[str, Path] = {}
        for path, relative in _walk_uploads(self.filing, ""):
            found[path] = resolve_attachment(self.directory, relative)
        return found

    def section(self, path: str) -> BaseModel:
        """The model at a bundle path such as ``algorithm.data`` or ``products.define[0].paths[1]``."""
        node: Any = self.filing
        try:
            for name, index in _INDEX.findall(path):
                node = node[int(index)] if index else getattr(node, name)
        except (AttributeError, IndexError, TypeError):
            raise KeyError(f"{path} is not a section of the bundle") from None
        if not isinstance(node, BaseModel):
            raise KeyError(f"{path} is not a section of the bundle")
        return node

    def fields(self, path: str) -> list[FormEntry]:
        """The fields of one section, with labels, kinds and screen values, for the flows to fill."""
        return list(iter_fields(self.section(path), path, self.directory))

    def content_hash(self) -> str:
        """sha256 over filing.toml and every attachment's bytes: equal bundles hash equal, anywhere."""
        return self._content_hash

    @cached_property
    def _content_hash(self) -> str:
        # Computed once per loaded bundle: a batch asks for it while planning, running and reporting.
        digest = hashlib.sha256()
        digest.update(b"filing.toml\0%d\0" % len(self.source) + self.source)
        for relative in sorted(
            {str(Path(p).relative_to(self.directory)) for p in self.attachments().values()}
        ):
            data = (self.directory / relative).read_bytes()
            digest.update(relative.encode() + b"\0%d\0" % len(data) + data)
        return digest.hexdigest()


def _walk_uploads(node: BaseModel, prefix: str) -> Iterator[tuple[str, str]]:
    model = type(node)
    for name in model.model_fields:
        value = getattr(node, name)
        path = f"{prefix}.{name}" if prefix else name
        if name == "extra":
            for label, item in value.items():
                if isinstance(item, ExtraFile):
                    yield f"{path}.{toml_key(label)}", item.file
        elif isinstance(value, BaseModel):
            yield from _walk_uploads(value, path)
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            for i, item in enumerate(value):
                yield from _walk_uploads(item, f"{path}[{i}]")
        elif meta_of(model, name).kind == "upload" and isinstance(value, str):
            yield path, value


def _read(directory: Path) -> tuple[bytes, dict[str, Any]]:
    if not directory.is_dir():
        raise BundleInvalid(
            [BundleError("", "", f"{directory} is not a directory — give a bundle directory")]
        )
    file = directory / FILING_TOML
    if not file.is_file():
        raise BundleInvalid(
            [
                BundleError(
                    FILING_TOML, "", f"{file} does not exist — create it with `beian-agent init {directory}`"
                )
            ]
        )
    try:
        raw = file.read_bytes()
    except OSError as exc:
        message = f"cannot be read ({exc.strerror}) — check the file's permissions"
        raise BundleInvalid([BundleError(FILING_TOML, "", message)]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = (
            f"is not UTF-8 (byte 0x{raw[exc.start]:02x} at line {line}, column {column}) — "
            "save the file as UTF-8 (GBK/GB 18030 is not accepted)"
        )
        raise BundleInvalid([BundleError(FILING_TOML, "", message)]) from None
    text = text.removeprefix("\ufeff")  # editors on Windows add a BOM; TOML forbids it, nobody means it
    try:
        return raw, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        reason = str(exc)
        position = _TOML_POSITION.search(reason)
        where = "at the end of the file"
        if position and position.group(1):
            where = f"line {position.group(1)}, column {position.group(2)}"
        reason = _TOML_POSITION.sub("", reason)
        message = f"{where}: {reason} — fix the TOML syntax there"
        raise BundleInvalid([BundleError(FILING_TOML, "", message)]) from None


def _role_errors(data: dict[str, Any]) -> tuple[list[BundleError], str | None]:
    """Step 3 differs by role; the section of the other role is an error, never silently ignored."""
    algorithm = data.get("algorithm")
    role = algorithm.get("role") if isinstance(algorithm, dict) else None
    if role not in (PROVIDER, SUPPORTER):
        return [], None  # the role field reports its own problem
    own, other = ("products", "technical_service") if role == PROVIDER else ("technical_service", "products")
    own_label = meta_of(Filing, own).label
    other_label = meta_of(Filing, other).label
    errors: list[BundleError] = []
    if own not in data:
        what = "at least one [[products.select]]" if own == "products" else "the [technical_service] table"
        errors.append(BundleError(own, own_label, f"is required for a {role} — add {what}"))
    if other in data:
        message = (
            f"belongs to the other role, algorithm.role is {role} — remove [{other}] or change algorithm.role"
        )
        errors.append(BundleError(other, other_label, message))
        return errors, other
    return errors, None


def _profile_or_default(profile: PortalProfile | None) -> PortalProfile:
    return profile if profile is not None else default_profile()


def load_bundle(directory: Path | str, profile: PortalProfile | None = None) -> Bundle:
    """Read and validate the bundle in ``directory``; raise ``BundleInvalid`` listing every problem."""
    root = Path(directory).resolve()
    source, data = _read(root)
    errors, ignored = _role_errors(data)
    context = {"profile": _profile_or_default(profile), "directory": root}
    try:
        filing = Filing.model_validate(data, context=context)
    except ValidationError as exc:
        found = translate(exc, Filing)
        # Details inside the other role's section are noise once the section itself must go.
        if ignored:
            found = [
                e
                for e in found
                if not (e.path == ignored or e.path.startswith((f"{ignored}.", f"{ignored}[")))
            ]
        raise BundleInvalid(found + errors) from None
    if errors:
        raise BundleInvalid(errors)
    return Bundle(directory=root, filing=filing, source=source)


def validate_bundle(directory: Path | str, profile: PortalProfile | None = None) -> list[BundleError]:
    """Every problem of the bundle in ``directory``; an empty list when it is valid."""
    try:
        load_bundle(directory, profile)
    except BundleInvalid as exc:
        return exc.errors
    return []
