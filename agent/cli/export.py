"""``beian-agent export``: the filings the ledger knows, as the .xlsx or .csv list a compliance team keeps."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from agent.batch.export import ExportFormat, export_rows, write_export
from agent.cli.options import ConfigOption, StateDirOption
from agent.errors import BeianError
from agent.exit_codes import ExitCode
from agent.settings import load_settings
from agent.state.ledger import Ledger

__all__ = ["default_export_name", "export", "register"]


def default_export_name(fmt: ExportFormat, now: datetime | None = None) -> str:
    return f"beian-filings-{(now or datetime.now(UTC)):%Y%m%dT%H%M%SZ}.{fmt.value}"


def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="xlsx (Excel) or csv (UTF-8 with BOM).")] = (
        ExportFormat.XLSX
    ),
    out: Annotated[
        Path | None,
        typer.Option("--out", help="File to write (default: beian-filings-<UTC time>.<format> here)."),
    ] = None,
    account: Annotated[str | None, typer.Option("--account", help="Only this account's filings.")] = None,
    config: ConfigOption = None,
    state_dir: StateDirOption = None,
) -> None:
    """Write the filings the ledger knows as a list: the CAC list's columns, then account and status.

    Columns: 序号, 算法名称, 角色, 主体名称, 应用产品, 主要用途, 备案编号, 备注, 账号, 状态, 步骤, 提交时间,
    最近运行, 证据目录. Times are China Standard Time (UTC+8). The file is written 0600.
    """
    try:
        settings = load_settings(config, paths__state_dir=state_dir)
    except BeianError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(int(exc.exit_code)) from None
    if not settings.ledger_path.exists():
        # Reading must not create a ledger in a directory that a typo named.
        typer.echo(f"Error: no ledger in {settings.paths.state_dir}: nothing has run there yet", err=True)
        raise typer.Exit(int(ExitCode.USAGE))
    rows = export_rows(Ledger(settings.ledger_path), account=account)
    path = out if out is not None else Path(default_export_name(fmt))
    write_export(rows, path, fmt)
    typer.echo(f"{len(rows)} filing(s) written to {path}")


def register(app: typer.Typer) -> None:
    app.command("export")(export)
