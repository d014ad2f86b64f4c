"""The ``beian-agent`` command line. Each subcommand lives in its own module of ``agent.cli``."""

from __future__ import annotations

import typer

from agent.cli import (
    batch,
    evidence,
    export,
    init,
    lifecycle,
    login,
    mock_portal,
    probe,
    queue,
    status,
    submit,
    sync,
    validate,
)

__all__ = ["app", "main"]

app = typer.Typer(
    name="beian-agent",
    help="Validate algorithm filing bundles and file them in the CAC algorithm filing portal.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module defines ``register(app)``; the order here is the order of ``--help``.
for _command in (
    validate,
    init,
    mock_portal,
    submit,
    lifecycle,
    batch,
    queue,
    sync,
    status,
    export,
    evidence,
    probe,
    login,
):
    _command.register(app)


def main() -> None:
    app()
