from __future__ import annotations

from pathlib import Path

from agent.batch import plan as batch_plan
from agent.bundle import discover_bundles
from tests.bundle.conftest import BUNDLES


def test_batch_uses_the_same_discovery() -> None:
    assert batch_plan.discover_bundles is discover_bundles


def test_folder_of_bundles_and_broken_entries(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "filing.toml").write_text("", encoding="utf-8")
    (tmp_path / "loop").mkdir()
    (tmp_path / "loop" / "filing.toml").symlink_to("filing.toml")  # a bundle, however broken
    (tmp_path / "self").symlink_to("self")
    (tmp_path / "notes").mkdir()
    assert [p.name for p in discover_bundles([tmp_path])] == ["a", "loop"]


def test_missing_paths_kept_when_asked(tmp_path: Path) -> None:
    assert discover_bundles([tmp_path / "nope"], missing_ok=True) == [tmp_path / "nope"]
    assert [p.name for p in discover_bundles([BUNDLES])] == [
        "newco-provider",
        "provider-basic",
        "supporter-basic",
    ]
