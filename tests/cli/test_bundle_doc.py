"""Every ``beian-agent validate`` example in docs/bundle.md prints what the page shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "bundle.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```console\n\$ beian-agent (validate[^\n]*)\n(.*?)```", DOC, flags=re.DOTALL)


def test_the_page_has_examples() -> None:
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize(("command", "shown"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_documented_output(
    bundle_app: typer.Typer, monkeypatch: pytest.MonkeyPatch, command: str, shown: str
) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(bundle_app, shlex.split(command))
    assert result.stdout == shown
    assert result.exit_code == (1 if "INVALID" in shown or '"valid": false' in shown else 0)
