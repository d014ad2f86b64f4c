"""The product tree of step 3 (产品 → 功能访问路径 → 功能), ticked so that it covers what a bundle names.

Element's el-tree keeps a node's tick on the node's own checkbox: ``is-checked`` or ``is-indeterminate``
on its ``.el-checkbox__input`` (and the native input's ``checked``); ``aria-checked`` on the node is
left out when false, so it is not read. Ticks are linked: ticking every child ticks the parent, so what
the page shows is compared as the set of functions (leaves) covered, never as the literal nodes ticked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from playwright.sync_api import Locator, Page, expect

from agent.errors import NotOnScreen
from agent.profile import PortalProfile
from flows.widgets.locate import exact_text

__all__ = ["NodePath", "TreeDriver", "TreeNode", "covered_leaves"]

NodePath = tuple[str, ...]


@dataclass(frozen=True)
class TreeNode:
    path: NodePath
    state: str  # "checked", "indeterminate" or "none"
    leaf: bool


def covered_leaves(nodes: Iterable[TreeNode], paths: Iterable[NodePath]) -> set[NodePath]:
    """The leaves of the tree that lie under (or are) any of ``paths``."""
    wanted = list(paths)
    return {n.path for n in nodes if n.leaf and any(n.path[: len(w)] == w for w in wanted)}


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

    def _box(self, node: Locator) -> Locator:
        return node.locator(f":scope > {self._content}").locator(self.profile.selector("tree_checkbox")).first

    def _checked(self, node: Locator) -> bool:
        classes = (self._box(node).get_attribute("class") or "").split()
        return self.profile.selector("checked_class") in classes

    def _half(self, node: Locator) -> bool:
        classes = (self._box(node).get_attribute("class") or "").split()
        return self.profile.selector("indeterminate_class") in classes

    def _set(self, node: Locator, checked: bool) -> None:
        # A half-ticked node becomes fully ticked on the first click; a second click clears it. Not
        # being ticked is not enough to be clear: a half-ticked node still ticks some of its children.
        for _ in range(2):
            if self._checked(node) == checked and (checked or not self._half(node)):
                return
            self._box(node).click()
        own = re.compile(rf"(^|\s){re.escape(self.profile.selector('checked_class'))}(\s|$)")
        if checked:
            expect(self._box(node)).to_have_class(own)
        else:
            expect(self._box(node)).not_to_have_class(own)

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

    def nodes(self) -> list[TreeNode]:
        """Every node drawn, with its tick state (read in one go)."""
        selectors = {
            "node": self._node,
            "content": self._content,
            "children": self._children,
            "label": self._label,
            "box": self.profile.selector("tree_checkbox"),
            "checked": self.profile.selector("checked_class"),
            "half": self.profile.selector("indeterminate_class"),
        }
        found: list[dict[str, object]] = self.tree.evaluate(_NODES_JS, selectors)
        return [
            TreeNode(tuple(str(p) for p in f["path"]), str(f["state"]), bool(f["leaf"]))  # type: ignore[attr-defined]
            for f in found
        ]

    def covered(self) -> set[NodePath]:
        """The functions (leaves) the ticks cover."""
        return {n.path for n in self.nodes() if n.leaf and n.state == "checked"}


_NODES_JS = """
(tree, s) => {
  const out = [];
  const own = (box) => (box ? [...box.children].filter((n) => n.matches(s.node)) : []);
  const walk = (nodes, prefix) => {
    for (const node of nodes) {
      const content = node.querySelector(`:scope > ${s.content}`);
      const label = content && content.querySelector(s.label);
      const box = content && content.querySelector(s.box);
      const input = box && box.querySelector('input[type=checkbox]');
      const classes = box ? box.classList : { contains: () => false };
      const state = classes.contains(s.checked) || (input && input.checked) ? 'checked'
        : classes.contains(s.half) ? 'indeterminate' : 'none';
      const path = [...prefix, label ? label.innerText.trim() : ''];
      const children = own(node.querySelector(`:scope > ${s.children}`));
      out.push({ path, state, leaf: children.length === 0 });
      walk(children, path);
    }
  };
  walk(own(tree), []);
  return out;
}
"""
