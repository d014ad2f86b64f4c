"""The portal refusing is not the portal failing: a refusal is tried once and reported with the portal's
message; a refused password exits 3 with the command that fixes it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agent.exit_codes import ExitCode
from agent.settings import load_settings
from agent.status import RunStatus
from fixtures.mock_portal import MockPortal

from .conftest import Runner
from .helpers import ACCOUNTS, RETRY, TIMEOUTS

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("errno", "errmsg"), [(400, "产品名称已存在"), (7, "未知的拒绝")])
def test_a_refusal_is_tried_once_and_reported_with_the_portals_message(
    errno: int, errmsg: str, portal: MockPortal, run: Runner, bundle_copy: Callable[[str], Path]
) -> None:
    portal.set_faults(refuse_route="POST /api/product/save", refuse_errno=errno, refuse_errmsg=errmsg)

    result = run(bundle_copy("newco"))

    assert result.status is RunStatus.FAILED and result.exit_code is ExitCode.FAILED
    assert portal.state()["counters"]["by_route"]["POST /api/product/save"] == 1, "a refusal was retried"
    message = result.errors[-1].message
    assert message.startswith("产品及功能信息: ") and errmsg in message, message
    assert result.errors[-1].kind == "PortalRejected"


def test_a_wrong_password_exits_3_with_the_login_command(
    portal: MockPortal, run: Runner, bundle_copy: Callable[[str], Path], tmp_path: Path
) -> None:
    settings = load_settings(
        None,
        portal={"base_url": portal.url},
        paths={"state_dir": tmp_path / "state", "evidence_dir": tmp_path / "evidence"},
        accounts={name: {"username": name, "password": "not-the-password"} for name in ACCOUNTS},
        timeouts=TIMEOUTS,
        retry=RETRY,
    )

    result = run(bundle_copy("supporter"), use=settings)

    assert result.exit_code is ExitCode.LOGIN_REQUIRED
    message = result.errors[-1].message
    assert message.startswith("login: ") and "beian-agent login --account demo-supporter" in message
    assert "账号或密码错误" in message and "not-the-password" not in message
    assert result.errors[-1].kind == "LoginFailed"
    assert portal.state()["counters"]["by_route"]["POST /api/login"] == 1
