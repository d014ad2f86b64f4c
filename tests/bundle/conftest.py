from __future__ import annotations

import shutil
from pathlib import Path

import pytest

BUNDLES = Path(__file__).resolve().parents[2] / "fixtures" / "bundles"


@pytest.fixture
def bundles() -> Path:
    return BUNDLES


@pytest.fixture
def supporter(tmp_path: Path) -> Path:
    """A writable copy of the valid supporter bundle."""
    target = tmp_path / "supporter"
    shutil.copytree(BUNDLES / "supporter-basic", target)
    return target


@pytest.fixture
def provider(tmp_path: Path) -> Path:
    target = tmp_path / "provider"
    shutil.copytree(BUNDLES / "provider-basic", target)
    return target


@pytest.fixture
def newco(tmp_path: Path) -> Path:
    target = tmp_path / "newco"
    shutil.copytree(BUNDLES / "newco-provider", target)
    return target


def edit(bundle: Path, old: str, new: str) -> None:
    """Replace one occurrence of ``old`` in the bundle's filing.toml."""
    file = bundle / "filing.toml"
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    file.write_text(text.replace(old, new), encoding="utf-8")
