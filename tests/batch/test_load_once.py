"""A bundle is read, validated and hashed once per run, however many parts of the batch look at it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import agent.bundle.loader as loader
from agent.batch.entry import BatchOptions, run_batch
from agent.batch.plan import discover_bundles, load_bundles
from agent.bundle import Bundle

from .conftest import FakeRunner, make_bundle, make_settings, no_browser


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    reads: list[Path] = []
    real = loader._read

    def counting(root: Path) -> Any:
        reads.append(root)
        return real(root)

    monkeypatch.setattr(loader, "_read", counting)
    return reads


def test_a_batch_given_its_loaded_bundles_reads_none_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_bundle(tmp_path / "b", "demo-provider", "甲")
    make_bundle(tmp_path / "b", "demo-supporter", "乙")
    loaded = load_bundles(discover_bundles([tmp_path / "b"]), None)
    reads = _count_reads(monkeypatch)
    runner = FakeRunner()

    report = run_batch(
        [tmp_path / "b"], make_settings(tmp_path), BatchOptions(), runner=runner, browsers=no_browser,
        loaded=loaded,
    )  # fmt: skip

    assert sorted(runner.calls) == ["乙", "甲"]
    assert report.exit_code == 0
    assert reads == []


def test_a_batch_reads_each_bundle_once_and_hands_the_runner_the_same_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_bundle(tmp_path / "b", "demo-provider", "甲")
    reads = _count_reads(monkeypatch)
    seen: list[Bundle] = []

    class Recording(FakeRunner):
        def __call__(self, bundle: Bundle, *args: Any, **kwargs: Any) -> Any:
            seen.append(bundle)
            return super().__call__(bundle, *args, **kwargs)

    run_batch(
        [tmp_path / "b"], make_settings(tmp_path), BatchOptions(), runner=Recording(), browsers=no_browser
    )

    assert len(reads) == 1
    assert len(seen) == 1 and isinstance(seen[0], Bundle)


def test_the_content_hash_reads_the_attachments_once(tmp_path: Path) -> None:
    bundle = loader.load_bundle(make_bundle(tmp_path, "demo-provider", "甲"))
    first = bundle.content_hash()
    for attachment in bundle.attachments().values():
        attachment.unlink()  # a second hashing would fail to read them
    assert bundle.content_hash() == first
