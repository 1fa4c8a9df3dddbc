"""Maintaining the roll-up tables: a tenant's own figures, then its subtree's up to the root.

A change in a tenant enqueues ``oversight.rollup`` for it (see ``tracking``); the job recounts that
tenant's own records and re-adds the subtree figures of each of its ancestors from their children's
roll-ups, so a page view only reads a handful of prepared rows. ``refresh_everything`` (the daily
job) rebuilds every tenant bottom-up: overdue work plans become overdue with time, not with a change.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng import clock
from minsheng.db.base import utcnow
from minsheng.oversight.figures import Figures, Key, ancestry_path, figures_of, merge
from minsheng.oversight.models import OWN, TREE, OversightRollup
from minsheng.oversight.sources import count_own_records
from minsheng.tenancy.context import TenantRef, current_tenant, tenant_scope
from minsheng.tenancy.isolation import rebind_tenant
from minsheng.tenancy.models import Tenant

# One roll-up writer at a time on PostgreSQL: two townships of one county refreshed at once would
# each re-add the county from a sibling's stale figures. Roll-ups are short, so waiting is cheap.
ROLLUP_LOCK_KEY = 0x6F76657273  # "overs"


async def serialize(session: AsyncSession) -> None:
    """Wait for the roll-up lock (PostgreSQL; SQLite has one writer anyway), held until the commit."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ROLLUP_LOCK_KEY})


def _rows(tenant_id: uuid.UUID, scope: str, path: str, table: dict[Key, Figures]) -> list[dict[str, Any]]:
    now = utcnow()
    return [
        {
            "tenant_id": tenant_id,
            "scope": scope,
            "year": year,
            "category": category,
            "path": path,
            "updated_at": now,
            **figures.as_dict(),
        }
        for (year, category), figures in sorted(table.items())
    ]


async def _replace(
    session: AsyncSession, tenant_id: uuid.UUID, scope: str, path: str, table: dict[Key, Figures]
) -> None:
    await session.execute(
        delete(OversightRollup).where(OversightRollup.tenant_id == tenant_id, OversightRollup.scope == scope)
    )
    rows = _rows(tenant_id, scope, path, table)
    if rows:
        await session.execute(insert(OversightRollup), rows)


def _table(rows: Iterable[OversightRollup]) -> dict[Key, Figures]:
    table: dict[Key, Figures] = {}
    for row in rows:
        table.setdefault((row.year, row.category), Figures()).add(figures_of(row))
    return table


def _today(chain: Sequence[Tenant]) -> date:
    """Today in the zone of ``chain[-1]`` (root first): what is overdue is counted on its calendar."""
    return clock.today(clock.zone_of_chain([(t.plugins, t.settings or {}) for t in chain]))


async def refresh_own(session: AsyncSession, chain: Sequence[Tenant], path: str) -> None:
    """Recount ``chain[-1]``'s own records into its ``own`` roll-up rows (``chain``: root first)."""
    tenant = chain[-1]
    with tenant_scope(TenantRef(tenant.id, tenant.slug)):
        await rebind_tenant(session)
        await _replace(session, tenant.id, OWN, path, await count_own_records(session, _today(chain)))


async def refresh_tree(session: AsyncSession, tenant: Tenant, path: str, children: list[uuid.UUID]) -> None:
    """Re-add ``tenant``'s subtree figures: its own rows plus its children's subtree rows."""
    with tenant_scope(TenantRef(tenant.id, tenant.slug)):
        await rebind_tenant(session)
        members = or_(
            and_(OversightRollup.tenant_id == tenant.id, OversightRollup.scope == OWN),
            and_(OversightRollup.tenant_id.in_(children), OversightRollup.scope == TREE),
        )
        rows = (await session.scalars(select(OversightRollup).where(members))).all()
        table = merge([_table(rows)])
        await _replace(session, tenant.id, TREE, path, table)


async def refresh_tenant(session: AsyncSession, tenant_id: uuid.UUID, *, locked: bool = False) -> int:
    """Recount one tenant and re-add every ancestor's subtree; returns how many tenants were touched.

    ``locked``: the caller already holds the roll-up lock (``serialize``).
    """
    previous = current_tenant()
    tenant = await session.get(Tenant, tenant_id)
    if tenant is None:
        return 0
    if not locked:
        await serialize(session)
    chain = [tenant]
    while chain[0].parent_id is not None:
        parent = await session.get(Tenant, chain[0].parent_id)
        if parent is None:
            break
        chain.insert(0, parent)
    paths = {node.id: ancestry_path(n.id for n in chain[: index + 1]) for index, node in enumerate(chain)}
    try:
        await refresh_own(session, chain, paths[tenant.id])
        for node in reversed(chain):
            children = list(await session.scalars(select(Tenant.id).where(Tenant.parent_id == node.id)))
            await refresh_tree(session, node, paths[node.id], children)
    finally:
        with tenant_scope(previous):
            await rebind_tenant(session)
    return len(chain)


async def refresh_everything(session: AsyncSession, progress: Any = None) -> int:
    """Rebuild every tenant's roll-ups, deepest tenants first; returns the number of tenants."""
    previous = current_tenant()
    await serialize(session)
    tenants = list((await session.scalars(select(Tenant))).all())
    by_id = {t.id: t for t in tenants}
    parent_of = {t.id: t.parent_id for t in tenants}
    children: dict[uuid.UUID, list[uuid.UUID]] = {}
    for tenant in tenants:
        if tenant.parent_id is not None:
            children.setdefault(tenant.parent_id, []).append(tenant.id)

    def lineage(tenant_id: uuid.UUID) -> list[uuid.UUID]:
        ids = [tenant_id]
        while (parent := parent_of.get(ids[0])) is not None:
            ids.insert(0, parent)
        return ids

    ordered = sorted(tenants, key=lambda t: -len(lineage(t.id)))
    # Children come before their parent, so each subtree is added up in memory from its children's.
    trees: dict[uuid.UUID, dict[Key, Figures]] = {}
    try:
        for done, tenant in enumerate(ordered, start=1):
            path = ancestry_path(lineage(tenant.id))
            with tenant_scope(TenantRef(tenant.id, tenant.slug)):
                await rebind_tenant(session)
                own = await count_own_records(session, _today([by_id[i] for i in lineage(tenant.id)]))
                trees[tenant.id] = merge([own, *(trees.pop(c, {}) for c in children.get(tenant.id, []))])
                await session.execute(delete(OversightRollup).where(OversightRollup.tenant_id == tenant.id))
                rows = _rows(tenant.id, OWN, path, own) + _rows(tenant.id, TREE, path, trees[tenant.id])
                if rows:
                    await session.execute(insert(OversightRollup), rows)
            if progress is not None and done % 200 == 0:
                await progress(done, len(ordered))
    finally:
        with tenant_scope(previous):
            await rebind_tenant(session)
    return len(ordered)
