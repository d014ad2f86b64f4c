from __future__ import annotations

import pytest
from structlog.testing import capture_logs

from agent.errors import PortalUnreachable, TransientPortalError
from agent.run.retry import retry_transient, transient_retry
from agent.settings import RetrySettings

POLICY = RetrySettings(attempts=4, initial_wait_s=0.5, max_wait_s=2.0)


class Flaky:
    def __init__(self, failures: int, error: Exception | None = None):
        self.failures = failures
        self.calls = 0
        self.error = error or TransientPortalError("errno 500 on save")

    def __call__(self, value: str) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return value.upper()


def test_retries_transient_errors_then_succeeds_and_logs_each_wait() -> None:
    waits: list[float] = []
    flaky = Flaky(failures=2)
    with capture_logs() as logs:
        result = transient_retry(POLICY, "draft save", sleep=waits.append)(flaky, "ok")
    assert result == "OK" and flaky.calls == 3
    assert len(waits) == 2 and all(0 < w <= POLICY.max_wait_s for w in waits)
    assert [(e["event"], e["what"], e["attempt"], e["error_type"]) for e in logs] == [
        ("retrying", "draft save", 1, "TransientPortalError"),
        ("retrying", "draft save", 2, "TransientPortalError"),
    ]
    assert logs[0]["wait_s"] == pytest.approx(waits[0], abs=1e-3)
    assert logs[0]["error"] == "errno 500 on save" and logs[0]["log_level"] == "warning"


def test_gives_up_after_attempts_with_the_original_error() -> None:
    waits: list[float] = []
    flaky = Flaky(failures=10)
    with pytest.raises(TransientPortalError, match="errno 500"):
        transient_retry(POLICY, "load", sleep=waits.append)(flaky, "x")
    assert flaky.calls == 4 and len(waits) == 3


def test_waits_grow_and_stay_under_the_cap() -> None:
    waits: list[float] = []
    policy = RetrySettings(attempts=8, initial_wait_s=0.5, max_wait_s=3.0)
    with pytest.raises(TransientPortalError):
        transient_retry(policy, "load", sleep=waits.append)(Flaky(failures=99), "x")
    assert len(waits) == 7 and waits[0] >= 0.5 and max(waits) <= 3.0 and waits[-1] >= 1.0


def test_other_errors_are_not_retried() -> None:
    flaky = Flaky(failures=1, error=PortalUnreachable("no answer"))
    with pytest.raises(PortalUnreachable):
        transient_retry(POLICY, "load", sleep=lambda _: None)(flaky, "x")
    assert flaky.calls == 1


def test_iterator_form() -> None:
    flaky = Flaky(failures=1)
    for attempt in transient_retry(POLICY, "navigate", sleep=lambda _: None):
        with attempt:
            value = flaky("y")
    assert value == "Y" and flaky.calls == 2


def test_decorator_form_keeps_state_per_call() -> None:
    flaky = Flaky(failures=3)

    @retry_transient(POLICY, "save", sleep=lambda _: None)
    def save(value: str) -> str:
        return flaky(value)

    assert save("a") == "A"
    flaky.calls, flaky.failures = 0, 3
    assert save("b") == "B"
    assert save.__name__ == "save"
