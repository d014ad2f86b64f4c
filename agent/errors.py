"""Errors raised by the page-agnostic core and the flows; each carries the process exit code it maps to.

::

    BeianError                        exit 1 unless noted
    ├── SettingsError                 exit 2   bad config file, env value or CLI override
    ├── ProfileError                  exit 2   the portal profile is missing, malformed, or lacks a key
    ├── LockHeld                      exit 5   another batch/scheduled run holds the run lock
    ├── InvalidTransition                      the ledger was asked for a transition it forbids
    ├── RunInterrupted            exit 130 Ctrl-C or SIGTERM ended the run; the next run resumes
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
        │   └── LoginFailed           exit 3   the portal refused the account or password
        ├── AlreadySubmitted          exit 0   the filing is already submitted: nothing to do
        ├── AmbiguousSubmission       exit 6   提交 may or may not have gone through: a person checks
        ├── DuplicateDrafts           exit 6   草稿箱 holds more than one draft of the filing
        └── SubmissionNotConfirmed    exit 6   提交 was clicked but the portal never confirmed it

Playwright's own errors (``TimeoutError``, ``Error``, the ``AssertionError`` of ``expect``) enter the tree
in one place, ``from_browser``: ``NotOnScreen`` (what was looked for, in words: ``describe_locator``) when
nothing matched,
``BrowserError`` otherwise. Where it happened is added by whoever catches it (``located``): the page, the
action, and when known the bundle path and portal label; ``str()`` then starts with the page.
Bundle errors (``BundleInvalid``) live in ``agent.bundle``. Messages never carry personal data in clear:
values shown in them go through ``agent.redact``.
"""

from __future__ import annotations

import re
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
    "RunInterrupted",
    "SessionExpired",
    "SettingsError",
    "SubmissionNotConfirmed",
    "TransientPortalError",
    "describe_locator",
    "from_browser",
    "located",
]


class BeianError(Exception):
    """Base of every error this tool raises on purpose; ``exit_code`` is what the CLI exits with.

    ``page`` and ``action`` say where a run was when it happened (``located`` fills them); ``path`` and
    ``label`` name the bundle field and its portal label when the error is about one.
    """

    exit_code: ClassVar[ExitCode] = ExitCode.FAILED
    page: str | None = None
    action: str | None = None
    path: str | None = None
    label: str | None = None

    def __str__(self) -> str:
        text = super().__str__()
        if self.page and not text.startswith(f"{self.page}:"):
            return f"{self.page}: {text}"
        return text

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


class RunInterrupted(BeianError):
    """The run was stopped from outside (Ctrl-C, SIGTERM); recorded as its failure, then re-raised as is."""

    exit_code = ExitCode.INTERRUPTED


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
        self.field_path = self.path = field_path
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
    """A button, label, option, row or node is not on the page (or not uniquely); names what was sought."""


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
    """The portal refused the account or password: a person fixes the password and logs in once."""

    exit_code = ExitCode.LOGIN_REQUIRED


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
    ``TimeoutError`` is an ``Error``. When Playwright was waiting for an element that never came (or
    came unusable), the error is ``NotOnScreen`` naming what was looked for, taken from the call log's
    ``waiting for`` line; nothing else of the call log is kept: it may quote what was typed.
    """
    if isinstance(exc, BeianError):
        return exc
    text = str(exc)
    lines = text.splitlines()
    first = lines[0].strip() if lines else type(exc).__name__
    sought = next((m.group(1) for line in lines if (m := _WAITING_FOR.search(line))), None)
    if sought is None:
        return BrowserError(redact_text(first))
    what = describe_locator(sought)
    found = any(_RESOLVED.search(line) for line in lines)
    if _EXPECT_ABSENT.search(first):
        return NotOnScreen(f"still on screen: {what}")
    if found and not isinstance(exc, AssertionError):
        return NotOnScreen(f"not usable (hidden, disabled or covered): {what}")
    return NotOnScreen(f"not on screen (looked for {what})")


def located(
    error: BeianError,
    page: str | None,
    action: str | None = None,
    *,
    path: str | None = None,
    label: str | None = None,
) -> BeianError:
    """``error`` with where it happened filled in (what it already says is kept); returns it."""
    if error.page is None and page:
        error.page = page
    if error.action is None and action:
        error.action = action
        said = str(error.args[0]) if error.args else ""
        if isinstance(error, NotOnScreen | BrowserError) and not said.startswith(action):
            # "step 2: 保存至草稿箱 not on screen (...)": the action is what the reader looks for first.
            error.args = (f"{action} {said}".strip(),)
    if error.path is None and path:
        error.path = path
    if error.label is None and label:
        error.label = label
    return error


_WAITING_FOR = re.compile(r"waiting for (.+?)\s*$")
_RESOLVED = re.compile(r"locator resolved to|element is not (?:visible|enabled|stable)|intercepts pointer")
_EXPECT_ABSENT = re.compile(r"expected to (?:have count '0'|be hidden|not be visible)", re.IGNORECASE)
_ROLE = re.compile(r'get_by_role\("([^"]+)",\s*name="((?:[^"\\]|\\.)*)"')
_BY = re.compile(r'get_by_(text|label|placeholder|title)\("((?:[^"\\]|\\.)*)"')
_HAS_TEXT = re.compile(
    r'(?:locator\("((?:[^"\\]|\\.)*)"\)\.)?filter\(has_text=(?:re\.compile\(r?)?"((?:[^"\\]|\\.)*)"'
)
_REGEX_NOISE = re.compile(r"\\s\*|\^|\$|\[[^\]]*\]\??|\\")
_KIND = {"text": "text", "label": "field labelled", "placeholder": "field with placeholder", "title": "title"}


def describe_locator(selector: str) -> str:
    """A Playwright locator's description in a person's words: ``button named '保存至草稿箱'``.

    The innermost (last) role, text, label or ``has_text`` filter in the chain is what was missing; a
    bare CSS or XPath locator is quoted as it is. Values are masked: a row's text may be an ID number.
    """
    found = [(m.start(), f"{m.group(1)} named {m.group(2)!r}") for m in _ROLE.finditer(selector)]
    found += [(m.start(), f"{_KIND[m.group(1)]} {m.group(2)!r}") for m in _BY.finditer(selector)]
    for m in _HAS_TEXT.finditer(selector):
        text = _REGEX_NOISE.sub("", m.group(2)).strip()
        found.append((m.start(), f"{m.group(1)!r} with text {text!r}" if m.group(1) else f"text {text!r}"))
    if not found:
        return redact_text(selector if len(selector) <= 160 else selector[:157] + "...")
    return redact_text(max(found)[1])
