from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from agent.redact import (
    MASK,
    clear_secrets,
    is_sensitive_key,
    mask_email,
    mask_id_number,
    mask_mobile,
    redact,
    redact_processor,
    redact_text,
    register_secret,
)

ID = "11010519491231002X"
MOBILE = "13800138000"


def test_id_number_keeps_first_and_last_four() -> None:
    assert mask_id_number(f"证件号码 {ID}。") == "证件号码 1101**********002X。"
    assert "19491231" not in redact_text(ID)


def test_id_number_lowercase_x_and_inside_chinese_text() -> None:
    assert redact_text("身份证110105194912310021号") == "身份证1101**********0021号"
    assert redact_text("11010519491231002x") == "1101**********002x"


def test_longer_digit_runs_are_not_mistaken_for_ids_or_mobiles() -> None:
    assert redact_text("order 1234567890123456789012") == "order 1234567890123456789012"
    assert redact_text("ts=1700000000000") == "ts=1700000000000"


def test_mobile_keeps_three_and_four() -> None:
    assert mask_mobile(f"tel:{MOBILE}") == "tel:138****8000"
    assert redact_text(f"+86 {MOBILE} / +86{MOBILE}") == "+86 138****8000 / +86138****8000"


def test_email_keeps_first_character_and_domain() -> None:
    assert mask_email("write to alice.wang@example.com.cn now") == "write to a***@example.com.cn now"


@pytest.mark.parametrize(
    "key",
    [
        "password",
        "Password",
        "db_password",
        "passwd",
        "access_token",
        "Cookie",
        "cookies",
        "set-cookie",
        "Authorization",
        "session",
        "sessionId",
        "client_secret",
        "storage_state",
        "api_key",
    ],
)
def test_sensitive_keys(key: str) -> None:
    assert is_sensitive_key(key)
    assert redact({key: "value-123"}) == {key: MASK}


@pytest.mark.parametrize("key", ["username", "session_file", "sessions_dir", "account", "tokenizer_path"])
def test_keys_naming_locations_or_ordinary_values_are_kept(key: str) -> None:
    assert not is_sensitive_key(key)
    assert redact({key: "value"}) == {key: "value"}


def test_nested_structures_secretstr_and_keys() -> None:
    data = {
        "people": [{"id_number": ID, "mobile": MOBILE}],
        "pair": (MOBILE, 1),
        "secret_value": SecretStr("hunter22"),
        "other": SecretStr("abc123456"),
        ID: "keyed by an id",
        "count": 3,
        "flag": True,
        "nothing": None,
    }
    out = redact(data)
    assert out["people"] == [{"id_number": "1101**********002X", "mobile": "138****8000"}]
    assert out["pair"] == ("138****8000", 1)
    assert out["secret_value"] == MASK
    assert out["other"] == MASK
    assert "1101**********002X" in out
    assert out["count"] == 3 and out["flag"] is True and out["nothing"] is None
    assert data["people"] == [{"id_number": ID, "mobile": MOBILE}]  # the input is not changed


def test_integers_and_paths_that_look_personal_are_masked() -> None:
    assert redact(13800138000) == "138****8000"
    assert redact(Path(f"/bundles/{ID}/filing.toml")) == "/bundles/1101**********002X/filing.toml"
    assert redact(Path("/bundles/plain")) == Path("/bundles/plain")


def test_objects_rendered_with_str_are_masked() -> None:
    class Person:
        def __str__(self) -> str:
            return f"Person({MOBILE})"

    assert redact(Person()) == "Person(138****8000)"


def test_registered_secrets_masked_in_free_text() -> None:
    register_secret("Demo@2026", SecretStr("s3cr3t-token"), None)
    text = "login failed for demo with Demo@2026; token s3cr3t-token"
    assert redact_text(text) == f"login failed for demo with {MASK}; token {MASK}"
    clear_secrets()
    assert redact_text(text) == text


def test_short_registered_secrets_are_ignored() -> None:
    register_secret("ab1")
    assert redact_text("tab1e") == "tab1e"


def test_longest_secret_replaced_first() -> None:
    register_secret("pass", "password2026")
    assert redact_text("x password2026 y") == f"x {MASK} y"


def test_processor_redacts_event_dict() -> None:
    event = {"event": f"called {MOBILE}", "password": "pw-1234", "ctx": {"cookie": "sid=1"}}
    assert redact_processor(None, "info", event) == {
        "event": "called 138****8000",
        "password": MASK,
        "ctx": {"cookie": MASK},
    }
