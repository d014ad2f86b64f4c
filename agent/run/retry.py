"""Retry policies for portal work that is safe to repeat: navigation, page loads, draft saves.

Never for 提交: after an uncertain submit the portal's state is read back instead, and an ambiguous
outcome goes to a person (see ``agent.state.ledger``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import structlog
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from agent import progress
from agent.errors import TransientPortalError
from agent.settings import RetrySettings

__all__ = ["retry_transient", "transient_retry"]

P = ParamSpec("P")
R = TypeVar("R")

_log = structlog.get_logger(__name__)


def _before_sleep(what: str, attempts: int) -> Callable[[RetryCallState], None]:
    def log_retry(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        _log.warning(
            "retrying",
            what=what,
            attempt=state.attempt_number,
            wait_s=round(state.next_action.sleep, 3) if state.next_action else None,
            error=str(error) if error else None,
            error_type=type(error).__name__ if error else None,
        )
        progress.action(f"{what}: 等待门户响应 (重试 {state.attempt_number}/{attempts - 1})")

    return log_retry


# tenacity 9.2 renamed ``initial`` to ``multiplier`` (and warns on the old name); 8.x knows only ``initial``.
_MULTIPLIER = (
    "multiplier" if "multiplier" in inspect.signature(wait_exponential_jitter).parameters else "initial"
)


def _wait(policy: RetrySettings) -> wait_exponential_jitter:
    # Jitter in proportion to the first wait, so parallel runs hitting one outage do not retry in step.
    options: dict[str, Any] = {_MULTIPLIER: policy.initial_wait_s}
    return wait_exponential_jitter(max=policy.max_wait_s, jitter=policy.initial_wait_s, **options)


def transient_retry(
    policy: RetrySettings,
    what: str,
    *,
    retry_on: tuple[type[BaseException], ...] = (TransientPortalError,),
    sleep: Callable[[float], None] | None = None,
) -> Retrying:
    """A ``Retrying`` for ``what``: use as ``for attempt in r: with attempt: ...``, ``r(fn, ...)`` or
    ``r.wraps(fn)``. The last error is re-raised as itself once attempts run out. ``sleep`` replaces
    ``time.sleep`` (tests pass a recorder)."""
    options: dict[str, Any] = {}
    if sleep is not None:
        options["sleep"] = sleep
    return Retrying(
        stop=stop_after_attempt(policy.attempts),
        wait=_wait(policy),
        retry=retry_if_exception_type(retry_on),
        before_sleep=_before_sleep(what, policy.attempts),
        reraise=True,
        **options,
    )


def retry_transient(
    policy: RetrySettings, what: str, **kwargs: Any
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator form of ``transient_retry``; each call gets its own retry state."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        return transient_retry(policy, what, **kwargs).wraps(fn)

    return decorate
