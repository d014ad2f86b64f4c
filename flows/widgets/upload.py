"""Uploads: the file is handed to the hidden file input; it counts once listed as a success.

Element's upload list shows a chosen file at once as ``is-ready``, then ``is-uploading``, then
``is-success`` when the portal took it (and drops it, with an error message, when the portal refused).
Only an item listed as a success with the file's name is an upload done.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Locator, expect

from agent.bundle.fields import Kind
from agent.errors import NotOnScreen, TransientPortalError
from agent.profile import PortalProfile
from flows.values import FieldValue
from flows.widgets.driver import Control, Marker, SameValue
from flows.widgets.locate import readable_line

__all__ = ["UPLOAD"]


class _Upload(SameValue):
    kind: Kind = "upload"

    def detect(self, profile: PortalProfile) -> Marker:
        return Marker("input[type=file]")

    def set(self, control: Control, value: FieldValue) -> None:
        if not isinstance(value, Path):
            raise NotOnScreen(f"an upload takes a file, not {value!r}")
        if self.read(control) == value.name:
            return
        item, profile, timeout = control.item, control.profile, control.upload_timeout_ms
        done = self._done(control).filter(has_text=value.name)
        failed = control.page.locator(profile.selector("message_error")).filter(visible=True)
        in_progress = item.locator(profile.selector("upload_in_progress"))
        before = failed.count()
        item.locator("input[type=file]").set_input_files(value)
        try:
            # Either the portal takes it (listed as a success) or it says why not (an error message).
            expect(done.or_(failed.nth(before)).first).to_be_visible(timeout=timeout)
            expect(in_progress).to_have_count(0, timeout=timeout)
        except AssertionError:
            raise TransientPortalError(f"the upload of {value.name} did not finish in time") from None
        if self.read(control) != value.name:
            raise TransientPortalError(f"the portal did not take the upload of {value.name}")

    def _done(self, control: Control) -> Locator:
        return control.item.locator(control.profile.selector("upload_success"))

    def read(self, control: Control) -> FieldValue | None:
        names = [n.strip() for n in self._done(control).all_inner_texts() if n.strip()]
        # The item's first line is the file name (after the icon glyph, which is not text).
        return readable_line(names[-1]) if names else None


UPLOAD = _Upload()
