"""Options several commands share, defined once so their names and help read the same everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["ConfigOption", "JsonOption", "PortalUrlOption", "StateDirOption"]

ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="Config file (default: ./beian-agent.toml if present).")
]
StateDirOption = Annotated[
    Path | None, typer.Option("--state-dir", help="Where the ledger, sessions and the run lock live.")
]
PortalUrlOption = Annotated[str | None, typer.Option("--portal-url", help="The portal's base URL.")]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON document on stdout instead of text.")
]
