"""Which bundles a command line names: bundle directories, directories of bundles, or manifest files.

``validate`` and ``batch`` share this, so both run on the same bundles. A directory without a
filing.toml is a directory of bundles: its immediate subdirectories that hold one (a filing.toml that is
a broken link or a loop counts: validation says what is wrong with it). A file other than filing.toml is
a manifest: one bundle (or directory of bundles) per line, ``#`` starts a comment, relative to the file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from agent.bundle.loader import FILING_TOML
from agent.errors import SettingsError

__all__ = ["discover_bundles"]


def _key(path: Path) -> str:
    # The ledger's key (the resolved path); a loop or an over-long name cannot resolve, and keeps its own.
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):
        return str(path.absolute())


def _holds_filing(path: Path) -> bool:
    return os.path.lexists(path / FILING_TOML)


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _is_manifest(path: Path) -> bool:
    try:
        return path.is_file() and path.name != FILING_TOML
    except OSError:
        return False


def _read_manifest(path: Path) -> list[Path]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read the manifest {path}: {exc}") from None
    entries: list[Path] = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            entry = Path(line).expanduser()
            entries.append(entry if entry.is_absolute() else path.parent / entry)
    return entries


def _subdirectories(path: Path) -> list[Path]:
    try:
        children = list(path.iterdir())
    except OSError as exc:
        raise SettingsError(f"cannot list {path} ({exc.strerror}) — check its permissions") from None
    return sorted(p for p in children if _is_dir(p) and _holds_filing(p))


def _expand(path: Path, *, from_manifest: bool, seen_manifests: set[str]) -> list[Path]:
    if _is_dir(path) and not _holds_filing(path):
        return _subdirectories(path)
    if _is_manifest(path) and not from_manifest:
        key = _key(path)
        if key in seen_manifests:
            return []
        seen_manifests.add(key)
        found: list[Path] = []
        for entry in _read_manifest(path):
            found.extend(_expand(entry, from_manifest=True, seen_manifests=seen_manifests))
        return found
    # A bundle, or something that claims to be one: validation says what is wrong with it.
    return [path]


def discover_bundles(paths: Iterable[Path], *, missing_ok: bool = False) -> list[Path]:
    """Bundle directories from the command line's paths, in order, each once.

    A path that does not exist is a usage error (``SettingsError``), or with ``missing_ok`` a bundle of
    its own, which validation then reports as missing.
    """
    found: list[Path] = []
    keys: set[str] = set()
    seen_manifests: set[str] = set()
    for path in paths:
        if not os.path.lexists(path):
            if not missing_ok:
                raise SettingsError(f"{path} does not exist — give bundle directories or a manifest file")
            expanded = [path]
        else:
            expanded = _expand(path, from_manifest=False, seen_manifests=seen_manifests)
        for bundle_dir in expanded:
            key = _key(bundle_dir)
            if key not in keys:
                keys.add(key)
                found.append(bundle_dir)
    return found
