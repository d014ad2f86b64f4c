"""The layer rule is checked, not hoped for: lint-imports passes here, fails on an upward import, and no
module of agent/flows imports itself round a cycle."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PACKAGES = ("agent", "flows", "fixtures", "bench")


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "pyproject.toml", "--no-cache"],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    """The Python files of the project and its pyproject.toml, in a scratch directory."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=lambda d, names: [
                n for n in names if not n.endswith(".py") and not (Path(d) / n).is_dir()
            ],
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_tree_keeps_its_contracts(tree_copy: Path) -> None:
    done = _lint(tree_copy)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("module", "upward"),
    [
        ("agent/result.py", "import agent.cli.app"),  # a cross-cutting module reaching the CLI
        ("flows/pages/shell.py", "import agent.run.runner"),  # the portal layer reaching the run core
        ("agent/state/ledger.py", "from agent.batch import plan"),
        ("fixtures/mock_portal/store.py", "import agent.bundle"),  # the mock knowing the agent
        ("agent/run/rehearsal.py", "from fixtures.mock_portal.store import Store"),  # the mock's insides
        ("bench/portal.py", "import fixtures.mock_portal.seed"),
    ],
)
def test_an_upward_import_breaks_the_lint(tree_copy: Path, module: str, upward: str) -> None:
    path = tree_copy / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{upward}  # noqa\n", encoding="utf-8")
    done = _lint(tree_copy)
    assert done.returncode == 1
    assert "BROKEN" in done.stdout


def test_every_package_is_seen_by_the_linter() -> None:
    # A folder without __init__.py is a namespace package the import graph leaves out, unchecked.
    missing = [
        str(d.relative_to(ROOT))
        for package in ("agent", "flows")
        for d in (ROOT / package).rglob("*")
        if d.is_dir() and any(d.glob("*.py")) and not (d / "__init__.py").exists()
    ]
    assert missing == []


def test_no_import_cycles() -> None:
    graph = grimp.build_graph("agent", "flows")
    cycles = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                cycles.append(" -> ".join((importer, *back)))
    assert cycles == []


def test_every_private_module_of_the_mock_is_forbidden_to_agent_and_bench() -> None:
    # The public face of the mock: the runner (MockPortal and the test-route client), Faults, variants.
    public = {"__init__", "runner", "faults", "variants"}
    modules = {p.stem for p in (ROOT / "fixtures" / "mock_portal").glob("*.py")} - public
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    black_box = next(
        c for c in contracts["contracts"] if c.get("source_modules") == ["agent", "flows", "bench"]
    )
    assert sorted(f"fixtures.mock_portal.{m}" for m in modules) == sorted(black_box["forbidden_modules"])
