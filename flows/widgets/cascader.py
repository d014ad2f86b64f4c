"""el-cascader (注册地): a read-only input opening one menu per level in a floating panel.

The bundle holds the labels joined by the profile's ``cascader_separator`` ("浙江省/杭州市/西湖区");
each level is picked in its own menu, the last pick closes the panel, and the input then shows the
labels joined by Element's own separator (" / "), which reading splits again.
"""

from __future__ import annotations

from playwright.sync_api import expect

from agent.bundle.fields import Kind
from agent.errors import NotOnScreen
from agent.profile import PortalProfile
from flows.values import FieldValue, cascader_levels
from flows.widgets.driver import Control, Marker, SameValue
from flows.widgets.locate import exact_text
from flows.widgets.select import no_open_list, open_list

__all__ = ["CASCADER"]


class _Cascader(SameValue):
    kind: Kind = "cascader"

    def detect(self, profile: PortalProfile) -> Marker:
        return Marker(profile.selector("cascader"))

    def set(self, control: Control, value: FieldValue) -> None:
        if not isinstance(value, str):
            raise NotOnScreen(f"a region takes its labels joined by a separator, not {value!r}")
        levels = cascader_levels(value, control.profile)
        if self._levels(control) == levels:
            return
        page, profile = control.page, control.profile
        no_open_list(page, profile, "cascader_panel")
        control.item.locator(profile.selector("cascader")).first.click()
        panel = open_list(page, profile, "cascader_panel")
        expect(panel).to_have_count(1)
        for depth, label in enumerate(levels):
            menu = panel.locator(profile.selector("cascader_menu")).nth(depth)
            node = menu.locator(profile.selector("cascader_node")).filter(has_text=exact_text(label))
            if node.count() != 1:
                control.label.click()
                raise NotOnScreen(f"{label!r} is not offered under {' / '.join(levels[:depth]) or 'the top'}")
            node.click()
        # Picking a leaf closes the panel; what the input shows is checked by the read-back.
        no_open_list(page, profile, "cascader_panel")

    def _levels(self, control: Control) -> list[str]:
        shown = control.item.locator("input").first.input_value()
        separator = control.profile.selector("cascader_input_separator").strip()
        return [part.strip() for part in shown.split(separator) if part.strip()]

    def read(self, control: Control) -> FieldValue | None:
        levels = self._levels(control)
        return control.profile.message("cascader_separator").join(levels) if levels else ""


CASCADER = _Cascader()
