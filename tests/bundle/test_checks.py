from __future__ import annotations

from datetime import date

import pytest

from agent.bundle import checks

# Published codes of well-known companies: the algorithm must accept real data.
REAL_USCC = ["91350100M000100Y43", "9144030071526726XG", "91330100716105852F", "914403001922038216"]


@pytest.mark.parametrize("code", [*REAL_USCC, "91330106MA2H7K3P0K"])
def test_uscc_valid(code: str) -> None:
    assert checks.uscc_problem(code) is None


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91330106MA2H7K3P0J", "check character"),
        ("91330106MA2H7K3P0", "has 17 characters"),
        ("91330106ma2h7k3p0k", "capital letters"),
        ("91330106MA2H7K3POK", "'O'"),
        ("9133A106MA2H7K3P0K", "characters 3–8 must be digits"),
    ],
)
def test_uscc_invalid(code: str, fragment: str) -> None:
    problem = checks.uscc_problem(code)
    assert problem is not None and fragment in problem and " — " in problem


def test_uscc_check_char_cycle_wraps_to_zero() -> None:
    # (31 - total % 31) % 31: a total divisible by 31 gives '0', not an index out of range.
    assert checks.uscc_check_char("00000000000000000") == "0"


@pytest.mark.parametrize("number", ["11010519491231002X", "330106198503121231", "330102199007184566"])
def test_id_number_valid(number: str) -> None:
    assert checks.id_number_problem(number) is None


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("330106198503121232", "wrong check digit"),
        ("330102199002314560", "no valid birth date"),  # 1990-02-31 with a right check digit
        ("11010519491231002x", "lower-case x"),
        ("1101051949123100", "not 18 characters"),
        ("11010518491231002X", "impossible birth date"),
    ],
)
def test_id_number_invalid(number: str, fragment: str) -> None:
    problem = checks.id_number_problem(number)
    assert problem is not None and fragment in problem
    assert number not in problem  # never echoed in clear


def test_id_number_born_in_the_future() -> None:
    number = "11010520300101001"
    number += checks.id_check_digit(number)
    assert "impossible birth date" in (checks.id_number_problem(number, today=date(2026, 1, 1)) or "")


@pytest.mark.parametrize("number", ["13800138000", "19912345678", "15000000000"])
def test_mobile_valid(number: str) -> None:
    assert checks.mobile_problem(number) is None


@pytest.mark.parametrize(
    "number", ["12800138000", "1380013800", "138001380001", "+8613800138000", "1380013800a"]
)
def test_mobile_invalid(number: str) -> None:
    problem = checks.mobile_problem(number)
    assert problem is not None and "13800138000" in problem
    assert problem.split(" ")[0] != number  # masked, not echoed


@pytest.mark.parametrize(
    "address", ["a@b.cn", "security@xinqidian.example.cn", "zhang.san+filing@mail.example.com"]
)
def test_email_valid(address: str) -> None:
    assert checks.email_problem(address) is None


@pytest.mark.parametrize("address", ["security.example.cn", "a@b", "a@@b.cn", "a b@c.cn", "@b.cn"])
def test_email_invalid(address: str) -> None:
    problem = checks.email_problem(address)
    assert problem is not None and "name@example.com" in problem


@pytest.mark.parametrize(
    "url", ["https://www.example.cn", "http://127.0.0.1:8080/api?x=1", "https://例子.中国/app"]
)
def test_url_valid(url: str) -> None:
    assert checks.url_problem(url) is None


@pytest.mark.parametrize(
    "url", ["www.example.cn", "ftp://example.cn/x", "https://", "https://exa mple.cn", "http://[::1"]
)
def test_url_invalid(url: str) -> None:
    assert "http(s) URL" in (checks.url_problem(url) or "")


def test_nav_path() -> None:
    assert checks.nav_path_problem("首页 > AI写作") is None
    assert checks.nav_path_problem("首页") is None
    assert "empty step" in (checks.nav_path_problem("首页 >  > AI写作") or "")
    assert "empty step" in (checks.nav_path_problem("首页 >") or "")


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("算法简介", 4),
        ("abc", 3),
        ("👍", 1),
        ("👍🏽", 1),  # skin tone modifier
        ("👨\u200d👩\u200d👧", 1),  # family: zero-width joiner sequence
        ("🇨🇳", 1),  # flag: two regional indicators
        ("🇨🇳🇭🇰", 2),
        ("é", 1),  # e + combining acute
        ("❤️", 1),  # heart + variation selector 16
        ("a\r\nb", 3),
        ("", 0),
    ],
)
def test_count_chars(text: str, count: int) -> None:
    assert checks.count_chars(text) == count


def test_mask() -> None:
    assert checks.mask("330106198503121231") == "3301**********1231"
    assert checks.mask("12800138000") == "128****8000"
    assert checks.mask("1234567") == "*******"
