"""``beian-agent probe``: visit every page without writing and list each profile text not found on screen."""

from __future__ import annotations

import json
import unicodedata
from typing import Annotated

import typer

from agent.cli.options import ConfigOption, JsonOption, PortalUrlOption
from agent.cli.output import QuietOption, VerboseOption, fail, failures_exit, live_progress, setup_output
from agent.errors import SettingsError
from agent.exit_codes import ExitCode
from agent.live import stage_titles
from agent.profile import ProfileError
from agent.run.arrival import pick_account
from agent.run.probe import ProbeReport, check_profile, run_probe
from agent.settings import load_settings

__all__ = ["human", "probe", "register"]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def human(report: ProbeReport) -> str:
    lines = [
        f"probe of {report.portal_url} as {report.account} ({report.browser_version or 'no browser'})",
        f"pages checked: {', '.join(report.pages) or 'none'}; {report.checked} texts looked for",
    ]
    if report.missing:
        rows = [("page", "key", "text"), *((m.page, m.key, m.text) for m in report.missing)]
        widths = [max(_width(row[i]) for row in rows) for i in range(2)]
        lines.append("")
        lines += [f"{_pad(p, widths[0])}  {_pad(k, widths[1])}  {t}".rstrip() for p, k, t in rows]
    lines += [f"not reached: {u.page}: {u.reason}" for u in report.unreached]
    lines += [f"WRITE observed: {w}" for w in report.writes]
    if report.ok:
        lines.append("every profile text was found")
    else:
        count = len(report.missing)
        lines.append(
            f"{count} text{'s' if count != 1 else ''} missing; {len(report.unreached)} page(s) not reached"
        )
    return "\n".join(lines)


def probe(
    portal_url: PortalUrlOption = None,
    account: Annotated[
        str | None,
        typer.Option("--account", help="The configured account to look as (default: the only one)."),
    ] = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
) -> None:
    """Visit every page without writing anything and list each profile text not found on screen.

    Logs in with the account's saved session, or its password if it may log in by itself. 新增备案 and
    the wizard's 上一步 / 下一步 / 保存至草稿箱 are looked at, never clicked. Exit codes: 0 every text
    found, 1 some missing, 2 usage or profile error, 3 login required, 4 portal unreachable.
    """
    try:
        settings = load_settings(config, portal={"base_url": portal_url} if portal_url else None)
        name = pick_account(settings, account)
        check_profile(settings.profile())
    except (SettingsError, ProfileError) as exc:
        raise fail(str(exc), ExitCode.USAGE) from None
    live = setup_output(settings, verbose=verbose, quiet=quiet, as_json=as_json)
    header = f"probe of {settings.portal.base_url} as {name}"
    with live_progress(live, header, stage_titles(settings.profile(), provider=True)), failures_exit():
        report = run_probe(settings, name)
    typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2) if as_json else human(report))
    raise typer.Exit(int(report.exit_code))


def register(app: typer.Typer) -> None:
    app.command("probe")(probe)
