"""The four-step wizard: stepper, 保存至草稿箱 / 上一步 / 下一步 / 提交, and the forms of each step."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from playwright.sync_api import Locator, expect

from agent.bundle import FormEntry
from flows.pages.base import PortalPage, PortalRejected
from flows.pages.specs import spec_of
from flows.pages.tables import label_value_pairs
from flows.widgets import TreeDriver, exact_text, open_section
from flows.widgets.tree import NodePath, covered_leaves

__all__ = ["FieldReadBack", "StepRejected", "WizardPage"]


class StepRejected(PortalRejected):
    """下一步 was refused; ``messages`` are what the page shows under the fields."""

    def __init__(self, message: str, messages: list[str]) -> None:
        super().__init__(message)
        self.messages = messages


@dataclass(frozen=True)
class FieldReadBack:
    path: str
    label: str
    expected: object
    actual: object


class WizardPage(PortalPage):
    def _stepper(self) -> dict[str, object]:
        names = {1: ("basic",), 2: ("details",), 3: ("products", "technical_service"), 4: ("confirm",)}
        return {
            "title": self.profile.selector("step_title"),
            "current": self.profile.selector("step_current"),
            "finished": self.profile.selector("step_finished"),
            "names": [[step, [self.profile.step(k) for k in keys]] for step, keys in names.items()],
        }

    def current_step(self) -> int:
        """1–4 as the stepper shows it: the current title, else the number of finished steps plus one.

        The stepper may lose its current mark when its titles change (the role chosen on step 1 names
        step 3); the finished steps before it still tell where the wizard is.
        """
        self.page.wait_for_function(
            f"(s) => ({_STEP_JS})(s) > 0", arg=self._stepper(), timeout=self.ctx.navigation_timeout_ms
        )
        step: int = self.page.evaluate(_STEP_JS, self._stepper())
        return step

    def wait_for_step(self, step: int) -> None:
        """Wait until the wizard shows ``step`` with the button that moves on from it (下一步 or 提交)."""
        timeout = self.ctx.navigation_timeout_ms
        self.page.wait_for_function(
            f"(s) => ({_STEP_JS})(s) === {int(step)}", arg=self._stepper(), timeout=timeout
        )
        expect(self.button("next" if step < 4 else "submit")).to_be_visible(timeout=timeout)

    # -- filling ------------------------------------------------------------------------------
    def fill_entries(
        self,
        entries: Sequence[FormEntry],
        scope: Locator | None = None,
        rows: dict[str, tuple[str, ...]] | None = None,
    ) -> list[FieldReadBack]:
        """Fill each entry by its label, then read it back from the page."""
        form = self.ctx.form()
        wrong: list[FieldReadBack] = []
        for entry in entries:
            spec = spec_of(entry, (rows or {}).get(entry.label, ()))
            filled = form.fill_and_read(spec, scope)
            if not filled.matches:
                wrong.append(FieldReadBack(entry.path, entry.label, filled.expected, filled.actual))
        return wrong

    def fill_section(self, section_key: str, entries: Sequence[FormEntry]) -> list[FieldReadBack]:
        if not entries:
            return []
        scope = open_section(self.page, self.profile, self.profile.section(section_key))
        return self.fill_entries(entries, scope)

    def tick_products(self, paths: Sequence[tuple[str, ...]]) -> tuple[set[NodePath], set[NodePath]]:
        """Tick ``paths``; return the functions they should cover and the functions the ticks cover."""
        tree = TreeDriver(self.page, self.page.locator(self.profile.selector("tree")).first, self.profile)
        tree.tick_exactly(paths)
        nodes = tree.nodes()
        return covered_leaves(nodes, paths), {n.path for n in nodes if n.leaf and n.state == "checked"}

    # -- buttons ------------------------------------------------------------------------------
    def save_draft(self) -> None:
        self.call_portal(lambda: self.button("save_draft").click(), "保存至草稿箱", "save_draft")

    def next(self, step: int) -> None:
        try:
            self.call_portal(lambda: self.button("next").click(), f"下一步 from step {step}", "next")
        except PortalRejected as exc:
            raise StepRejected(str(exc), self.field_errors()) from None
        # Done only when the wizard shows the next step.
        self.wait_for_step(step + 1)

    def previous(self, step: int) -> None:
        # 上一步 may or may not save the step: nothing waits for a save, and nothing relies on one.
        self.button("previous").click()
        self.wait_for_step(step - 1)

    def field_errors(self) -> list[str]:
        errors = self.page.locator(self.profile.selector("form_item_error")).filter(visible=True)
        return [e.strip() for e in errors.all_inner_texts()]

    # -- step 4 -------------------------------------------------------------------------------
    def confirmation_pairs(self) -> dict[str, str]:
        pairs: dict[str, str] = {}
        for key in ("confirm_basic", "confirm_details", "technical_service"):
            title = self.page.get_by_text(exact_text(self.profile.section(key)))
            if title.count() == 0:
                continue
            table = title.first.locator("xpath=ancestor::*[.//table][1]").locator("table").first
            for label, value in label_value_pairs(table):
                pairs.setdefault(label, value)
        return pairs

    def tick_commitment(self) -> None:
        text = self.profile.text("commitment")
        box = self.page.locator(self.profile.selector("checkbox")).filter(has_text=exact_text(text))
        expect(box).to_have_count(1)
        if not box.locator("input[type=checkbox]").is_checked():
            box.click()
        expect(box.locator("input[type=checkbox]")).to_be_checked()

    def submit(self) -> None:
        self.call_portal(lambda: self.button("submit").click(), "提交", "submit", confirm=True)


_STEP_JS = """
(s) => {
  const titles = [...document.querySelectorAll(s.title)].filter((t) => t.offsetParent !== null);
  if (!titles.length) return 0;
  const current = titles.find((t) => t.matches(s.current));
  if (current) {
    const text = current.innerText.trim();
    for (const [step, names] of s.names) if (names.includes(text)) return step;
  }
  return titles.filter((t) => t.matches(s.finished)).length + 1;
}
"""
