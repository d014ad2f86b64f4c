"""Process exit codes, published in the README; scripts and schedulers branch on them."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["ExitCode"]


class ExitCode(IntEnum):
    OK = 0  # everything valid / ready / submitted
    FAILED = 1  # a bundle is invalid or a run failed
    USAGE = 2  # bad command line or config
    LOGIN_REQUIRED = 3  # the saved session expired and no unattended login is possible
    PORTAL_UNREACHABLE = 4  # the portal did not answer
    LOCKED = 5  # another scheduled run holds the lock
    NEEDS_PERSON = 6  # an ambiguous outcome (e.g. after 提交) must be checked by a person
    INTERRUPTED = 130  # stopped by a signal; the next run resumes from the last saved draft
