"""What to do with a filing, decided from the portal's list and the ledger alone: no browser in here.

The filing flow reads 备案信息 (every filing and draft of the entity) and the ledger entry of the bundle,
and asks ``decide`` which of these it is:

- the portal lists the filing as returned (已退回): continue it (correct and resubmit the same filing,
  never a new one); a ledger ``submitting`` then means our resubmission did not go through;
- the portal lists the filing as anything but a draft: it is submitted (by our own unclear 提交 if the
  ledger says ``submitting``, else by someone before us);
- two or more drafts carry the name: a person chooses which to keep;
- one draft carries the name: continue it;
- none does, but the last run was killed between 新增备案 and the first save: adopt the one unnamed draft;
- otherwise: create a new filing.

A ledger ``submitting`` while the portal still lists a draft means that 提交 did not go through: the
decision says to release it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from agent.state.ledger import LedgerEntry
from agent.status import LedgerStatus
from flows.pages.filings import FilingRow

__all__ = ["CREATING", "Action", "Decision", "ProfileStatuses", "decide"]

CREATING = "creating"  # draft_ref while 新增备案 may have made a draft that has no name yet


class Action(StrEnum):
    CONTINUE_DRAFT = "continue_draft"
    CREATE = "create"
    ADOPT_UNNAMED = "adopt_unnamed"  # a killed run's draft, saved before it had a name
    CONTINUE_RETURNED = "continue_returned"  # 已退回: 修改 on its row, refill, resubmit
    ALREADY_SUBMITTED = "already_submitted"
    SUBMITTED = "submitted"  # our own earlier 提交 went through after all
    DUPLICATE_DRAFTS = "duplicate_drafts"


@dataclass(frozen=True)
class ProfileStatuses:
    """The portal's texts the decision reads: a draft's, an empty cell's and a returned filing's."""

    draft: str
    empty: str
    returned: str | None = None


@dataclass(frozen=True)
class Decision:
    action: Action
    draft_name: str | None = None  # the row to open with 继续填报 (continue, adopt)
    release_submitting: bool = False  # the ledger's ``submitting`` is stale: the portal shows a draft
    drafts: int = 0  # drafts carrying the name (for the duplicate message)


def decide(
    rows: Sequence[FilingRow], entry: LedgerEntry | None, name: str, statuses: ProfileStatuses
) -> Decision:
    mine = [r for r in rows if r.name == name]
    submitting = entry is not None and entry.status is LedgerStatus.SUBMITTING
    if statuses.returned is not None and any(r.status == statuses.returned for r in mine):
        return Decision(Action.CONTINUE_RETURNED, name, submitting)
    if any(r.status != statuses.draft for r in mine):
        return Decision(Action.SUBMITTED if submitting else Action.ALREADY_SUBMITTED)
    drafts = [r for r in mine if r.status == statuses.draft]
    if len(drafts) > 1:
        return Decision(Action.DUPLICATE_DRAFTS, release_submitting=submitting, drafts=len(drafts))
    if drafts:
        return Decision(Action.CONTINUE_DRAFT, name, submitting, 1)
    if entry is not None and entry.draft_ref == CREATING:
        unnamed = [r for r in rows if r.status == statuses.draft and r.name in ("", statuses.empty)]
        if len(unnamed) == 1:
            return Decision(Action.ADOPT_UNNAMED, unnamed[0].name, submitting)
    return Decision(Action.CREATE, release_submitting=submitting)
