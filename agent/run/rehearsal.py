"""``--mock``: rehearse bundles against the embedded mock portal, for a team's own CI.

``mock_rehearsal(bundles, settings)`` starts the mock portal on a free port of 127.0.0.1 for the length
of a ``with`` block, makes sure every account and selected product the bundles need exists there, and
yields settings pointing at it: the mock's URL, those accounts with the mock's password, and a fresh
temporary state directory (ledger, sessions, lock) unless one is given. The temporary state directory is
deliberate: a rehearsal recorded in the real ledger would make the next real run skip those bundles as
already ready.

Accounts the mock does not seed are added through its documented test route ``POST /__mock/provision``
(the mock stays a black box), with an entity that is already filed
(``已通过``) unless a bundle of that account carries an ``[entity]`` table, in which case the entity is
left to be filed (``未填报``), as the runner expects. Products a bundle ticks but does not define get a
placeholder product with the ticked path and function, standing in for what the real portal would show.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import structlog
from pydantic import SecretStr

from agent import redact
from agent.bundle import Bundle
from agent.settings import Account, Settings

__all__ = ["mock_rehearsal", "provision", "provision_body"]

_log = structlog.get_logger(__name__)


def _placeholder_path(product: str, path: str | None, function: str | None) -> dict[str, Any]:
    """A product ticked but not defined: the ticked path and function, as the real portal would list them."""
    spec: dict[str, Any] = {"fields": {"产品名称": product}}
    if path is not None:
        functions = (
            [] if function is None else [{"功能名称": function, "功能介绍": f"{function}（演练占位）"}]
        )
        spec["paths"] = [{"path": path, "functions": functions}]
    return spec


def provision_body(bundles: Sequence[Bundle], known: Collection[str]) -> dict[str, Any]:
    """The mock's ``/__mock/provision`` body for ``bundles``; ``known``: the accounts the mock has already.

    A new account gets a filed entity (the route's default) unless one of its bundles carries an
    ``[entity]`` table: then it is left to be filed (``未填报``), as the runner expects. An account the
    mock has keeps its 主体信息 (no ``entity`` key).
    """
    accounts: dict[str, dict[str, Any]] = {}
    for bundle in bundles:
        spec = accounts.setdefault(bundle.account, {"products": []})
        if bundle.account not in known and "entity" not in spec:
            own = next(
                (b.filing.entity for b in bundles if b.account == bundle.account and b.filing.entity),
                None,
            )
            name = own.name if own else None
            spec["entity"] = {"filed": own is None, **({"name": name} if name else {})}
        products = bundle.filing.products
        if products is None:
            continue
        defined = {d.name for d in products.define}
        spec["products"] += [
            _placeholder_path(tick.product, tick.path, tick.function)
            for tick in products.select
            if tick.product not in defined
        ]
    return {"accounts": accounts}


def provision(url: str, bundles: Sequence[Bundle]) -> list[str]:
    """Add to the mock at ``url`` what the bundles need, through its documented provision route.

    Returns the accounts the bundles use, in first-seen order.
    """
    # The runner's client of the documented route, never the route's module (the mock's own business).
    from fixtures.mock_portal.runner import call_test_route
    from fixtures.mock_portal.runner import provision as provision_route

    known = set(call_test_route(url, "GET", "/__mock/state")["accounts"])
    body = provision_body(bundles, known)
    for account in body["accounts"]:
        if account not in known:
            _log.info("rehearsal_account_added", account=account)
    return provision_route(url, body)


def _rehearsal_settings(settings: Settings, url: str, accounts: Sequence[str], state_dir: Path) -> Settings:
    from fixtures.mock_portal import DEMO_PASSWORD

    password = SecretStr(DEMO_PASSWORD)
    redact.register_secret(password)
    return settings.model_copy(
        update={
            "portal": settings.portal.model_copy(update={"base_url": url}),
            "paths": settings.paths.model_copy(update={"state_dir": state_dir}),
            "accounts": {
                name: Account(
                    username=name,
                    password=password,
                    allow_auto_login=True,
                    session_file=state_dir / "sessions" / f"{name}.json",
                )
                for name in accounts
            },
        }
    )


@contextmanager
def mock_rehearsal(
    bundles: Sequence[Bundle], settings: Settings, *, state_dir: Path | None = None
) -> Iterator[Settings]:
    """Run the mock portal while the block runs; yield settings that file the bundles into it.

    ``state_dir``: where the rehearsal keeps its ledger, sessions and lock (the CLI's ``--state-dir``);
    None uses a temporary directory, removed afterwards, so the real ledger never records a rehearsal.
    """
    from fixtures.mock_portal import MockPortal

    temp = Path(tempfile.mkdtemp(prefix="beian-rehearsal-"))
    try:
        with MockPortal(temp / "mock-portal") as portal:
            accounts = provision(portal.url, bundles)
            rehearsal = _rehearsal_settings(settings, portal.url, accounts, state_dir or temp / "state")
            _log.info("rehearsal_started", portal=portal.url, accounts=accounts)
            yield rehearsal
            _log.info("rehearsal_finished", portal=portal.url)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
