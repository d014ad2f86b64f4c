"""What the CAC's published filing lists show of a bundle beside its name: role, entity, products, purpose."""

from __future__ import annotations

from agent.bundle.loader import Bundle

__all__ = ["bundle_facts"]


def bundle_facts(bundle: Bundle) -> dict[str, str | None]:
    """What the CAC's published filing lists show beside the name; kept in the ledger for exports."""
    filing = bundle.filing
    if filing.products is not None:
        products: str | None = "、".join(dict.fromkeys(s.product for s in filing.products.select))
    elif filing.technical_service is not None:
        products = filing.technical_service.name
    else:
        products = None
    return {
        "role": filing.algorithm.role,
        "entity_name": filing.entity.name if filing.entity is not None else None,
        "products": products,
        "purpose": filing.algorithm.data.intro,
    }
