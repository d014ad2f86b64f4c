"""The ledger rows of the plans that act on an approved filing.

A 变更 and a 注销 keep their checkpoints on rows of their own, named after the bundle's row: one per
changed content (``<bundle>#变更:<hash>``), one for the 注销 (``<bundle>#注销``). They carry the
bundle's account and 算法名称 too, so whoever reads the ledger by filing (``sync``, the deadlines) tells
them apart from the bundle's own row with ``is_plan_row``.
"""

from __future__ import annotations

__all__ = ["cancel_key", "change_key", "is_plan_row"]

_CHANGE = "#变更:"
_CANCEL = "#注销"


def change_key(bundle_key: str, content_hash: str) -> str:
    """The row of the 变更 filing the bundle's content ``content_hash``."""
    return f"{bundle_key}{_CHANGE}{content_hash[:16]}"


def cancel_key(bundle_key: str) -> str:
    return f"{bundle_key}{_CANCEL}"


def is_plan_row(key: str) -> bool:
    return _CHANGE in key or key.endswith(_CANCEL)
