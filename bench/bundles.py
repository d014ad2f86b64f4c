"""Bench copies of the fixture bundles (own algorithm names, any account) and the state they need."""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["BATCH_MIX", "BENCH_ACCOUNTS", "FIXTURES", "batch_bundles", "conditions", "read_bundle", "variant"]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bundles"
PROVIDER = FIXTURES / "provider-basic"
SUPPORTER = FIXTURES / "supporter-basic"
# Accounts the mock does not seed, added for the bench through the mock's provision route (see
# ``bench.portal``), each with a filed 主体信息 of its own.
BENCH_ACCOUNTS: tuple[str, ...] = ("demo-bench",)
# A batch cycles through four accounts: the three seeded ones (demo-newco files the provider bundle as its
# own) and demo-bench, which files the supporter bundle. The agent's batch files one account's bundles
# one after another (the portal keeps one session per entity), so with 3 accounts a batch of 20 has an
# account with 7 filings and 2 workers could at best go 20/13 = 1.54 times as fast as 1; with 4 accounts
# (5 filings each) the ideal is 2.0.
BATCH_MIX: tuple[tuple[Path, str], ...] = (
    (PROVIDER, "demo-provider"),
    (SUPPORTER, "demo-supporter"),
    (PROVIDER, "demo-newco"),
    (SUPPORTER, "demo-bench"),
)

_PRODUCT_LABELS = {
    "name": "产品名称",
    "service_form": "服务形式",
    "url": "访问地址",
    "status": "服务状态",
    "audience": "服务对象",
    "real_name_required": "是否需实名认证",
    "prior_permits": "前置许可",
}


def read_bundle(bundle_dir: Path) -> dict[str, Any]:
    with (bundle_dir / "filing.toml").open("rb") as fh:
        return tomllib.load(fh)


def variant(src: Path, dest: Path, *, name: str, account: str | None = None) -> Path:
    """A copy of bundle ``src`` at ``dest`` whose algorithm is called ``name`` (and filed by ``account``)."""
    data = read_bundle(src)
    shutil.copytree(src, dest)
    text = (src / "filing.toml").read_text(encoding="utf-8")
    old_name = f'name = "{data["algorithm"]["name"]}"'
    if text.count(old_name) != 1:
        raise ValueError(f"{src}: cannot find the algorithm name line to rename")
    text = text.replace(old_name, f'name = "{name}"')
    if account is not None:
        old_account = f'account = "{data["account"]}"'
        text = text.replace(old_account, f'account = "{account}"', 1)
    (dest / "filing.toml").write_text(text, encoding="utf-8")
    return dest


def batch_bundles(workdir: Path, count: int, tag: str) -> list[Path]:
    """``count`` bundles cycling through ``BATCH_MIX``, each with an algorithm name of its own."""
    out = []
    for i in range(count):
        src, account = BATCH_MIX[i % len(BATCH_MIX)]
        name = f"{read_bundle(src)['algorithm']['name']}-{tag}-{i + 1:02d}"
        out.append(variant(src, workdir / f"{tag}-{i + 1:02d}", name=name, account=account))
    return out


def _yes_no(value: Any) -> Any:
    return ("是" if value else "否") if isinstance(value, bool) else value


def conditions(bundle_dirs: Iterable[Path]) -> dict[str, Any]:
    """What every measured filing finds on the portal: its account's 主体信息 filed, its products defined."""
    out: dict[str, Any] = {}
    for bundle_dir in bundle_dirs:
        data = read_bundle(bundle_dir)
        account = out.setdefault(data["account"], {"products": []})
        known = {p["fields"]["产品名称"] for p in account["products"]}
        for product in data.get("products", {}).get("define", []):
            if product["name"] in known:
                continue
            fields = {
                label: _yes_no(product[key]) for key, label in _PRODUCT_LABELS.items() if key in product
            }
            paths = [
                {
                    "path": path["path"],
                    "functions": [
                        {"功能名称": f["name"], "功能介绍": f["intro"]} for f in path.get("functions", [])
                    ],
                }
                for path in product.get("paths", [])
            ]
            account["products"].append({"fields": fields, "paths": paths})
    return out
