"""``queue enqueue``: validate bundles and defer one filing job per valid bundle not yet done.

Each job carries ``lock`` = the account (one filing per entity at a time, across all workers) and
``queueing_lock`` = account + 算法名称 (the portal's own key for a filing), so a bundle is never waiting
twice. A bundle is not queued when it is invalid, when two given bundles share account and algorithm
name, when the ledger shows it done (ready with the same content, or submitted), or when a job for it is
already waiting or running. Bundles are named by their absolute path: workers on other machines must
see them at the same path (a shared folder mounted alike everywhere).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from procrastinate import App
from procrastinate.exceptions import AlreadyEnqueued

from agent.batch.plan import account_key, discover_bundles, ledger_decision
from agent.bundle import BundleInvalid, load_bundle
from agent.queue.records import TASK_NAME, require_url
from agent.queue.schema import ensure_schema
from agent.result import Until
from agent.settings import Settings
from agent.state.ledger import bundle_key_for
from agent.state.pg_ledger import PostgresLedger, connect
from agent.status import EnqueueOutcome, enqueue_outcome

__all__ = ["EnqueueItem", "enqueue_async", "identity_of"]


@dataclass
class EnqueueItem:
    bundle: str
    outcome: EnqueueOutcome
    account: str | None = None
    algorithm: str | None = None
    job_id: int | None = None
    note: str = ""
    errors: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "bundle": self.bundle,
            "outcome": self.outcome.value,
            "account": self.account,
            "algorithm": self.algorithm,
            "job_id": self.job_id,
            "note": self.note,
            "errors": self.errors,
        }


def identity_of(account: str, algorithm: str) -> str:
    return f"{account_key(account)}/{algorithm}"


def _active_identities(url: str) -> set[str]:
    with connect(url) as conn:
        rows = conn.execute(
            "SELECT DISTINCT args->>'identity' AS identity FROM procrastinate_jobs "
            "WHERE task_name = %s AND status IN ('todo', 'doing')",
            (TASK_NAME,),
        ).fetchall()
    return {row["identity"] for row in rows}


async def enqueue_async(
    app: App, settings: Settings, paths: Sequence[Path], *, until: Until = Until.CONFIRM
) -> list[EnqueueItem]:
    url = require_url(settings)
    ensure_schema(url)
    ledger = PostgresLedger(url)
    active = _active_identities(url)
    seen: dict[str, str] = {}
    items: list[EnqueueItem] = []
    profile = settings.profile()
    for directory in discover_bundles(paths):
        key = bundle_key_for(directory)
        try:
            bundle = load_bundle(directory, profile)
        except BundleInvalid as exc:
            errors = [e.as_dict() for e in exc.errors]
            items.append(
                EnqueueItem(key, EnqueueOutcome.INVALID, note=f"{len(errors)} problem(s)", errors=errors)
            )
            continue
        account, algorithm = bundle.account, bundle.filing.algorithm.name
        item = EnqueueItem(key, EnqueueOutcome.QUEUED, account=account, algorithm=algorithm)
        items.append(item)
        identity = identity_of(account, algorithm)
        if identity in seen:
            item.outcome, item.note = (
                EnqueueOutcome.INVALID,
                f"same account and algorithm name as {seen[identity]}",
            )
            continue
        seen[identity] = key
        decision = ledger_decision(ledger.get(key), bundle.content_hash(), until)
        if decision is not None:
            outcome, note = decision
            item.outcome, item.note = enqueue_outcome(outcome), note
            continue
        if identity in active:
            item.outcome, item.note = (
                EnqueueOutcome.ALREADY_QUEUED,
                "a job for this bundle is waiting or running",
            )
            continue
        deferrer = app.configure_task(TASK_NAME, lock=account_key(account), queueing_lock=identity)
        try:
            item.job_id = await deferrer.defer_async(
                bundle=key, account=account, identity=identity, until=until.value
            )
        except AlreadyEnqueued:
            item.outcome, item.note = EnqueueOutcome.ALREADY_QUEUED, "a job for this bundle is waiting"
    return items
