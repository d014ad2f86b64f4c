"""Errors raised by the page-agnostic core and the flows; each carries the process exit code it maps to.

::

    BeianError                        exit 1 unless noted
    ├── SettingsError                 exit 2   bad config file, env value or CLI override
    ├── ProfileError                  exit 2   the portal profile is missing, malformed, or lacks a key
    ├── LockHeld                      exit 5   another batch/scheduled run holds the run lock
    ├── InvalidTransition                      the ledger was asked for a transition it forbids
    └── PortalError
        ├── BrowserError                       the browser failed, or the page never showed what it should
        ├── TransientPortalError               timeout, HTTP 5xx, errno != 0 on save: worth retrying
        ├── PortalUnreachable         exit 4   the portal did not answer (after retries)
        ├── SessionExpired            exit 3   the saved session is no longer accepted
        ├── LoginRequired             exit 3   a login is needed and this run may not do it unattended
        ├── ReadBackMismatch                   the portal shows something other than what was filled
        ├── ProfileTextNotFound                an on-screen text from the portal profile is not on the page
        ├── NotOnScreen                        a label, option, row or tree node the bundle names is absent
        ├── PortalRejected                     the portal refused a write with a message for the person
        │   ├── PageRefused                        the page refused the click itself, sending nothing
        │   └── LoginFailed                        the account or password
        ├── AlreadySubmitted          exit 0   the filing is already submitted: nothing to do
        ├── AmbiguousSubmission       exit 6   提交 may or may not have gone through: a person checks
        ├── DuplicateDrafts           exit 6   草稿箱 holds more than one draft of the filing
        └── SubmissionNotConfirmed    exit 6   提交 was clicked but the portal never confirmed it

Playwright's own errors (``TimeoutError``, ``Error``, the ``AssertionError`` of ``expect``) enter the tree
in one place, ``from_browser``, as ``BrowserError``. Bundle errors (``BundleInvalid``) live in
``agent.bundle``. Messages never carry personal data in clear:
values shown in them go through ``agent.redact``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from playwright.sync_api import Error as PlaywrightError

from agent.exit_codes import ExitCode
from agent.redact import MASK, redact_text

__all__ = [
    "AlreadySubmitted",
    "AmbiguousSubmission",
    "BeianError",
    "BrowserError",
    "DuplicateDrafts",
    "InvalidTransition",
    "LockHeld",
    "LoginFailed",
    "LoginRequired",
    "NotOnScreen",
    "PageRefused",
    "PortalError",
    "PortalRejected",
    "PortalUnreachable",
    "ProfileError",
    "ProfileTextNotFound",
    "ReadBackMismatch",
    "SessionExpired",
    "SettingsError",
    "SubmissionNotConfirmed",
    "TransientPortalError",
    "from_browser",
]


class BeianError(Exception):
    """Base of every error this tool raises on purpose; ``exit_code`` is what the CLI exits with."""

    exit_code: ClassVar[ExitCode] = ExitCode.FAILED

    @property
    def kind(self) -> str:
        """How results and reports name the error (``RunError.kind``)."""
        return type(self).__name__


class SettingsError(BeianError):
    exit_code = ExitCode.USAGE


class ProfileError(BeianError):
    """The portal profile (built-in or override) is missing, malformed, or lacks a key a flow asked for."""

    exit_code = ExitCode.USAGE


class LockHeld(BeianError):
    exit_code = ExitCode.LOCKED


class InvalidTransition(BeianError):
    """A caller asked for a transition the state machine forbids (a bug in the caller, not the portal)."""


class PortalError(BeianError):
    """Something about the portal or the conversation with it went wrong."""


class BrowserError(PortalError):
    """Playwright gave up: a browser failure, or an ``expect`` that ran out of time (see ``from_browser``)."""

    @property
    def kind(self) -> str:
        return "browser"


class TransientPortalError(PortalError):
    """A failure that a retry may cure (timeout, HTTP 5xx, ``errno != 0`` on a draft save)."""


class PortalUnreachable(PortalError):
    exit_code = ExitCode.PORTAL_UNREACHABLE


class SessionExpired(PortalError):
    exit_code = ExitCode.LOGIN_REQUIRED


class LoginRequired(PortalError):
    """A login is needed and cannot happen here (unattended run, or the account forbids auto-login)."""

    exit_code = ExitCode.LOGIN_REQUIRED


class ReadBackMismatch(PortalError):
    """After filling and saving, the portal shows a different value than the bundle holds.

    Values are masked as they are stored: the exception may end up in logs, reports and tracebacks.
    ``personal=True`` hides them entirely (names, addresses); otherwise ID numbers, mobiles and e-mails
    inside them are masked by pattern.
    """

    def __init__(
        self, field_path: str, label: str, expected: object, actual: object, *, personal: bool = False
    ):
        self.field_path = field_path
        self.label = label
        self.expected = MASK if personal else redact_text(str(expected))
        self.actual = MASK if personal else redact_text(str(actual))
        super().__init__(
            f"{label} ({field_path}): the portal shows {self.actual!r}, the bundle has {self.expected!r}"
        )


class ProfileTextNotFound(PortalError):
    """A text the portal profile promises (button, label, message) is not on the page: the profile drifted."""

    def __init__(self, key: str, text: str):
        self.key = key
        self.text = text
        super().__init__(f"profile text {key!r} ({text!r}) not found on the page; check the portal profile")


class NotOnScreen(PortalError):
    """A label, option, row or tree node the bundle names is not on the page (or not uniquely)."""


class PortalRejected(PortalError):
    """The portal refused a write with a message meant for the person filling in (e.g. a missing field)."""

    def __init__(self, message: str, datas: Any = None) -> None:
        super().__init__(message)
        self.datas = datas


class PageRefused(PortalRejected):
    """The page refused a click itself (its own field checks) and sent nothing; ``messages`` are its own."""

    def __init__(self, message: str, messages: list[str]) -> None:
        super().__init__(message)
        self.messages = messages


class LoginFailed(PortalRejected):
    """The portal refused the account or password."""


class AlreadySubmitted(PortalError):
    """Not a failure: the portal (or the ledger) shows this filing as submitted; nothing is sent again."""

    exit_code = ExitCode.OK


class AmbiguousSubmission(PortalError):
    """A submission was started and its outcome is unknown; repeating it could file twice."""

    exit_code = ExitCode.NEEDS_PERSON


class SubmissionNotConfirmed(PortalError):
    exit_code = ExitCode.NEEDS_PERSON


class DuplicateDrafts(PortalError):
    """草稿箱 holds two or more drafts with the filing's name: which one is right is a person's call."""

    exit_code = ExitCode.NEEDS_PERSON


def from_browser(exc: BeianError | PlaywrightError | AssertionError) -> BeianError:
    """The error tree's view of what Playwright raised; errors already in the tree pass through.

    ``AssertionError`` comes from ``expect``: the page never showed what it should in time. Playwright's
    ``TimeoutError`` is an ``Error``. Only the first line of the message is kept: the rest is Playwright's
    call log, which may quote what was typed.
    """
    if isinstance(exc, BeianError):
        return exc
    text = str(exc)
    return BrowserError(text.splitlines()[0] if text else type(exc).__name__)
