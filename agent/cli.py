"""The ``beian-agent`` command line. Each subcommand lives in its own module under ``agent.commands``."""

from __future__ import annotations

import importlib

import typer

__all__ = ["app", "main"]

app = typer.Typer(
    name="beian-agent",
    help="Validate algorithm filing bundles and file them in the CAC algorithm filing portal.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module defines ``register(app)``; the order here is the order of ``--help``.
_COMMAND_MODULES: tuple[str, ...] = (
    "validate",
    "init",
    "mock_portal",
    "submit",
    "batch",
    "status",
    "probe",
    "login",
)

for _name in _COMMAND_MODULES:
    importlib.import_module(f"agent.commands.{_name}").register(app)


def main() -> None:
    app()
