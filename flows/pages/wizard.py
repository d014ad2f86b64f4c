"""The four-step wizard: stepper, 保存至草稿箱 / 上一步 / 下一步 / 提交, and the forms of each step."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from playwright.sync_api import Locator, expect

from agent.bundle import FormEntry
from agent.errors import PageRefused
from flows.pages.base import PortalPage, PortalRejected
from flows.pages.specs import spec_of
from flows.pages.tables import label_value_pairs
from flows.widgets import TreeDriver, exact_text, open_section
from flows.widgets.locate import READABLE_JS, form_item_anywhere, readable_line
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
        """Fill ``entries``, each found by its label anywhere in the step.

        The bundle says which section a field belongs to, but a site may draw it in another section of
        the same step: the section only narrows the search when the label shows up more than once.
        Where each label sits is read in one pass; each section is opened once for the fields in a row
        that sit in it (a site whose sections close each other is opened again when the section changes).
        """
        wrong: list[FieldReadBack] = []
        titles = self._sections_of([e.label for e in entries], section_key)
        opened: tuple[str, Locator] | None = None
        for entry, title in zip(entries, titles, strict=True):
            if opened is None or opened[0] != title:
                opened = (title, open_section(self.page, self.profile, title))
            wrong += self.fill_entries([entry], opened[1])
        return wrong

    def _sections_of(self, labels: Sequence[str], section_key: str) -> list[str]:
        """The title of the collapsible section that holds the one field labelled so (else the bundle's)."""
        if not labels:
            return []
        shown = [self.profile.label(label) for label in labels]
        with contextlib.suppress(AssertionError):
            # The step draws its form once its data arrives.
            expect(form_item_anywhere(self.page, shown[0], self.profile).first).to_be_attached()
        arg = {
            "labels": shown,
            "label": self.profile.selector("form_item_label"),
            "item": self.profile.selector("collapse_item"),
            "header": self.profile.selector("collapse_header"),
        }
        found: list[str | None] = self.page.evaluate(_SECTIONS_JS, arg)
        default = self.profile.section(section_key)
        return [readable_line(title) if title else default for title in found]

    def tick_products(self, paths: Sequence[tuple[str, ...]]) -> tuple[set[NodePath], set[NodePath]]:
        """Tick ``paths``; return the functions they should cover and the functions the ticks cover."""
        tree = TreeDriver(self.page, self.page.locator(self.profile.selector("tree")).first, self.profile)
        tree.tick_exactly(paths)
        nodes = tree.nodes()
        return covered_leaves(nodes, paths), {n.path for n in nodes if n.leaf and n.state == "checked"}

    # -- buttons ------------------------------------------------------------------------------
    def save_draft(self) -> None:
        self.call_portal(lambda: self.button("save_draft").click(), "保存至草稿箱", "save_draft")

    @property
    def next_saves(self) -> bool:
        """下一步 sends the step to the portal (on ``[site] route_next``), as 保存至草稿箱 does.

        Its answer then proves the step saved, and a separate 保存至草稿箱 before it would only save the
        same content twice. A profile with ``route_next = ""`` says the portal's 下一步 saves nothing.
        """
        return bool(self.profile.site.get("route_next"))

    def next(self, step: int) -> None:
        """下一步, done only when the portal accepted the step (if it saves) and the next step shows."""
        click = self.button("next").click
        try:
            if self.next_saves:
                self.call_portal(click, f"下一步 from step {step}", "next")
            else:
                self._move_on(click, step)
        except PortalRejected as exc:
            raise StepRejected(str(exc), self.field_errors()) from None
        self.wait_for_step(step + 1)

    def _move_on(self, click: Callable[[], None], step: int) -> None:
        """A 下一步 that sends nothing: the next step shows, or the page refuses with field messages."""
        seen = [m.strip() for m in self.refusals().all_inner_texts()]
        arg = {**self._stepper(), "target": step + 1, "refusal": self.refusal_css(), "seen": seen}
        click()
        self.page.wait_for_function(_MOVED_OR_REFUSED_JS, arg=arg, timeout=self.ctx.navigation_timeout_ms)
        if self.current_step() == step:
            messages = [m.strip() for m in self.refusals().all_inner_texts() if m.strip() not in seen]
            raise PageRefused(f"下一步 from step {step}: {'; '.join(messages)}", messages)

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


# For each label: the header text of the section holding the one form item it labels, else null. Texts
# compare as ``exact_text`` does: icon glyphs and whitespace ignored, a trailing colon allowed.
_SECTIONS_JS = f"""
(a) => {{
  const read = (t) => ({READABLE_JS})(t).replace(/[:：]$/, '');
  const labels = [...document.querySelectorAll(a.label)];
  return a.labels.map((wanted) => {{
    const items = labels.filter((l) => read(l.textContent) === read(wanted)).map((l) => l.parentElement);
    if (items.length !== 1) return null;
    const section = items[0].closest(a.item);
    const header = section && section.querySelector(a.header);
    return header ? header.innerText || header.textContent : null;
  }});
}}
"""

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

_MOVED_OR_REFUSED_JS = f"""
(s) => ({_STEP_JS})(s) === s.target
  || [...document.querySelectorAll(s.refusal)]
       .some((e) => e.offsetParent !== null && e.innerText.trim() && !s.seen.includes(e.innerText.trim()))
"""
