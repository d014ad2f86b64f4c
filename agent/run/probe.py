"""``probe``: walk every portal page as a person would, without writing, and list the profile texts not seen.

The walk: home, the header and its entity-name dropdown, 主体信息, 备案信息, 草稿箱 (from 备案信息 or,
when that cannot be reached, from the header's dropdown), the wizard, and 产品及功能信息. A page that
cannot be reached or read is reported and the walk goes on with the next one. What each page should
show is data: the profile's ``[probe]`` table (see the shipped ``portal_profile.toml``).

The wizard is reached through the drafts already in 草稿箱: each draft of another role or step is
opened with 继续填报 and its current step looked at. 上一步/下一步/保存至草稿箱 are never clicked (on
some portals each saves), so the steps no draft is at are listed as not checked. With no draft, and
only when the operator allows it (``open_wizard``), 新增备案 starts a filing that is never saved: on
some portals that click alone creates an empty draft, so 草稿箱 is read before and after and the
difference reported. Every other non-GET request to the portal's API after the login is recorded as a
write; there should be none.
"""

from __future__ import annotations

import contextlib
import typing
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import structlog
from playwright.sync_api import Browser, Request
from playwright.sync_api import Error as PlaywrightError
from pydantic import BaseModel

from agent import progress
from agent.bundle import Filing, meta_of
from agent.errors import BrowserError, NotOnScreen, ProfileTextNotFound, TransientPortalError
from agent.exit_codes import ExitCode
from agent.profile import PortalProfile, ProfileError
from agent.progress import Stage
from agent.run.arrival import portal_session
from agent.run.browser import launched
from agent.settings import Settings
from flows.pages.base import PageContext
from flows.pages.probe import Expected, ProbePage
from flows.pages.shell import Shell

__all__ = [
    "PAGES",
    "MissingText",
    "NewFiling",
    "ProbeReport",
    "Unreached",
    "check_profile",
    "expected_for",
    "run_probe",
]

_log = structlog.get_logger(__name__)

# Every page name the walk checks, in the order it may meet them; ``[probe]`` keys outside this are errors.
PAGES: tuple[str, ...] = (
    "home",
    "header",
    "header_menu",
    "entity",
    "entity_form",
    "filings",
    "filings_listed",
    "drafts",
    "drafts_listed",
    "wizard",
    "wizard_provider",
    "wizard_supporter",
    "wizard_step1",
    "wizard_step2",
    "wizard_step3_provider",
    "wizard_step3_supporter",
    "wizard_step4",
    "products",
    "products_listed",
)
_FIELDS = "fields."
_READS = ("GET", "HEAD", "OPTIONS")
# What keeps one page from being reached or read; a lost session or an unreachable portal ends the walk.
_UNREADABLE = (
    PlaywrightError,
    AssertionError,
    BrowserError,
    NotOnScreen,
    ProfileTextNotFound,
    TransientPortalError,
)
_SETTLE_MS = 2_000  # how long, in all, a drawn page may take to show its remaining texts


@dataclass(frozen=True)
class MissingText:
    page: str
    key: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"page": self.page, "key": self.key, "text": self.text}


@dataclass(frozen=True)
class Unreached:
    page: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"page": self.page, "reason": self.reason}


@dataclass
class NewFiling:
    """What clicking 新增备案 did: the requests it sent and the drafts in 草稿箱 before and after."""

    requests: list[str] = field(default_factory=list)
    drafts_before: int = 0
    drafts_after: int | None = None  # None: 草稿箱 could not be read afterwards
    new_drafts: list[str] = field(default_factory=list)

    @property
    def draft_created(self) -> bool | None:
        """True if 草稿箱 holds a draft it did not before; None if that is unknown."""
        if self.drafts_after is None:
            return None
        return bool(self.new_drafts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "draft_created": self.draft_created,
            "drafts_before": self.drafts_before,
            "drafts_after": self.drafts_after,
            "new_drafts": self.new_drafts,
            "requests": self.requests,
        }


@dataclass
class ProbeReport:
    account: str
    portal_url: str
    browser_version: str = ""
    pages: list[str] = field(default_factory=list)
    checked: int = 0
    missing: list[MissingText] = field(default_factory=list)
    unreached: list[Unreached] = field(default_factory=list)
    # Pages the walk did not try to reach, and why (e.g. a wizard step only 下一步 leads to).
    not_checked: list[Unreached] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    new_filing: NewFiling | None = None

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unreached or self.writes)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.ok else ExitCode.FAILED

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "account": self.account,
            "portal_url": self.portal_url,
            "browser_version": self.browser_version,
            "pages": self.pages,
            "checked": self.checked,
            "missing": [m.as_dict() for m in self.missing],
            "unreached": [u.as_dict() for u in self.unreached],
            "not_checked": [u.as_dict() for u in self.not_checked],
            "writes": self.writes,
            "new_filing": self.new_filing.as_dict() if self.new_filing is not None else None,
        }


# -- what each page should show --------------------------------------------------------------------
def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _section_labels(path: str, profile: PortalProfile) -> list[Expected]:
    """The labels of the bundle section at ``path`` (e.g. ``algorithm.data``), as the page shows them."""
    model: type[BaseModel] = Filing
    for part in path.split("."):
        info = model.model_fields.get(part)
        inner = _model_in(info.annotation) if info is not None else None
        if inner is None:
            raise ProfileError(f"portal profile ({profile.source}): [probe] {_FIELDS}{path}: no such section")
        model = inner
    expected: list[Expected] = []
    for name in model.model_fields:
        try:
            meta = meta_of(model, name)
        except KeyError:
            continue  # "extra" and other fields that are not portal fields
        if meta.kind in ("section", "tree"):
            continue
        expected.append(Expected(f"labels.{meta.label}", ((profile.label(meta.label), False),)))
    return expected


def _resolve(ref: str, profile: PortalProfile) -> list[Expected]:
    ref = ref.strip()
    if ref.startswith(_FIELDS):
        return _section_labels(ref.removeprefix(_FIELDS), profile)
    parts = [p.strip() for p in ref.split("|")]
    alternatives = tuple((profile.screen_text(p), p.startswith("placeholders.")) for p in parts)
    return [Expected("|".join(parts), alternatives)]


def expected_for(profile: PortalProfile, page: str) -> list[Expected]:
    """The texts ``page`` should show, each once; ``ProfileError`` for a reference that names nothing."""
    seen: set[tuple[str, str]] = set()
    out: list[Expected] = []
    for ref in profile.probe_refs(page):
        for item in _resolve(ref, profile):
            if (item.key, item.text) not in seen:
                seen.add((item.key, item.text))
                out.append(item)
    return out


def check_profile(profile: PortalProfile) -> None:
    """Fail before any browser opens when ``[probe]`` names an unknown page or a text that does not exist."""
    unknown = sorted(set(profile.probe) - set(PAGES))
    if unknown:
        raise ProfileError(
            f"portal profile ({profile.source}): [probe] has unknown page(s) {', '.join(unknown)}; "
            f"known: {', '.join(PAGES)}"
        )
    for page in PAGES:
        expected_for(profile, page)


# -- the walk -----------------------------------------------------------------------------------------
_WIZARD_PAGES = tuple(page for page in PAGES if page.startswith("wizard"))
_NEVER_CLICKED = "reaching it from another step needs 下一步 or 上一步, which save on some portals"


def _row_text(row: dict[str, str]) -> str:
    return ", ".join(f"{heading} {value}" for heading, value in row.items() if heading and value)


class _Walk:
    def __init__(self, ctx: PageContext, report: ProbeReport, *, open_wizard: bool) -> None:
        self.ctx, self.report = ctx, report
        self.profile = ctx.profile
        self.look = ProbePage(ctx)
        self.shell = Shell(ctx)
        self.open_wizard = open_wizard
        self.here: list[Expected] = []  # the texts of the page on screen, to see it go away
        self.drafts: list[dict[str, str]] | None = None  # 草稿箱's rows before the wizard was opened
        self.at = ""  # the page on screen as far as the walk knows ("" after a failure)
        self.new_filing_window = False  # while 新增备案 is clicked, its requests are its own

    # -- requests ------------------------------------------------------------------------------------
    def watch(self, request: Request) -> None:
        if request.method in _READS or self.profile.site["api_prefix"] not in request.url:
            return
        sent = f"{request.method} {request.url}"
        if self.new_filing_window and self.report.new_filing is not None:
            self.report.new_filing.requests.append(sent)
        else:
            self.report.writes.append(sent)

    # -- looking and moving ---------------------------------------------------------------------------
    def check(self, page: str, *, wait: bool = True) -> None:
        expected = expected_for(self.profile, page)
        progress.action(f"probe {page}")
        if wait:
            self.look.wait_for_any(expected, self.ctx.navigation_timeout_ms)
        absent = self.look.missing(expected, _SETTLE_MS)
        self.report.pages.append(page)
        self.report.checked += len(expected)
        self.report.missing += [MissingText(page, e.key, e.text) for e in absent]
        _log.info("probe_page", page=page, expected=len(expected), missing=len(absent))

    def unreached(self, page: str, text_key: str) -> None:
        text = self.profile.text(text_key)
        self.report.unreached.append(Unreached(page, f"texts.{text_key} ({text}) is not on screen"))

    def go(self, page: str, text_key: str, click: Callable[[], None] | None = None) -> bool:
        """Leave the page on screen by clicking ``text_key`` (or ``click``); False if that is impossible."""
        if click is None:
            entry = self.shell.entry(self.profile.text(text_key))
            if entry.count() == 0 or not entry.is_visible():
                self.unreached(page, text_key)
                return False
            click = entry.click
        leaving = self.look.handle_of(self.here)
        try:
            click()
        except (PlaywrightError, AssertionError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.report.unreached.append(Unreached(page, reason))
            return False
        ProbePage.wait_gone(leaving, self.ctx.navigation_timeout_ms)
        self.here, self.at = expected_for(self.profile, page), page
        return True

    def home(self) -> bool:
        # Clicking 首页 on 首页 changes nothing: waiting for the page to go would only time out.
        return self.at == "home" or self.go("home", "home")

    def run(self) -> None:
        # Arrival may land anywhere in the application: 首页 is the way to start as a person would.
        for page, part in (
            ("home", self._home),
            ("entity", self._entity),
            ("filings", self._filings),
            ("drafts", self._drafts),
            ("wizard", self._wizards),
            ("products", self._products),
        ):
            # A page that cannot be reached or read is reported; the walk goes on with the next one.
            try:
                part()
            except _UNREADABLE as exc:
                reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                self.report.unreached.append(Unreached(page, reason))
                self.at = ""
                with contextlib.suppress(*_UNREADABLE):
                    self.home()
        self._not_checked()

    # -- the parts ------------------------------------------------------------------------------------
    def _home(self) -> None:
        self.home()
        self.check("home")
        self.check("header", wait=False)
        if self.look.open_menu():
            self.check("header_menu", wait=False)
            self.look.close_menu()
        else:
            self.report.unreached.append(Unreached("header_menu", "the entity-name dropdown did not open"))

    def _entity(self) -> None:
        if self.go("entity", "home_entity"):
            self.check("entity")
            if self.look.has_editable_form():
                self.check("entity_form", wait=False)
            self.home()

    def _filings(self) -> None:
        if self.go("filings", "home_filings"):
            self.check("filings")
            if self.look.rows():
                self.check("filings_listed", wait=False)

    def _to_drafts(self) -> bool:
        """Open 草稿箱: with 备案信息's own button when it is on screen, else from the header's dropdown."""
        button = self.look.button("drafts").filter(visible=True)
        if button.count() > 0:
            return self.go("drafts", "drafts", button.first.click)
        if not self.look.open_menu():
            self.report.unreached.append(Unreached("drafts", "the entity-name dropdown did not open"))
            return False
        item = self.shell.entry(self.profile.text("drafts"))
        if item.count() == 0:
            self.look.close_menu()
            self.unreached("drafts", "drafts")
            return False
        return self.go("drafts", "drafts", item.click)

    def _drafts(self) -> None:
        if not self._to_drafts():
            return
        self.check("drafts")
        self.drafts = self.look.rows()
        if self.drafts:
            self.check("drafts_listed", wait=False)

    def _wizards(self) -> None:
        """The wizard through each draft of another role or step, else through 新增备案 if allowed."""
        if self.drafts is None:
            return  # 草稿箱 could not be read: already reported
        if self.drafts:
            self._through_drafts(self.drafts)
        elif self.open_wizard:
            self._through_new_filing()

    def _through_drafts(self, rows: list[dict[str, str]]) -> None:
        role_column, step_column = self.profile.column("role"), self.profile.column("current_step")
        opened: set[tuple[str, str]] = set()
        for index, row in enumerate(rows):
            kind = (row.get(role_column, ""), row.get(step_column, ""))
            if kind in opened:
                continue
            opened.add(kind)
            if index > 0 and not self._to_drafts():
                return
            if index > 0:
                self.look.rows()  # the list has loaded again before a row is picked
            button = self.look.row_button(index, "continue_draft")
            if button.count() == 0:
                self.unreached("wizard", "continue_draft")
                return
            if self.go("wizard", "continue_draft", button.first.click):
                self._wizard(kind[0])

    def _through_new_filing(self) -> None:
        self.home()
        if not self.go("filings", "home_filings"):
            return
        button = self.look.button("new_filing").filter(visible=True)
        if button.count() == 0:
            self.unreached("wizard", "new_filing")
            return
        self.look.rows()  # the list has loaded: the click is the only thing that may write now
        self.report.new_filing = NewFiling(drafts_before=len(self.drafts or []))
        try:
            self.new_filing_window = True
            try:
                reached = self.go("wizard", "new_filing", button.first.click)
                if reached:
                    self.look.wait_for_any(
                        expected_for(self.profile, "wizard"), self.ctx.navigation_timeout_ms
                    )
            finally:
                self.new_filing_window = False
            if reached:
                self._wizard("")
        finally:
            # Whatever happened in the wizard, 草稿箱 tells whether the click left a draft behind.
            with contextlib.suppress(*_UNREADABLE):
                self.home()
                self._drafts_after()

    def _drafts_after(self) -> None:
        """草稿箱 read again after 新增备案: a draft that was not there before is reported."""
        record = self.report.new_filing
        assert record is not None
        if not self._to_drafts():
            return
        after = self.look.rows()
        before = Counter(_row_text(row) for row in self.drafts or [])
        record.drafts_after = len(after)
        record.new_drafts = list((Counter(_row_text(row) for row in after) - before).elements())

    def _wizard(self, role: str) -> None:
        self.check("wizard")
        roles = self.profile.options("role")
        step = self.look.current_step()
        if step not in (1, 2, 3, 4):
            self.report.unreached.append(Unreached("wizard_step", "the stepper shows no current step"))
            return
        if role not in roles:
            # A filing whose role is not chosen yet: only step 1 asks it. Choosing is not saving.
            if step != 1:
                self.report.unreached.append(Unreached("wizard", f"the draft at step {step} shows no role"))
                return
            for choice in roles:
                if not self.look.choose_role(choice):
                    self.report.unreached.append(
                        Unreached(self._role_page(choice), "step 1 has no 角色 choice")
                    )
                    continue
                self.check(self._role_page(choice), wait=False)
        else:
            self.check(self._role_page(role), wait=False)
        if step == 2:
            self.look.open_sections()
        self.check(self._step_page(step, role if role in roles else roles[0]), wait=False)

    def _products(self) -> None:
        self.home()
        if self.go("products", "home_products"):
            self.check("products")
            if self.look.has_table():
                self.check("products_listed", wait=False)

    # -- what was not looked at -----------------------------------------------------------------------
    def _role_page(self, role: str) -> str:
        return "wizard_supporter" if role == self.profile.options("role")[-1] else "wizard_provider"

    def _step_page(self, step: int, role: str) -> str:
        if step != 3:
            return f"wizard_step{step}"
        return (
            "wizard_step3_supporter" if role == self.profile.options("role")[-1] else "wizard_step3_provider"
        )

    def _not_checked(self) -> None:
        """Every wizard page not looked at, with why: the report says what this probe did not prove."""
        tried = {*self.report.pages, *(u.page for u in self.report.unreached)}
        if self.drafts is None:
            why = f"{self.profile.text('drafts')} could not be read"
        elif any(u.page == "wizard" for u in self.report.unreached):
            why = "the wizard could not be reached"
        elif not self.drafts and not self.open_wizard:
            text = self.profile.text
            why = (
                f"no draft in {text('drafts')} to open with {text('continue_draft')}; "
                f"--open-wizard starts one with {text('new_filing')} without saving it"
            )
        else:
            why = ""
        for page in _WIZARD_PAGES:
            if page in tried:
                continue
            reason = why or self._why_not(page)
            self.report.not_checked.append(Unreached(page, reason))

    def _why_not(self, page: str) -> str:
        roles = self.profile.options("role")
        wanted = [
            (role, step)
            for role in roles
            for step in (1, 2, 3, 4)
            if page in ("wizard", self._role_page(role), self._step_page(step, role))
        ]
        steps = sorted({step for _, step in wanted})
        who = sorted({role for role, _ in wanted}, key=roles.index)
        return f"no draft at step {'/'.join(map(str, steps))} as {'/'.join(who)}; {_NEVER_CLICKED}"


def run_probe(
    settings: Settings, account_name: str, *, open_wizard: bool = False, browser: Browser | None = None
) -> ProbeReport:
    """Walk the portal as ``account_name``; raises ``LoginRequired``/``PortalUnreachable`` (exit 3/4).

    ``open_wizard``: with no draft in 草稿箱, click 新增备案 to look at the wizard (never saved; the
    portal may create an empty draft, which the report then lists).
    """
    profile = settings.profile()
    check_profile(profile)
    report = ProbeReport(account=account_name, portal_url=settings.portal.base_url)
    with launched(settings, given=browser) as live:
        report.browser_version = live.version
        _log.info("probe_started", account=account_name, browser_version=live.version)
        with portal_session(live, settings, account_name) as session:
            session.open()
            progress.stage_started(Stage.LOGIN)
            session.arrive()
            progress.stage_done(Stage.LOGIN)
            walk = _Walk(session.ctx, report, open_wizard=open_wizard)
            session.page.on("request", walk.watch)
            walk.run()
    _log.info("probe_finished", missing=len(report.missing), unreached=len(report.unreached))
    return report
