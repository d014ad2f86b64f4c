"""Every command the README shows in a ``console`` block is run, and its output and exit code checked.

In the README, ``$ beian-agent …`` starts a command; the lines after it are its output, where ``...``
stands for any text (durations, paths) and a line of just ``...`` for any number of lines; an optional
``[exit N]`` line gives the exit code (default 0). Commands run in a scratch directory that sees the
repository's ``fixtures/``, so examples may write bundles of their own.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_BLOCK = re.compile(r"```console\n(.*?)```", re.S)


@dataclass(frozen=True)
class Example:
    command: str
    output: list[str]
    exit_code: int


def examples(markdown: str) -> list[list[Example]]:
    """The README's console blocks, each a list of commands run in order in one scratch directory."""
    blocks: list[list[Example]] = []
    for block in _BLOCK.findall(markdown):
        found: list[Example] = []
        command: str | None = None
        lines: list[str] = []
        code = 0
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    found.append(Example(command, lines, code))
                command, lines, code = line[2:], [], 0
            elif (m := re.fullmatch(r"\[exit (\d+)\]", line)) is not None:
                code = int(m.group(1))
            else:
                lines.append(line)
        if command is not None:
            found.append(Example(command, lines, code))
        blocks.append(found)
    return blocks


def _pattern(lines: list[str]) -> re.Pattern[str]:
    parts = [
        r"(?:[^\n]*\n)*?" if line == "..." else r"[^\n]*".join(map(re.escape, line.split("..."))) + r"\n"
        for line in lines
    ]
    return re.compile("".join(parts))


README_BLOCKS = examples((ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_readme_has_examples() -> None:
    commands = [e.command for block in README_BLOCKS for e in block]
    assert len(commands) >= 6
    assert all(c.startswith("beian-agent ") for c in commands)


@pytest.mark.parametrize(
    "block",
    [
        pytest.param(
            b, id=b[0].command, marks=[pytest.mark.e2e] if any("--mock" in e.command for e in b) else []
        )
        for b in README_BLOCKS
    ],
)
def test_readme_block(block: list[Example], tmp_path: Path) -> None:
    (tmp_path / "fixtures").symlink_to(ROOT / "fixtures")
    for example in block:
        _check(example, tmp_path)


def _check(example: Example, tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.update(
        BEIAN_PATHS__STATE_DIR=str(tmp_path / "state"),
        BEIAN_PATHS__EVIDENCE_DIR=str(tmp_path / "evidence"),
        BEIAN_LOGGING__JSON="true",
    )
    args = shlex.split(example.command)[1:]
    done = subprocess.run(
        [sys.executable, "-m", "agent", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == example.exit_code, done.stderr
    shown = done.stdout.rstrip("\n") + "\n"
    assert _pattern(example.output).fullmatch(shown), f"README says:\n{example.output}\nbut got:\n{shown}"
