"""The sequence a careful person follows for one filing, with a checkpoint after every saved step."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from agent import progress
from agent.bundle import Bundle, FormEntry, label_of
from agent.bundle.facts import bundle_facts
from agent.bundle.models import TechnicalService
from agent.errors import (
    AmbiguousSubmission,
    DuplicateDrafts,
    ReadBackMismatch,
    SubmissionNotConfirmed,
    TransientPortalError,
)
from agent.progress import Stage
from agent.redact import redact_text
from agent.result import FieldCheck, RunError, Until
from agent.run.arrival import arrive
from agent.run.context import RunContext
from agent.run.decide import CREATING, Action, ProfileStatuses, decide
from agent.run.outcome import FilingOutcome
from agent.run.retry import transient_retry
from agent.state.backend import clear_session
from agent.state.ledger import Checkpoint
from agent.status import LedgerStatus, PortalState, RunStatus, portal_state, portal_text
from flows.pages.entity import EntityPage, display_text
from flows.pages.filings import FilingsPage
from flows.pages.products import ProductsPage
from flows.pages.review import ReviewListPage
from flows.pages.shell import Shell
from flows.pages.wizard import FieldReadBack, StepRejected, WizardPage

__all__ = ["FilingFlow"]

T = TypeVar("T")
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


def _differences(
    entries: list[FormEntry], shown: dict[str, str], on_screen: Callable[[str], str]
) -> list[tuple[FormEntry, str]]:
    """Text entries whose value the page shows differently (yes/no and lists are drawn otherwise)."""
    return [
        (e, shown[on_screen(e.label)])
        for e in entries
        if isinstance(e.value, str) and e.value and shown.get(on_screen(e.label), e.value) != e.value
    ]


class FilingFlow:
    """The new filing (新增备案), from arrival to 确认提交 (and 提交 when the operator asked for it)."""

    def __init__(self, run: RunContext) -> None:
        self.bundle: Bundle = run.bundle
        self.settings, self.options, self.ctx = run.settings, run.options, run.page
        self.ledger, self.run_id, self.key = run.ledger, run.run_id, run.bundle_key
        self.evidence, self.trace = run.evidence, run.trace
        self.outcome = FilingOutcome()
        self.profile = self.ctx.profile
        self.shell = Shell(self.ctx)
        self.name = self.bundle.filing.algorithm.name
        self.hash = self.bundle.content_hash()
        self.bundle_facts = bundle_facts(self.bundle)
        self.entity_done = False
        self.products_done = False
        self.log = run.logger

    # -- bookkeeping -----------------------------------------------------------------------------
    def _checkpoint(
        self, checkpoint: str, status: LedgerStatus, *, filed: bool = True, **fields: str | None
    ) -> None:
        """Record ``checkpoint``. ``filed``: the draft now holds this bundle's content, so its hash is
        recorded; 主体信息 and products are not the draft, and recording the hash there would make an
        edited bundle look filed already (its draft would never be refilled)."""
        if filed:
            fields = {"content_hash": self.hash, **fields}
        self.ledger.record_checkpoint(
            self.key,
            self.run_id,
            checkpoint,
            status,
            account=self.bundle.account,
            algorithm_name=self.name,
            evidence_dir=str(self.evidence.path.resolve()),
            **self.bundle_facts,
            **fields,
        )
        self.outcome.step_reached = checkpoint
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
        clear_session(self.settings, self.bundle.account)

    # -- the run ---------------------------------------------------------------------------------
    def run(self) -> FilingOutcome:
        """File the bundle; may be called again (after a new login) and picks up where it stopped."""
        self._arrive()
        if self.bundle.filing.entity is not None and not self.entity_done:
            self._entity()
        if self.bundle.is_provider and not self.products_done:
            self._products()
        self.trace.resume()
        self._filing()
        return self.outcome

    def _arrive(self) -> None:
        progress.stage_started(Stage.LOGIN)
        logged_in = arrive(self.ctx, self.settings, self.bundle.account, before_password=self.trace.pause)
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
                        self.outcome.warnings.append(
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
            self._saved_as_filled(page.saved_differences(sections), personal=True)
        self.entity_done = True
        self._checkpoint(Checkpoint.ENTITY, LedgerStatus.RUNNING, filed=False)
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
            self._saved_as_filled(
                _differences(self.bundle.fields(base), page.saved_product(product.name), self.profile.label)
            )
            for j, path in enumerate(product.paths):
                here = f"{base}.paths[{j}]"
                add_path = partial(page.ensure_path, product.name, path.path, self.bundle.fields(here))
                self._retry("添加功能访问路径", add_path)
                for k, function in enumerate(path.functions):
                    fields = self.bundle.fields(f"{here}.functions[{k}]")
                    add = partial(page.ensure_function, product.name, path.path, function.name, fields)
                    self._retry("添加功能", add)
                    saved = page.saved_function(product.name, path.path, function.name)
                    self._saved_as_filled(_differences(fields, saved, self.profile.label))
        self.products_done = True
        self._checkpoint(Checkpoint.PRODUCTS, LedgerStatus.RUNNING, filed=False)
        progress.stage_done(Stage.PRODUCTS)
        self.shell.go_home()

    # -- the filing itself -----------------------------------------------------------------------
    def _filing(self) -> None:
        self.shell.open_entry("home_filings")
        filings = FilingsPage(self.ctx)
        entry = self.ledger.get(self.key)
        statuses = ProfileStatuses(
            portal_text(PortalState.DRAFT, self.profile),
            self.profile.message("empty_value"),
            portal_text(PortalState.RETURNED, self.profile),
        )
        decision = decide(filings.rows(), entry, self.name, statuses)
        self.log.info("filing_decision", action=decision.action.value)
        if decision.action in (Action.ALREADY_SUBMITTED, Action.SUBMITTED):
            self._already_submitted(decision.action is Action.SUBMITTED)
            return
        if decision.release_submitting:
            # The portal still lists it as a draft: the earlier 提交 did not go through.
            self.ledger.release(
                self.key, self.run_id, "portal lists the filing as a draft after an unclear 提交"
            )
        if decision.action is Action.DUPLICATE_DRAFTS:
            raise DuplicateDrafts(
                f"草稿箱 holds {decision.drafts} drafts named {self.name!r}; delete all but one"
            )
        if decision.action is Action.CONTINUE_RETURNED:
            ReviewListPage(self.ctx).edit_returned(self.name)  # the same filing, corrected
        elif decision.draft_name is not None:
            filings.open_drafts()
            filings.continue_draft(decision.draft_name)
        else:
            self._checkpoint("creating", LedgerStatus.RUNNING, draft_ref=CREATING)
            filings.new_filing()
        self._wizard(entry is not None and entry.content_hash == self.hash)

    def _already_submitted(self, by_us: bool) -> None:
        self._checkpoint(
            Checkpoint.SUBMITTED, LedgerStatus.SUBMITTED if by_us else LedgerStatus.ALREADY_SUBMITTED
        )
        self.outcome.status = RunStatus.SUBMITTED if by_us else RunStatus.ALREADY_SUBMITTED
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
                self._read_back_failed(wrong, f"step{step}")
            self._screenshot(f"step{step}")
            stop_here = step == 3 and self.options.until is Until.DRAFT
            if stop_here or not wizard.next_saves:
                self._retry("保存至草稿箱", wizard.save_draft)
            if not stop_here:
                # 下一步 saves the step as 保存至草稿箱 does: the portal's answer to it is the checkpoint.
                self._next_or_keep(wizard, step)
            self._checkpoint(f"step{step}", LedgerStatus.SAVED, draft_ref=self.name)
            progress.stage_done(Stage(f"step{step}"))
            if stop_here:
                self.outcome.status = RunStatus.SAVED
                return
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

    def _saved_as_filled(self, wrong: list[tuple[FormEntry, str]], *, personal: bool = False) -> None:
        """Stop before anything is filed on top of a value the portal changed when it saved it."""
        if not wrong:
            return
        sep = self.profile.message("list_separator")
        for entry, shown in wrong:
            expected = display_text(entry.value, sep)
            message = (
                "the portal saved a different value (personal data: not shown)"
                if personal
                else f"the portal saved {redact_text(shown)!r}, the bundle has {redact_text(expected)!r}"
            )
            self.outcome.read_back_errors.append(RunError(message, entry.path, entry.label, "read_back"))
        first, shown = wrong[0]
        raise ReadBackMismatch(first.path, first.label, first.value, shown, personal=personal)

    def _read_back_failed(self, wrong: list[FieldReadBack], page: str | None = None) -> None:
        sep = self.profile.message("list_separator")
        for w in wrong:
            if page is not None:
                shown = display_text(w.actual, sep)
                self.outcome.fields.append(
                    FieldCheck(page, w.path, w.label, display_text(w.expected, sep), shown, False)
                )
            self.outcome.read_back_errors.append(
                RunError(
                    f"the page shows {w.actual!r}, the bundle says {w.expected!r}",
                    w.path,
                    w.label,
                    "read_back",
                )
            )
        first = wrong[0]
        raise ReadBackMismatch(first.path, first.label, first.expected, first.actual)

    def _next_or_keep(self, wizard: WizardPage, step: int) -> None:
        """下一步; refused (a field the portal requires), the step is kept in 草稿箱 before stopping."""
        try:
            self._next(wizard, step)
        except StepRejected:
            if wizard.next_saves:
                self._retry("保存至草稿箱", wizard.save_draft)
            self._checkpoint(f"step{step}", LedgerStatus.SAVED, draft_ref=self.name)
            raise

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
        for entry in self._summary_entries():
            label = self.profile.label(entry.label)
            expected = display_text(entry.value, sep)
            ok = None if label not in shown else shown[label].startswith(expected)
            self.outcome.fields.append(
                FieldCheck("confirm", entry.path, label, expected, shown.get(label), ok)
            )
            if ok is False:
                wrong.append(FieldReadBack(entry.path, entry.label, expected, shown[label]))
        if wrong:
            self._read_back_failed(wrong)
        self._checkpoint(Checkpoint.CONFIRM, LedgerStatus.READY, draft_ref=self.name)
        self._screenshot("confirm")
        self.outcome.status = RunStatus.READY
        progress.stage_done(Stage.STEP4)
        if self.options.submit:
            self._submit(wizard)

    def _summary_entries(self) -> list[FormEntry]:
        """The bundle's fields the confirmation page (and 查看) show, in their order."""
        entries: list[FormEntry] = self.bundle.fields("algorithm")
        for _, path in _STEP2:
            entries += self.bundle.fields(path)
        if self.bundle.is_supporter:
            entries += [e for e in self.bundle.fields("technical_service") if e.kind != "rows"]
        return entries

    def _submit(self, wizard: WizardPage) -> None:
        if not self.options.confirm_truthful:
            raise SubmissionNotConfirmed(
                "提交 needs --confirm-truthful: the operator attests the content is true"
            )
        progress.stage_started(Stage.SUBMIT)
        self.ledger.mark_submitting(self.key, self.run_id, evidence_dir=str(self.evidence.path.resolve()))
        wizard.tick_commitment()
        progress.action(self.profile.text("submit"))
        try:
            wizard.submit()
        except TransientPortalError as exc:
            self.log.warning("submit_unclear", error=str(exc))
        self.shell.go_home()
        self.shell.open_entry("home_filings")
        rows = [r for r in FilingsPage(self.ctx).rows() if r.name == self.name]
        # Still editable (a draft, a returned filing, a 变更 in progress): 提交 did not go through.
        editable = {PortalState.DRAFT, PortalState.RETURNED, PortalState.CHANGING}
        if any(portal_state(r.status, self.profile) not in editable for r in rows):
            self._checkpoint(Checkpoint.SUBMITTED, LedgerStatus.SUBMITTED)
            self.outcome.status = RunStatus.SUBMITTED
            self._screenshot("submitted")
            progress.stage_done(Stage.SUBMIT)
            return
        raise AmbiguousSubmission(
            f"提交 of {self.name!r} was clicked but the portal does not list it as submitted"
        )
