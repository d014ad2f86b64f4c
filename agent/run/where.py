"""Where a run is, in words an operator knows: the page (login, 主体信息, step 2, 确认提交) and its key.

Errors and failure evidence are named with it. The filing flow reports stages through
``agent.progress``; between stages (after one ends, before the next begins) the run is on its way to
the next page of the sequence a person follows, so that page is named.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent import progress
from agent.bundle import Bundle
from agent.profile import PortalProfile
from agent.progress import Stage

__all__ = ["Where", "where_now"]

_STEPS = {Stage.STEP1: 1, Stage.STEP2: 2, Stage.STEP3: 3}


@dataclass(frozen=True)
class Where:
    key: str  # for file names: login, entity, products, filings, step1..step3, confirm, submit
    page: str  # as errors say it: login, 主体信息, 产品及功能信息, 备案信息, step 2, 确认提交, 提交
    action: str | None = None


def _named(stage: Stage, profile: PortalProfile) -> Where:
    if stage in _STEPS:
        return Where(stage.value, f"step {_STEPS[stage]}")
    names = {
        Stage.LOGIN: Where("login", "login"),
        Stage.ENTITY: Where("entity", profile.text("home_entity")),
        Stage.PRODUCTS: Where("products", profile.text("home_products")),
        Stage.STEP4: Where("confirm", profile.step("confirm")),
        Stage.SUBMIT: Where("submit", profile.text("submit")),
    }
    return names[stage]


def _after(stage: Stage, bundle: Bundle, profile: PortalProfile) -> Where:
    """The page a run is on between ``stage`` ending and the next stage starting."""
    if stage in _STEPS or stage in (Stage.STEP4, Stage.SUBMIT):
        return _named(stage, profile)  # 下一步 / 提交 are still actions on that page
    order = [Stage.LOGIN]
    if bundle.filing.entity is not None:
        order.append(Stage.ENTITY)
    if bundle.is_provider:
        order.append(Stage.PRODUCTS)
    later = order[order.index(stage) + 1 :] if stage in order else []
    if later:
        return Where("home", profile.text("home"))
    return Where("filings", profile.text("home_filings"))


def where_now(bundle: Bundle, profile: PortalProfile) -> Where:
    stage, done, action = progress.position()
    if stage is None:
        here = Where("login", "login")
    else:
        here = _after(stage, bundle, profile) if done else _named(stage, profile)
    return Where(here.key, here.page, action or None)
