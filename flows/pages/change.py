"""变更 and 注销 of an approved filing, started from its row in 备案信息 (texts in the profile, assumed)."""

from __future__ import annotations

from playwright.sync_api import Locator, expect

from flows.pages.review import ReviewListPage, row_button

__all__ = ["CancelDialog", "ChangeActions"]


class ChangeActions(ReviewListPage):
    def start_change(self, name: str) -> None:
        """变更 on the row, then 确定 in the question the portal asks: the wizard opens prefilled."""
        self.row_action(name, "change_filing")
        box = self.page.locator(self.profile.selector("message_box")).filter(visible=True)
        expect(box).to_have_count(1)
        self.call_portal(lambda: row_button(box, self.profile.text("confirm")).click(), "变更", "change")

    def continue_change(self, name: str) -> None:
        self.row_action(name, "continue_change")


class CancelDialog(ReviewListPage):
    """The 注销 dialog of one approved filing: a reason, a commitment tick, 确定 / 取消."""

    def _dialog(self) -> Locator:
        dialog = self.page.get_by_role("dialog").filter(visible=True)
        expect(dialog).to_have_count(1)
        return dialog

    def open(self, name: str) -> Locator:
        self.row_action(name, "cancel_filing")
        dialog = self._dialog()
        expect(dialog).to_contain_text(self.profile.text("cancel_dialog"))
        return dialog

    def fill(self, dialog: Locator, reason: str) -> str:
        """Type the reason and tick the commitment; returns the reason as the dialog now shows it."""
        # ``has`` is looked up inside each form item: a locator rooted at the page, not at the dialog.
        label = self.page.locator(self.profile.selector("form_item_label")).get_by_text(
            self.profile.text("cancel_reason"), exact=True
        )
        item = dialog.locator(self.profile.selector("form_item")).filter(has=label)
        box = item.locator("textarea, input").first
        box.fill(reason)
        tick = dialog.locator(self.profile.selector("checkbox")).filter(
            has_text=self.profile.text("cancel_commitment")
        )
        expect(tick).to_have_count(1)
        if not tick.locator("input[type=checkbox]").is_checked():
            tick.click()
        expect(tick.locator("input[type=checkbox]")).to_be_checked()
        return box.input_value()

    def confirm(self, dialog: Locator) -> None:
        self.call_portal(lambda: row_button(dialog, self.profile.text("confirm")).click(), "注销", "cancel")
        expect(dialog).to_be_hidden()

    def dismiss(self, dialog: Locator) -> None:
        row_button(dialog, self.profile.text("cancel")).click()
        expect(dialog).to_be_hidden()
