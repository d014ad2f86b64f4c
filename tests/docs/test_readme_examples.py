"""Every command the README shows in a ``console`` block is run, and its output and exit code checked.

In the README, ``$ beian-agent …`` starts a command; the lines after it are its output, where ``...``
stands for any text (durations, paths); an optional ``[exit N]`` line gives the exit code (default 0).
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


def examples(markdown: str) -> list[Example]:
    found: list[Example] = []
    for block in _BLOCK.findall(markdown):
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
    return found


def _pattern(line: str) -> re.Pattern[str]:
    return re.compile("^" + ".*".join(re.escape(part) for part in line.split("...")) + "$")


README_EXAMPLES = examples((ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_readme_has_examples() -> None:
    assert len(README_EXAMPLES) >= 4
    assert all(e.command.startswith("beian-agent ") for e in README_EXAMPLES)


@pytest.mark.parametrize(
    "example",
    [
        pytest.param(e, id=e.command, marks=[pytest.mark.e2e] if "--mock" in e.command else [])
        for e in README_EXAMPLES
    ],
)
def test_readme_example(example: Example, tmp_path: Path) -> None:
    env = dict(os.environ)
    env.update(
        BEIAN_PATHS__STATE_DIR=str(tmp_path / "state"),
        BEIAN_PATHS__EVIDENCE_DIR=str(tmp_path / "evidence"),
        BEIAN_LOGGING__JSON="true",
    )
    args = shlex.split(example.command)[1:]
    done = subprocess.run(
        [sys.executable, "-m", "agent", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == example.exit_code, done.stderr
    shown = done.stdout.rstrip("\n").splitlines()
    assert len(shown) == len(example.output), done.stdout
    for expected, actual in zip(example.output, shown, strict=True):
        assert _pattern(expected).match(actual), f"{actual!r} does not match {expected!r}"
