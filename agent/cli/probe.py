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
    by_reason: dict[str, list[str]] = {}
    for u in report.not_checked:
        by_reason.setdefault(u.reason, []).append(u.page)
    lines += [f"not checked: {', '.join(pages)}: {reason}" for reason, pages in by_reason.items()]
    lines += _new_filing(report)
    lines += [f"WRITE observed: {w}" for w in report.writes]
    if report.ok and not report.not_checked:
        lines.append("every profile text was found")
    elif report.ok:
        count = len(report.not_checked)
        lines.append(f"every text looked for was found; {count} page{'s' if count != 1 else ''} not checked")
    else:
        count = len(report.missing)
        lines.append(
            f"{count} text{'s' if count != 1 else ''} missing; {len(report.unreached)} page(s) not reached"
        )
    return "\n".join(lines)


def _new_filing(report: ProbeReport) -> list[str]:
    record = report.new_filing
    if record is None:
        return []
    sent = f" (it sent {', '.join(record.requests)})" if record.requests else " (it sent no write)"
    lines = [f"new filing started to look at the wizard, never saved{sent}"]
    if record.draft_created is None:
        lines.append(
            "  DRAFT UNKNOWN: the draft list could not be read afterwards; look in it for an empty draft"
        )
    elif record.draft_created:
        lines.append(
            f"  DRAFT CREATED: the draft list held {record.drafts_before}, now {record.drafts_after}; "
            "delete the new draft if it is not wanted:"
        )
        lines += [f"    {row}" for row in record.new_drafts]
    else:
        lines.append(f"  no draft created: the draft list holds {record.drafts_after}, as before")
    return lines


def probe(
    portal_url: PortalUrlOption = None,
    account: Annotated[
        str | None,
        typer.Option("--account", help="The configured account to look as (default: the only one)."),
    ] = None,
    open_wizard: Annotated[
        bool,
        typer.Option(
            "--open-wizard",
            help="With no draft to open, click 新增备案 to look at the wizard. Nothing is saved, but some "
            "portals create an empty draft on that click: the report says whether one was created.",
        ),
    ] = False,
    config: ConfigOption = None,
    as_json: JsonOption = False,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
) -> None:
    """Visit every page without writing anything and list each profile text not found on screen.

    Logs in with the account's saved session, or its password if it may log in by itself. The wizard is
    looked at through each draft in 草稿箱 (继续填报); its 上一步 / 下一步 / 保存至草稿箱 are never
    clicked, so steps no draft is at are listed as not checked. 新增备案 is clicked only with
    --open-wizard and no draft to open. Exit codes: 0 every text looked for found, 1 some missing or a
    page not reached, 2 usage or profile error, 3 login required, 4 portal unreachable.
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
        report = run_probe(settings, name, open_wizard=open_wizard)
    typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2) if as_json else human(report))
    raise typer.Exit(int(report.exit_code))


def register(app: typer.Typer) -> None:
    app.command("probe")(probe)
