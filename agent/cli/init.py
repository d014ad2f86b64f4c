"""``beian-agent init DIR --role provider|supporter``: write a bundle skeleton to fill in."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from agent.bundle import PROVIDER, SUPPORTER, write_skeleton
from agent.exit_codes import ExitCode

__all__ = ["Role", "register"]


class Role(StrEnum):
    provider = "provider"
    supporter = "supporter"

    @property
    def portal_text(self) -> str:
        return PROVIDER if self is Role.provider else SUPPORTER


def init(
    directory: Annotated[Path, typer.Argument(help="Directory for the new bundle; created if missing.")],
    role: Annotated[Role, typer.Option("--role", help="provider = 服务提供者, supporter = 技术支持者.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing filing.toml.")] = False,
) -> None:
    """Write DIR/filing.toml with every field of the role, each with its portal label and a hint."""
    try:
        target = write_skeleton(directory, role.portal_text, force=force)
    except FileExistsError:
        typer.echo(
            f"Error: {directory / 'filing.toml'} already exists — choose another directory or pass --force",
            err=True,
        )
        raise typer.Exit(ExitCode.USAGE) from None
    except OSError as exc:
        typer.echo(f"Error: cannot write the bundle in {directory}: {exc.strerror}", err=True)
        raise typer.Exit(ExitCode.FAILED) from None
    typer.echo(
        f"Wrote {target} ({role.portal_text}). Fill it in, put the PDFs in {directory / 'attachments'},"
    )
    typer.echo(f"then run: beian-agent validate {directory}")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
