"""``--mock``: rehearse bundles against the embedded mock portal, for a team's own CI.

``mock_rehearsal(bundles, settings)`` starts the mock portal on a free port of 127.0.0.1 for the length
of a ``with`` block, makes sure every account and selected product the bundles need exists there, and
yields settings pointing at it: the mock's URL, those accounts with the mock's password, and a fresh
temporary state directory (ledger, sessions, lock) unless one is given. The temporary state directory is
deliberate: a rehearsal recorded in the real ledger would make the next real run skip those bundles as
already ready.

Accounts the mock does not seed are added straight into its store, with an entity that is already filed
(``已通过``) unless a bundle of that account carries an ``[entity]`` table, in which case the entity is
left to be filed (``未填报``), as the runner expects. Products a bundle ticks but does not define get a
placeholder product with the ticked path and function, standing in for what the real portal would show.
"""

from __future__ import annotations

import copy
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import structlog
from pydantic import SecretStr

from agent import redact
from agent.bundle import Bundle
from agent.settings import Account, Settings

if TYPE_CHECKING:
    from fixtures.mock_portal.store import Store

__all__ = ["mock_rehearsal", "provision"]

_log = structlog.get_logger(__name__)


def _placeholder_entity(account: str, name: str | None, *, filed: bool) -> dict[str, Any]:
    from fixtures.mock_portal.seed import SEED_ACCOUNTS, SEED_TIME

    if not filed:
        return {
            "status": "未填报",
            "sections": {"主体基本信息": {"主体名称": name or f"{account} 演练主体"}},
            "attachments": {},
            "updated_at": SEED_TIME,
        }
    entity = copy.deepcopy(SEED_ACCOUNTS["demo-provider"])
    entity["sections"]["主体基本信息"]["主体名称"] = name or f"{account} 演练主体"
    return entity


def _add_account(store: Store, account: str, entity: dict[str, Any]) -> None:
    store.add_account(account, entity)


def _ensure_selected_product(
    store: Store, account: str, product: str, path: str | None, function: str | None
) -> None:
    from fixtures.mock_portal.seed import SEED_PRODUCTS

    existing = next((p for p in store.list_products(account) if p["fields"].get("产品名称") == product), None)
    if existing is None:
        fields = dict(SEED_PRODUCTS["demo-provider"][0]["fields"], 产品名称=product)
        existing = store.add_product(account, fields)
    if path is None:
        return
    paths: list[dict[str, Any]] = existing.setdefault("paths", [])
    entry = next((p for p in paths if p["path"] == path), None)
    if entry is None:
        entry = {"id": len(paths) + 1, "path": path, "functions": []}
        paths.append(entry)
    functions: list[dict[str, Any]] = entry.setdefault("functions", [])
    if function is not None and all(f.get("功能名称") != function for f in functions):
        functions.append(
            {"id": len(functions) + 1, "功能名称": function, "功能介绍": f"{function}（演练占位）"}
        )
    store.put_product(existing)


def provision(store: Store, bundles: Sequence[Bundle]) -> list[str]:
    """Add to the mock what the bundles need; returns the accounts they use, in first-seen order."""
    accounts: list[str] = []
    with store._lock:
        known = {row[0] for row in store._db.execute("SELECT account FROM accounts")}
    for bundle in bundles:
        if bundle.account not in accounts:
            accounts.append(bundle.account)
        if bundle.account not in known:
            own = next(
                (b.filing.entity for b in bundles if b.account == bundle.account and b.filing.entity),
                None,
            )
            entity = _placeholder_entity(bundle.account, own.name if own else None, filed=own is None)
            _add_account(store, bundle.account, entity)
            known.add(bundle.account)
            _log.info("rehearsal_account_added", account=bundle.account)
        products = bundle.filing.products
        if products is None:
            continue
        defined = {d.name for d in products.define}
        for tick in products.select:
            if tick.product not in defined:
                _ensure_selected_product(store, bundle.account, tick.product, tick.path, tick.function)
    return accounts


def _rehearsal_settings(settings: Settings, url: str, accounts: Sequence[str], state_dir: Path) -> Settings:
    from fixtures.mock_portal.seed import DEMO_PASSWORD

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
            store: Store = portal.app.state.store
            accounts = provision(store, bundles)
            rehearsal = _rehearsal_settings(settings, portal.url, accounts, state_dir or temp / "state")
            _log.info("rehearsal_started", portal=portal.url, accounts=accounts)
            yield rehearsal
            _log.info("rehearsal_finished", portal=portal.url)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
