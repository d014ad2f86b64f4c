from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import structlog
from structlog.contextvars import bound_contextvars
from structlog.testing import capture_logs

from agent.logging import close_run_log, configure_logging, open_run_log, shared_processors
from agent.redact import register_secret

ID = "11010519491231002X"
MOBILE = "13800138000"
PASSWORD = "Demo@2026"

log = structlog.get_logger("tests.infra")


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _fail_login(password: str) -> None:
    local_only = "-".join(["never", "logged", password[::-1]])  # a local's value must not reach a log
    raise RuntimeError(f"login refused for {MOBILE} ({len(local_only)} chars)")


def _emit_everything() -> None:
    register_secret(PASSWORD)
    structlog.contextvars.bind_contextvars(run_id="r-1", bundle=f"person-{ID}")
    try:
        log.info("filled", field="证件号码", value=ID, mobile=MOBILE, password=PASSWORD)
        log.info(f"typed {PASSWORD} into 密码")
        try:
            _fail_login(PASSWORD)
        except RuntimeError:
            log.exception("login_failed")
    finally:
        structlog.contextvars.clear_contextvars()


def _assert_clean(text: str) -> None:
    for secret in (ID, MOBILE, PASSWORD, "19491231"):
        assert secret not in text


def test_json_output_is_redacted_structured_and_without_locals() -> None:
    out = io.StringIO()
    configure_logging("INFO", json=True, stream=out)
    _emit_everything()
    text = out.getvalue()
    _assert_clean(text)
    events = [json.loads(line) for line in text.splitlines()]
    assert [e["event"] for e in events] == ["filled", "typed *** into 密码", "login_failed"]
    first = events[0]
    assert first["run_id"] == "r-1" and first["level"] == "info" and first["timestamp"].endswith("Z")
    assert first["value"] == "1101**********002X" and first["mobile"] == "138****8000"
    assert first["password"] == "***"
    exception = events[2]["exception"]
    assert isinstance(exception, list) and exception[0]["exc_type"] == "RuntimeError"
    assert "never-logged" not in text and "locals" not in json.dumps(exception)


def test_console_output_is_redacted() -> None:
    out = Tty()
    configure_logging("INFO", json=None, stream=out)  # a terminal: human-readable
    _emit_everything()
    text = out.getvalue()
    _assert_clean(text)
    assert not text.lstrip().startswith("{")
    assert "login_failed" in text and "RuntimeError: login refused for 138****8000" in text
    assert "never-logged" not in text


def test_auto_picks_json_when_not_a_terminal() -> None:
    out = io.StringIO()
    configure_logging("INFO", json=None, stream=out)
    log.info("hello")
    assert json.loads(out.getvalue())["event"] == "hello"


def test_level_filters() -> None:
    out = io.StringIO()
    configure_logging("WARNING", json=True, stream=out)
    log.info("quiet")
    log.warning("loud")
    assert [json.loads(line)["event"] for line in out.getvalue().splitlines()] == ["loud"]


def test_file_sink_is_private_and_redacted(tmp_path: Path) -> None:
    log_file = tmp_path / "evidence" / "log.jsonl"
    out = Tty()
    configure_logging("INFO", json=False, log_file=log_file, stream=out)
    _emit_everything()
    text = log_file.read_text(encoding="utf-8")
    _assert_clean(text)
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    events = [json.loads(line) for line in text.splitlines()]
    assert events[0]["mobile"] == "138****8000"
    assert "RuntimeError" in events[2]["exception"]


def test_reconfiguring_moves_output_and_closes_the_previous_file(tmp_path: Path) -> None:
    first, second = io.StringIO(), io.StringIO()
    configure_logging("INFO", json=True, log_file=tmp_path / "a.jsonl", stream=first)
    log.info("one")
    configure_logging("INFO", json=True, log_file=tmp_path / "b.jsonl", stream=second)
    log.info("two")
    configure_logging("INFO", json=True, stream=second)
    log.info("three")
    assert [json.loads(x)["event"] for x in first.getvalue().splitlines()] == ["one"]
    assert [json.loads(x)["event"] for x in second.getvalue().splitlines()] == ["two", "three"]
    assert [json.loads(x)["event"] for x in (tmp_path / "a.jsonl").read_text().splitlines()] == ["one"]
    assert [json.loads(x)["event"] for x in (tmp_path / "b.jsonl").read_text().splitlines()] == ["two"]


def test_capture_logs_with_the_shared_chain_sees_redacted_events() -> None:
    configure_logging("INFO", json=True, stream=io.StringIO())
    register_secret(PASSWORD)
    with capture_logs(processors=shared_processors(json=True)) as logs:
        log.info("login", username="demo-provider", password=PASSWORD, note=f"pw {PASSWORD}")
    assert logs[0]["password"] == "***" and logs[0]["note"] == "pw ***"
    assert logs[0]["username"] == "demo-provider" and logs[0]["log_level"] == "info"


def test_the_stream_level_does_not_filter_the_evidence_log(tmp_path: Path) -> None:
    out = Tty()
    configure_logging("WARNING", json=None, stream=out)
    run_log = tmp_path / "run" / "log.jsonl"
    open_run_log("run-1", run_log)
    try:
        with bound_contextvars(evidence="run-1"):
            log.debug("detail")
            log.info("checkpoint", checkpoint="step1")
            log.warning("retrying")
    finally:
        close_run_log("run-1")
    shown = out.getvalue()
    assert "retrying" in shown and "checkpoint" not in shown and "detail" not in shown
    events = [json.loads(line)["event"] for line in run_log.read_text(encoding="utf-8").splitlines()]
    assert events == ["detail", "checkpoint", "retrying"]
