"""``probe``: walk every portal page as a person would, without writing, and list the profile texts not seen.

The walk: home, the header and its entity-name dropdown, 主体信息, 备案信息, 草稿箱, the newest draft's
current step (opened with 继续填报; 上一步/下一步/保存至草稿箱 are never clicked, they save), and
产品及功能信息. What each page should show is data: the profile's ``[probe]`` table (see the shipped
``portal_profile.toml``). 新增备案 is looked at, never clicked: it creates a draft on the portal.
Every non-GET request to the portal's API after the login is recorded as a write; there should be none.
"""

from __future__ import annotations

import contextlib
import typing
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

__all__ = ["PAGES", "MissingText", "ProbeReport", "Unreached", "check_profile", "expected_for", "run_probe"]

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
class ProbeReport:
    account: str
    portal_url: str
    browser_version: str = ""
    pages: list[str] = field(default_factory=list)
    checked: int = 0
    missing: list[MissingText] = field(default_factory=list)
    unreached: list[Unreached] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)

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
            "writes": self.writes,
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
class _Walk:
    def __init__(self, ctx: PageContext, report: ProbeReport) -> None:
        self.ctx, self.report = ctx, report
        self.profile = ctx.profile
        self.look = ProbePage(ctx)
        self.shell = Shell(ctx)
        self.here: list[Expected] = []  # the texts of the page on screen, to see it go away

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
        self.here = expected_for(self.profile, page)
        return True

    def home(self) -> bool:
        return self.go("home", "home")

    def run(self) -> None:
        # Arrival may land anywhere in the application: 首页 is the way to start as a person would.
        for page, part in (
            ("home", self._home),
            ("entity", self._entity),
            ("filings", self._filings),
            ("products", self._products),
        ):
            # A page that cannot be reached or read is reported; the walk goes on with the next one.
            try:
                part()
            except _UNREADABLE as exc:
                reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                self.report.unreached.append(Unreached(page, reason))
                with contextlib.suppress(*_UNREADABLE):
                    self.home()

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
            if self.look.has_rows():
                self.check("filings_listed", wait=False)
            self._drafts()
            self.home()

    def _products(self) -> None:
        if self.go("products", "home_products"):
            self.check("products")
            if self.look.has_table():
                self.check("products_listed", wait=False)

    def _drafts(self) -> None:
        drafts_button = self.look.button("drafts")
        if drafts_button.count() == 0:
            self.unreached("drafts", "drafts")
            return
        if not self.go("drafts", "drafts", drafts_button.first.click):
            return
        self.check("drafts")
        if not self.look.has_rows():
            return  # no draft to look into: the wizard is not checked
        self.check("drafts_listed", wait=False)
        role = self.look.first_row().get(self.profile.column("role"), "")
        button = self.look.first_row_button("continue_draft")
        if button.count() == 0:
            self.unreached("wizard", "continue_draft")
            return
        if self.go("wizard", "continue_draft", button.first.click):
            self._wizard(role)

    def _wizard(self, role: str) -> None:
        self.check("wizard")
        supporter = role == self.profile.options("role")[-1]
        self.check("wizard_supporter" if supporter else "wizard_provider", wait=False)
        step = self.look.current_step()
        if step not in (1, 2, 3, 4):
            self.report.unreached.append(Unreached("wizard_step", "the stepper shows no current step"))
            return
        if step == 2:
            self.look.open_sections()
        name = f"wizard_step{step}" + ("" if step != 3 else "_supporter" if supporter else "_provider")
        self.check(name, wait=False)


def run_probe(settings: Settings, account_name: str, *, browser: Browser | None = None) -> ProbeReport:
    """Walk the portal as ``account_name``; raises ``LoginRequired``/``PortalUnreachable`` (exit 3/4)."""
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

            def watch(request: Request) -> None:
                if request.method not in _READS and profile.site["api_prefix"] in request.url:
                    report.writes.append(f"{request.method} {request.url}")

            session.page.on("request", watch)
            _Walk(session.ctx, report).run()
    _log.info("probe_finished", missing=len(report.missing), unreached=len(report.unreached))
    return report
