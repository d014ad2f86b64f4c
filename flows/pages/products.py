"""产品及功能信息 (figure 8): products, their 功能访问路径 and the 功能 under each path.

Only what is missing is added; what exists is left as it is (other filings may depend on it).
"""

from __future__ import annotations

from collections.abc import Sequence

from playwright.sync_api import Locator, expect

from agent.bundle import FormEntry
from agent.errors import PortalError
from flows.pages.base import PortalPage
from flows.pages.specs import spec_of
from flows.pages.tables import label_value_pairs, list_rows
from flows.widgets import exact_text
from flows.widgets.gone import until_gone

__all__ = ["ProductsPage"]


class ProductsPage(PortalPage):
    def _block(self, name: str, button_key: str, scope: Locator | None = None) -> Locator:
        """The widest block around the text ``name`` that holds exactly one ``button_key`` button.

        A product card's header holds its 添加功能访问路径 button but not its paths, so the smallest block
        is too small; the widest one with a single such button is the whole card, whatever draws it.
        """
        where = scope if scope is not None else self.page
        text = self.profile.text(button_key).replace("'", "")
        named = where.get_by_text(exact_text(name))
        one_button = f"count(.//button[normalize-space()='{text}'])=1"
        return named.locator(f"xpath=ancestor::*[{one_button}][last()]")

    def wait_loaded(self) -> None:
        """Wait until the product list has loaded: 新增产品 shows at once, the cards only when the list
        call answers (under a loading mask meanwhile); read too early, every product looks missing."""
        timeout = self.ctx.navigation_timeout_ms
        expect(self.button("add_product")).to_be_visible(timeout=timeout)
        # The mask is drawn a tick after the page: "no mask" alone can be read before loading started.
        # Loaded means a product card (its 添加功能访问路径) or the empty list's text is drawn, unmasked.
        drawn = self.button("add_path").or_(self.page.locator(self.profile.selector("empty_state")))
        expect(drawn.first).to_be_visible(timeout=timeout)
        until_gone(self.page, self.profile.selector("loading_mask"), timeout_ms=timeout)

    def has_product(self, name: str) -> bool:
        return self._block(name, "add_path").count() > 0

    def has_path(self, product: str, path: str) -> bool:
        card = self._block(product, "add_path").first
        return self._block(path, "add_function", card).count() > 0

    def function_names(self, product: str, path: str) -> set[str]:
        card = self._block(product, "add_path").first
        block = self._block(path, "add_function", card).first
        tables = block.locator(self.profile.selector("table"))
        if tables.count() == 0:
            return set()
        return {next(iter(row.values()), "") for row in list_rows(tables.first) if row}

    def _dialog_save(self, opener: Locator, entries: Sequence[FormEntry], what: str, route: str) -> None:
        opener.click()
        dialog = self.page.get_by_role("dialog").filter(visible=True)
        expect(dialog).to_have_count(1)
        form = self.ctx.form()
        for entry in entries:
            form.fill(spec_of(entry), dialog)
        try:
            self.call_portal(lambda: self.button("save_product", dialog).click(), what, route)
        except PortalError:
            # Leave the page as it was, so that a retry (or a person) starts from a closed dialog.
            self.button("cancel", dialog).click()
            expect(dialog).to_have_count(0)
            raise
        expect(dialog).to_have_count(0)

    def add_product(self, entries: Sequence[FormEntry]) -> None:
        self._dialog_save(self.button("add_product"), entries, "新增产品", "product_save")

    def add_path(self, product: str, entries: Sequence[FormEntry]) -> None:
        card = self._block(product, "add_path").first
        self._dialog_save(self.button("add_path", card), entries, "添加功能访问路径", "path_add")

    def add_function(self, product: str, path: str, entries: Sequence[FormEntry]) -> None:
        card = self._block(product, "add_path").first
        block = self._block(path, "add_function", card).first
        self._dialog_save(self.button("add_function", block), entries, "添加功能", "function_add")

    # -- reading back what the portal saved ----------------------------------------------------------
    def saved_product(self, name: str) -> dict[str, str]:
        """The label/value pairs the product's card shows (访问地址, 服务对象, ...)."""
        card = self._block(name, "add_path").first
        tables = card.locator("table")
        expect(tables.first).to_be_visible()
        return dict(label_value_pairs(tables.first))

    def saved_function(self, product: str, path: str, name: str) -> dict[str, str]:
        """The function's row under its path, by column heading ({} when it is not listed)."""
        card = self._block(product, "add_path").first
        block = self._block(path, "add_function", card).first
        # The list is drawn again after 保存: wait until it lists the function.
        expect(block.get_by_text(exact_text(name)).first).to_be_visible()
        tables = block.locator(self.profile.selector("table"))
        rows = list_rows(tables.first) if tables.count() else []
        return next((row for row in rows if next(iter(row.values()), "") == name), {})

    # -- idempotent additions: safe to repeat after an unclear answer ------------------------------
    def ensure_product(self, name: str, entries: Sequence[FormEntry]) -> None:
        if not self.has_product(name):
            self.add_product(entries)

    def ensure_path(self, product: str, path: str, entries: Sequence[FormEntry]) -> None:
        if not self.has_path(product, path):
            self.add_path(product, entries)

    def ensure_function(self, product: str, path: str, name: str, entries: Sequence[FormEntry]) -> None:
        if name not in self.function_names(product, path):
            self.add_function(product, path, entries)
