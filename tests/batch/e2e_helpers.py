"""Running the real ``beian-agent`` in a child process against a mock portal, and reading the results."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from .conftest import PASSWORD, SOURCES

CLI = str(Path(sys.executable).parent / "beian-agent")


def write_config(tmp_path: Path, accounts: list[str] | None = None) -> Path:
    lines = ["[paths]", 'state_dir = "state"', 'evidence_dir = "evidence"', ""]
    for account in accounts or list(SOURCES):
        lines += [f"[accounts.{account}]", f'username = "{account}"', f'password = "{PASSWORD}"', ""]
    config = tmp_path / "beian-agent.toml"
    config.write_text("\n".join(lines), encoding="utf-8")
    return config


def child_env() -> dict[str, str]:
    # A scheduler's environment: no terminal, no BEIAN_* from the developer's shell.
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("BEIAN_")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_cli(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLI, *args], cwd=cwd, env=child_env(), capture_output=True, text=True, timeout=timeout, check=False
    )


def filings_by_name(state: dict[str, Any]) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """算法名称 -> [(account, filing)], over every account of the mock."""
    found: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for account, data in state["accounts"].items():
        for filing in data["filings"]:
            name = filing["sections"].get("算法基础属性信息", {}).get("算法名称")
            if name:
                found.setdefault(name, []).append((account, filing))
    return found
