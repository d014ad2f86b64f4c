"""The sequence a careful person follows for one filing, with a checkpoint after every saved step."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, TypeVar

import structlog

from agent import progress
from agent.bundle import Bundle, FormEntry, label_of
from agent.bundle.models import TechnicalService
from agent.errors import (
    AmbiguousSubmission,
    BeianError,
    ReadBackMismatch,
    SubmissionNotConfirmed,
    TransientPortalError,
)
from agent.exit_codes import ExitCode
from agent.progress import Stage
from agent.result import RunError, RunResult, RunStatus, Until
from agent.run.arrival import arrive
from agent.run.retry import transient_retry
from agent.state import session_store
from agent.state.ledger import Checkpoint, Ledger, Status
from flows.pages.base import PageContext
from flows.pages.entity import EntityPage, display_text
from flows.pages.filings import FilingRow, FilingsPage
from flows.pages.products import ProductsPage
from flows.pages.shell import Shell
from flows.pages.wizard import FieldReadBack, WizardPage

if TYPE_CHECKING:
    from agent.run.evidence import EvidenceDir
    from agent.run.runner import RunOptions
    from agent.run.trace import TraceRecorder
    from agent.settings import Settings

__all__ = ["DuplicateDrafts", "FilingFlow"]

T = TypeVar("T")
_log = structlog.get_logger(__name__)
_CREATING = "creating"  # draft_ref while 新增备案 may have made a draft that has no name yet
_STEP2 = (
    ("algorithm_data", "algorithm.data"),
    ("algorithm_model", "algorithm.model"),
    ("algorithm_strategy", "algorithm.strategy"),
    ("algorithm_risk", "algorithm.risk"),
)
_ENTITY = (
    ("entity_basic", "entity"),
    ("entity_certificate", "entity.certificate"),
    ("entity_legal_representative", "entity.legal_representative"),
    ("entity_security_officer", "entity.security_officer"),
    ("entity_attachments", "entity.attachments"),
)


class DuplicateDrafts(BeianError):
    exit_code = ExitCode.NEEDS_PERSON


class FilingFlow:
    def __init__(
        self,
        bundle: Bundle,
        settings: Settings,
        options: RunOptions,
        ctx: PageContext,
        ledger: Ledger,
        run_id: str,
        key: str,
        evidence: EvidenceDir,
        result: RunResult,
        trace: TraceRecorder,
    ) -> None:
        self.bundle, self.settings, self.options, self.ctx = bundle, settings, options, ctx
        self.ledger, self.run_id, self.key = ledger, run_id, key
        self.evidence, self.result, self.trace = evidence, result, trace
        self.profile = ctx.profile
        self.shell = Shell(ctx)
        self.name = bundle.filing.algorithm.name
        self.hash = bundle.content_hash()
        self.entity_done = False
        self.products_done = False
        self.log = _log.bind(bundle=bundle.directory.name, account=bundle.account, run_id=run_id)

    # -- bookkeeping -----------------------------------------------------------------------------
    def _checkpoint(self, checkpoint: str, status: Status, **fields: str | None) -> None:
        self.ledger.record_checkpoint(
            self.key,
            self.run_id,
            checkpoint,
            status,
            content_hash=self.hash,
            account=self.bundle.account,
            algorithm_name=self.name,
            **fields,
        )
        self.result.step_reached = checkpoint
        self.log.info("checkpoint", checkpoint=checkpoint, status=status.value)

    def _screenshot(self, step: str, *, personal: bool = False) -> None:
        page = self.ctx.page
        # Form values on personal pages are masked in the picture: ID numbers, phones, names.
        mask = [page.locator("input, textarea, td")] if personal else []
        page.screenshot(path=str(self.evidence.screenshot_path(step)), full_page=True, mask=mask)

    def _retry(self, what: str, action: Callable[[], T]) -> T:
        progress.action(what)
        return transient_retry(self.settings.retry, what)(action)

    def forget_session(self) -> None:
        account = self.settings.account(self.bundle.account)
        if account is not None and account.session_file is not None:
            session_store.clear(account.session_file)

    # -- the run ---------------------------------------------------------------------------------
    def run(self) -> None:
        self._arrive()
        if self.bundle.filing.entity is not None and not self.entity_done:
            self._entity()
        if self.bundle.is_provider and not self.products_done:
            self._products()
        self.trace.resume()
        self._filing()

    def _arrive(self) -> None:
        progress.stage_started(Stage.LOGIN)
        home_entry = self.shell.entry(self.profile.text("home_filings"))
        logged_in = arrive(
            self.ctx, self.settings, self.bundle.account, landing=home_entry, before_password=self.trace.pause
        )
        if not logged_in:
            self.shell.go_home()
        progress.stage_done(Stage.LOGIN)

    def _entity(self) -> None:
        progress.stage_started(Stage.ENTITY)
        self.shell.open_entry("home_entity")
        page = EntityPage(self.ctx)
        sections = [(key, self.bundle.fields(path)) for key, path in _ENTITY]
        self.trace.pause()  # ID numbers and phone numbers: kept out of traces
        if page.is_filed():
            shown = page.filed_values(sections)
            sep = self.profile.message("list_separator")
            for _, entries in sections:
                for entry in entries:
                    if entry.path in shown and shown[entry.path] != display_text(entry.value, sep):
                        self.result.warnings.append(
                            RunError(
                                "主体信息 on the portal differs from the bundle",
                                entry.path,
                                entry.label,
                                "entity",
                            )
                        )
        else:
            wrong = self._retry("fill 主体信息", partial(page.fill, sections))
            if wrong:
                raise ReadBackMismatch(wrong[0], "主体信息", "(bundle value)", "(page value)", personal=True)
            self._screenshot("entity", personal=True)
            self._retry("submit 主体信息", page.ensure_submitted)
        self.entity_done = True
        self._checkpoint(Checkpoint.ENTITY, Status.RUNNING)
        progress.stage_done(Stage.ENTITY)
        self.shell.go_home()

    def _products(self) -> None:
        products = self.bundle.filing.products
        assert products is not None
        progress.stage_started(Stage.PRODUCTS)
        self.shell.open_entry("home_products")
        page = ProductsPage(self.ctx)
        page.wait_loaded()
        for i, product in enumerate(products.define):
            base = f"products.define[{i}]"
            # Each ensure_* looks before it adds, so a retry after a lost answer never adds twice.
            self._retry("新增产品", partial(page.ensure_product, product.name, self.bundle.fields(base)))
            for j, path in enumerate(product.paths):
                here = f"{base}.paths[{j}]"
                add_path = partial(page.ensure_path, product.name, path.path, self.bundle.fields(here))
                self._retry("添加功能访问路径", add_path)
                for k, function in enumerate(path.functions):
                    fields = self.bundle.fields(f"{here}.functions[{k}]")
                    add = partial(page.ensure_function, product.name, path.path, function.name, fields)
                    self._retry("添加功能", add)
        self.products_done = True
        self._checkpoint(Checkpoint.PRODUCTS, Status.RUNNING)
        progress.stage_done(Stage.PRODUCTS)
        self.shell.go_home()

    # -- the filing itself -----------------------------------------------------------------------
    def _filing(self) -> None:
        self.shell.open_entry("home_filings")
        filings = FilingsPage(self.ctx)
        rows = filings.rows()
        entry = self.ledger.get(self.key)
        mine = [r for r in rows if r.name == self.name]
        draft = self.profile.message("status_draft")
        if any(r.status != draft for r in mine):
            self._already_submitted(entry is not None and entry.status is Status.SUBMITTING)
            return
        if entry is not None and entry.status is Status.SUBMITTING:
            # The portal still lists it as a draft: the earlier 提交 did not go through.
            self.ledger.release(
                self.key, self.run_id, "portal lists the filing as a draft after an unclear 提交"
            )
        drafts = [r for r in mine if r.status == draft]
        if len(drafts) > 1:
            raise DuplicateDrafts(
                f"草稿箱 holds {len(drafts)} drafts named {self.name!r}; delete all but one"
            )
        if drafts:
            filings.open_drafts()
            filings.continue_draft(self.name)
        elif entry is not None and entry.draft_ref == _CREATING and (orphan := self._unnamed(rows, draft)):
            filings.open_drafts()
            filings.continue_draft(orphan.name)
        else:
            self._checkpoint("creating", Status.RUNNING, draft_ref=_CREATING)
            filings.new_filing()
        self._wizard(entry is not None and entry.content_hash == self.hash)

    def _unnamed(self, rows: list[FilingRow], draft: str) -> FilingRow | None:
        empty = self.profile.message("empty_value")
        unnamed = [r for r in rows if r.status == draft and r.name in ("", empty)]
        return unnamed[0] if len(unnamed) == 1 else None

    def _already_submitted(self, was_submitting: bool) -> None:
        status = Status.SUBMITTED if was_submitting else Status.ALREADY_SUBMITTED
        self._checkpoint(Checkpoint.SUBMITTED, status)
        self.result.status = RunStatus.SUBMITTED if was_submitting else RunStatus.ALREADY_SUBMITTED
        self.result.exit_code = ExitCode.OK
        self.log.info("already_submitted")

    def _wizard(self, same_bundle: bool) -> None:
        wizard = WizardPage(self.ctx)
        step = wizard.current_step()
        if step > 1 and not same_bundle:
            # A draft from an older version of this bundle (or from a person): check every step again.
            while step > 1:
                wizard.previous(step)
                step -= 1
        while step < 4:
            progress.stage_started(Stage(f"step{step}"))
            # Filling is safe to repeat (uploads already listed are kept): a failed upload fills again.
            wrong = self._retry(f"fill step {step}", partial(self._fill_step, wizard, step))
            if wrong:
                self._read_back_failed(wrong)
            self._retry("保存至草稿箱", wizard.save_draft)
            self._checkpoint(f"step{step}", Status.SAVED, draft_ref=self.name)
            self._screenshot(f"step{step}")
            progress.stage_done(Stage(f"step{step}"))
            if step == 3 and self.options.until is Until.DRAFT:
                self.result.status, self.result.exit_code = RunStatus.SAVED, ExitCode.OK
                return
            self._next(wizard, step)
            step += 1
        self._confirm(wizard)

    def _fill_step(self, wizard: WizardPage, step: int) -> list[FieldReadBack]:
        if step == 1:
            return wizard.fill_entries(self.bundle.fields("algorithm"))
        if step == 2:
            wrong: list[FieldReadBack] = []
            for key, path in _STEP2:
                wrong += wizard.fill_section(key, self.bundle.fields(path))
            return wrong
        if self.bundle.is_provider:
            return self._tick_products(wizard)
        placeholders = self.profile.placeholder
        rows = {
            label_of(TechnicalService, "access"): (placeholders("access_type"), placeholders("access_url")),
            label_of(TechnicalService, "objects"): (placeholders("service_object"),),
        }
        return wizard.fill_entries(self.bundle.fields("technical_service"), rows=rows)

    def _tick_products(self, wizard: WizardPage) -> list[FieldReadBack]:
        products = self.bundle.filing.products
        assert products is not None
        wanted = {tuple(p for p in (s.product, s.path, s.function) if p) for s in products.select}
        should, does = wizard.tick_products(sorted(wanted))
        if should == does and should:
            return []
        label = label_of(type(products), "select")
        return [FieldReadBack("products.select", label, sorted(should), sorted(does))]

    def _read_back_failed(self, wrong: list[FieldReadBack]) -> None:
        for w in wrong:
            self.result.errors.append(
                RunError(
                    f"the page shows {w.actual!r}, the bundle says {w.expected!r}",
                    w.path,
                    w.label,
                    "read_back",
                )
            )
        first = wrong[0]
        raise ReadBackMismatch(first.path, first.label, first.expected, first.actual)

    def _next(self, wizard: WizardPage, step: int) -> None:
        def attempt() -> None:
            # A 下一步 whose answer was lost may have gone through: look before clicking again.
            if wizard.current_step() == step + 1:
                return
            wizard.next(step)

        self._retry("下一步", attempt)

    def _confirm(self, wizard: WizardPage) -> None:
        progress.stage_started(Stage.STEP4)
        shown = wizard.confirmation_pairs()
        sep = self.profile.message("list_separator")
        wrong: list[FieldReadBack] = []
        entries: list[FormEntry] = self.bundle.fields("algorithm")
        for _, path in _STEP2:
            entries += self.bundle.fields(path)
        if self.bundle.is_supporter:
            entries += [e for e in self.bundle.fields("technical_service") if e.kind != "rows"]
        for entry in entries:
            label = self.profile.label(entry.label)
            expected = display_text(entry.value, sep)
            if label in shown and not shown[label].startswith(expected):
                wrong.append(FieldReadBack(entry.path, entry.label, expected, shown[label]))
        if wrong:
            self._read_back_failed(wrong)
        self._checkpoint(Checkpoint.CONFIRM, Status.READY, draft_ref=self.name)
        self._screenshot("confirm")
        self.result.status, self.result.exit_code = RunStatus.READY, ExitCode.OK
        progress.stage_done(Stage.STEP4)
        if self.options.submit:
            self._submit(wizard)

    def _submit(self, wizard: WizardPage) -> None:
        if not self.options.confirm_truthful:
            raise SubmissionNotConfirmed(
                "提交 needs --confirm-truthful: the operator attests the content is true"
            )
        progress.stage_started(Stage.SUBMIT)
        self.ledger.mark_submitting(self.key, self.run_id)
        wizard.tick_commitment()
        try:
            wizard.submit()
        except TransientPortalError as exc:
            self.log.warning("submit_unclear", error=str(exc))
        self.shell.go_home()
        self.shell.open_entry("home_filings")
        rows = [r for r in FilingsPage(self.ctx).rows() if r.name == self.name]
        if any(r.status != self.profile.message("status_draft") for r in rows):
            self._checkpoint(Checkpoint.SUBMITTED, Status.SUBMITTED)
            self.result.status = RunStatus.SUBMITTED
            self._screenshot("submitted")
            progress.stage_done(Stage.SUBMIT)
            return
        raise AmbiguousSubmission(
            f"提交 of {self.name!r} was clicked but the portal does not list it as submitted"
        )
