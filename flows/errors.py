"""Errors the flows raise when the page does not hold what the profile and the bundle lead them to expect."""

from __future__ import annotations

from agent.errors import PortalError

__all__ = ["NotOnScreen"]


class NotOnScreen(PortalError):
    """A label, option, row or tree node the bundle names is not on the page (or not uniquely)."""
