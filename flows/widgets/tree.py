"""The product tree of step 3 (产品 → 功能访问路径 → 功能), ticked exactly as a bundle names.

Ticking a parent ticks all beneath it, so the tree is first cleared, then the named nodes are ticked,
then the page's own ticks are read back as the set of topmost fully ticked nodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from playwright.sync_api import Locator, Page, expect

from agent.errors import NotOnScreen
from agent.profile import PortalProfile
from flows.widgets.locate import exact_text

__all__ = ["TreeDriver"]

NodePath = tuple[str, ...]


class TreeDriver:
    def __init__(self, page: Page, tree: Locator, profile: PortalProfile) -> None:
        self.page = page
        self.tree = tree
        self.profile = profile
        self._node = profile.selector("tree_node")
        self._content = profile.selector("tree_node_content")
        self._children = profile.selector("tree_node_children")
        self._label = profile.selector("tree_node_label")

    def _child(self, parent: Locator, name: str) -> Locator:
        own_label = self.page.locator(f":scope > {self._content} {self._label}")
        own_label = own_label.filter(has_text=exact_text(name))
        return parent.locator(f":scope > {self._node}").filter(has=own_label)

    def node(self, path: Sequence[str]) -> Locator:
        """The tree node at ``path``, expanding its ancestors so that it can be seen and clicked."""
        scope = self.tree
        node: Locator | None = None
        for depth, name in enumerate(path):
            node = self._child(scope if depth == 0 else scope.locator(f":scope > {self._children}"), name)
            if node.count() != 1:
                raise NotOnScreen(f"{' > '.join(path[: depth + 1])} is not in the product tree")
            if depth < len(path) - 1:
                self._expand(node)
            scope = node
        assert node is not None
        return node

    def _expand(self, node: Locator) -> None:
        if node.get_attribute("aria-expanded") != "true":
            node.locator(f":scope > {self._content}").locator(self.profile.selector("tree_expand")).click()
            expect(node).to_have_attribute("aria-expanded", "true")

    def _click_box(self, node: Locator) -> None:
        node.locator(f":scope > {self._content}").locator("label").filter(
            has=self.page.locator("input[type=checkbox]")
        ).click()

    def _set(self, node: Locator, checked: bool) -> None:
        want = "true" if checked else "false"
        # A half-ticked node becomes fully ticked on the first click; a second click clears it.
        for _ in range(2):
            if node.get_attribute("aria-checked") == want:
                return
            self._click_box(node)
        expect(node).to_have_attribute("aria-checked", want)

    def roots(self) -> list[str]:
        labels = self.tree.locator(f":scope > {self._node} > {self._content} {self._label}")
        return [t.strip() for t in labels.all_inner_texts()]

    def tick_exactly(self, paths: Iterable[NodePath]) -> None:
        # The tree is drawn once the product list arrives.
        expect(self.tree.locator(self._node).first).to_be_visible()
        for root in self.roots():
            self._set(self.node((root,)), False)
        for path in paths:
            self._set(self.node(path), True)

    def ticked(self) -> set[NodePath]:
        """The topmost fully ticked nodes, i.e. what the filing covers (read in one go)."""
        selectors = {
            "node": self._node,
            "content": self._content,
            "children": self._children,
            "label": self._label,
        }
        paths: list[list[str]] = self.tree.evaluate(_TICKED_JS, selectors)
        return {tuple(p) for p in paths}


_TICKED_JS = """
(tree, s) => {
  const out = [];
  const own = (box) => (box ? [...box.children].filter((n) => n.matches(s.node)) : []);
  const walk = (nodes, prefix) => {
    for (const node of nodes) {
      const label = node.querySelector(`:scope > ${s.content} ${s.label}`);
      const path = [...prefix, label ? label.innerText.trim() : ''];
      const state = node.getAttribute('aria-checked');
      if (state === 'true') out.push(path);
      else if (state === 'mixed') walk(own(node.querySelector(`:scope > ${s.children}`)), path);
    }
  };
  walk(own(tree), []);
  return out;
}
"""
