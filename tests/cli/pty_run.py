"""Run a command in a pseudo-terminal, as an operator's shell would, and read what its screen shows.

The standard library's ``pty`` is enough: the tests need the output and the exit code, not prompts to
answer, so pexpect would add a dependency for nothing.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import termios
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Screen", "final_frame", "plain", "run_in_pty"]

# CSI sequences (colours, cursor moves, erase), OSC sequences (titles, links), charset and keypad modes.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]"
)


@dataclass(frozen=True)
class Screen:
    exit_code: int
    raw: str  # everything written to the terminal, escape sequences included

    @property
    def lines(self) -> list[str]:
        return plain(self.raw)


def plain(raw: str) -> list[str]:
    """The text lines written, escape sequences removed; a carriage return starts the line over."""
    text = _ANSI.sub("", raw).replace("\r\n", "\n")
    return [line.rsplit("\r", 1)[-1].rstrip() for line in text.split("\n")]


def final_frame(lines: list[str], header: str) -> list[str]:
    """The last frame of a live view: from the last line starting with ``header`` to the end."""
    starts = [i for i, line in enumerate(lines) if line.startswith(header)]
    assert starts, f"no line starts with {header!r} in:\n" + "\n".join(lines)
    return [line for line in lines[starts[-1] :] if line]


def run_in_pty(
    args: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path,
    columns: int = 120,
    timeout_s: float = 300,
) -> Screen:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = dict(env, TERM="xterm-256color", COLUMNS=str(columns))
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd)
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the command closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        else:
            process.kill()
        code = process.wait(timeout=30)
    finally:
        os.close(master)
    return Screen(code, b"".join(chunks).decode("utf-8", errors="replace"))
