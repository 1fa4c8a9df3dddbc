"""Oversight queries: the figures of a tenant's subtree, for a caller whose subtree contains it.

A county sees itself and its townships, a city its counties, the province everything; nobody sees a
neighbour. The query declares the tenants it reads — the tenant looked at and its direct children —
and reads their prepared roll-up rows only (``models`` explains the row-level security behind them).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.errors import NotFound
from minsheng.oversight import tracking  # noqa: F401 - changes must enqueue roll-ups wherever this is used
from minsheng.oversight.figures import Figures, figures_of
from minsheng.oversight.models import OWN, TREE, OversightRollup
from minsheng.tenancy import services as tenancy
from minsheng.tenancy.models import Tenant
from minsheng.tenancy.snapshot import TenantLike


@dataclass
class Place:
    """One direct child of the tenant looked at (or the tenant's own records, "本级")."""

    tenant: TenantLike
    figures: Figures
    own_records: bool = False


@dataclass
class Dashboard:
    tenant: TenantLike
    ancestry: list[TenantLike]  # from the caller down to the tenant looked at
    year: int | None
    years: list[int]
    totals: Figures
    by_year: dict[int, Figures]
    by_category: dict[str, Figures]
    places: list[Place] = field(default_factory=list)
    updated_at: datetime | None = None


async def subtree_member(session: AsyncSession, caller: TenantLike, slug: str | None) -> list[TenantLike]:
    """The chain from ``caller`` down to the tenant ``slug`` (the caller itself when None).

    404 when ``slug`` is not in the caller's subtree, exactly as when it does not exist.
    """
    if not slug or slug == caller.slug:
        return [caller]
    target = await tenancy.find_with_ancestry(session, slug)
    if target is None:
        raise NotFound("Not found")
    chain: list[TenantLike] = [target]
    while chain[0].id != caller.id:
        if chain[0].parent_id is None:
            raise NotFound("Not found")
        parent = await session.get(Tenant, chain[0].parent_id)
        if parent is None:
            raise NotFound("Not found")
        chain.insert(0, parent)
    return chain


async def dashboard(session: AsyncSession, chain: list[TenantLike], year: int | None) -> Dashboard:
    """The figures of ``chain[-1]``'s subtree: totals, by year, by category, by place (its children)."""
    tenant = chain[-1]
    children = list(
        (await session.scalars(select(Tenant).where(Tenant.parent_id == tenant.id).order_by(Tenant.slug))).all()
    )
    declared: list[uuid.UUID] = [tenant.id, *(child.id for child in children)]
    rows = (await session.scalars(select(OversightRollup).where(OversightRollup.tenant_id.in_(declared)))).all()
    tree = [r for r in rows if r.tenant_id == tenant.id and r.scope == TREE]
    years = sorted({r.year for r in tree}, reverse=True)
    in_year = [r for r in tree if year is None or r.year == year]
    board = Dashboard(
        tenant=tenant,
        ancestry=chain,
        year=year,
        years=years,
        totals=Figures(),
        by_year={},
        by_category={},
        updated_at=max((r.updated_at for r in rows), default=None),
    )
    for row in tree:
        board.by_year.setdefault(row.year, Figures()).add(figures_of(row))
    for row in in_year:
        board.totals.add(figures_of(row))
        board.by_category.setdefault(row.category, Figures()).add(figures_of(row))
    by_child: dict[uuid.UUID, Figures] = {child.id: Figures() for child in children}
    own = Figures()
    for row in rows:
        if year is not None and row.year != year:
            continue
        if row.tenant_id in by_child and row.scope == TREE:
            by_child[row.tenant_id].add(figures_of(row))
        elif row.tenant_id == tenant.id and row.scope == OWN:
            own.add(figures_of(row))
    if not own.is_empty():
        board.places.append(Place(tenant=tenant, figures=own, own_records=True))
    board.places.extend(Place(tenant=child, figures=by_child[child.id]) for child in children)
    return board
