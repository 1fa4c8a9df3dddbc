"""Use cases of the tenant tree: create, look up, list, walk the ancestry."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from minsheng.audit import services as audit
from minsheng.db.listing import page_of
from minsheng.errors import Conflict, InvalidInput, NotFound
from minsheng.i18n import Term
from minsheng.plugins.manager import MinshengPluginManager, get_plugin_manager
from minsheng.tenancy.configuration import validate_configuration
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.tenancy.isolation import rebind_tenant
from minsheng.tenancy.models import Tenant, TenantLevel

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")

# Which level may sit under which. A county may sit directly under a province (省直管县).
ALLOWED_PARENTS: dict[TenantLevel, tuple[TenantLevel | None, ...]] = {
    TenantLevel.PROVINCE: (None,),
    TenantLevel.CITY: (TenantLevel.PROVINCE,),
    TenantLevel.COUNTY: (TenantLevel.CITY, TenantLevel.PROVINCE),
    TenantLevel.TOWNSHIP: (TenantLevel.COUNTY,),
}


@dataclass(frozen=True)
class TenantDraft:
    slug: str
    name: str
    level: str
    parent: str | None = None
    plugins: list[str] | None = None
    settings: dict[str, Any] | None = None


def validate_slug(slug: str) -> str:
    if not SLUG_PATTERN.match(slug):
        raise InvalidInput(
            "A slug has 1 to 63 lower-case letters, digits or dashes, and starts and ends with a letter or digit"
        )
    return slug


def parse_level(level: str) -> TenantLevel:
    try:
        return TenantLevel(level)
    except ValueError as exc:
        raise InvalidInput("Unknown tenant level {level}", level=level) from exc


def check_placement(level: TenantLevel, parent: Tenant | None) -> None:
    """Refuse a node under a parent of the wrong level (a township belongs to a county, ...)."""
    parent_level = parent.level if parent else None
    if parent_level not in ALLOWED_PARENTS[level]:
        if parent is None:
            raise InvalidInput("A {level} needs a parent tenant", level=Term(level.value))
        raise InvalidInput(
            "A {level} cannot be placed under a {parent_level}",
            level=Term(level.value),
            parent_level=Term(parent.level.value),
        )


async def find_by_slug(session: AsyncSession, slug: str) -> Tenant | None:
    return (await session.execute(select(Tenant).where(Tenant.slug == slug))).scalar_one_or_none()


def _tenant_with_ancestry() -> Select[Tenant]:
    chain = select(Tenant.id, Tenant.parent_id).where(Tenant.slug == bindparam("slug")).cte("chain", recursive=True)
    parent = aliased(Tenant)
    chain = chain.union_all(select(parent.id, parent.parent_id).join(chain, parent.id == chain.c.parent_id))
    return select(Tenant).join(chain, Tenant.id == chain.c.id)


# Built once: constructing the recursive query costs more than running it.
_TENANT_WITH_ANCESTRY = _tenant_with_ancestry()
_LOADED_TENANTS = "minsheng.loaded_tenants"


async def chain_of(session: AsyncSession, slug: str) -> list[Tenant]:
    """The tenant ``slug`` with its ancestors, root first, in one round trip; empty when there is none."""
    rows = (await session.execute(_TENANT_WITH_ANCESTRY, {"slug": slug})).scalars().all()
    by_id = {row.id: row for row in rows}
    tenant = next((row for row in rows if row.slug == slug), None)
    if tenant is None:
        return []
    chain = [tenant]
    while chain[0].parent_id is not None and chain[0].parent_id in by_id:
        chain.insert(0, by_id[chain[0].parent_id])
    # Kept in the session (``session.info``: its identity map holds rows only weakly), so a later
    # ``session.get`` of any of them, or ``configuration.ancestry``, needs no SQL.
    session.info.setdefault(_LOADED_TENANTS, []).extend(chain)
    return chain


async def find_with_ancestry(session: AsyncSession, slug: str) -> Tenant | None:
    """The tenant ``slug``, its ancestors loaded in the same query (see :func:`chain_of`)."""
    chain = await chain_of(session, slug)
    return chain[-1] if chain else None


async def get_by_slug(session: AsyncSession, slug: str) -> Tenant:
    tenant = await find_by_slug(session, slug)
    if tenant is None:
        raise NotFound("Not found")
    return tenant


async def create_tenant(
    session: AsyncSession, draft: TenantDraft, *, actor: str, manager: MinshengPluginManager | None = None
) -> Tenant:
    """Create a tenant under its parent; 409 when the slug exists, 422 for a bad level or parent.

    Its plugins and settings are validated against the installed plugins' schemas.
    The slug's uniqueness is the database's: of many concurrent requests exactly one wins.
    Audited in the platform's chain and as the first event of the tenant's own chain.
    """
    slug = validate_slug(draft.slug.strip())
    level = parse_level(draft.level)
    name = draft.name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("A tenant needs a name of at most 200 characters")
    parent = None
    if draft.parent:
        parent = await find_by_slug(session, draft.parent)
        if parent is None:
            raise InvalidInput("Unknown parent tenant {parent}", parent=draft.parent)
    check_placement(level, parent)
    await validate_configuration(session, manager or get_plugin_manager(), parent, draft.plugins, draft.settings)
    if await find_by_slug(session, slug) is not None:
        raise Conflict("A tenant with the slug {slug} already exists", slug=slug)
    tenant = Tenant(
        slug=slug,
        name=name,
        level=level,
        parent_id=parent.id if parent else None,
        plugins=draft.plugins,
        settings=draft.settings or {},
    )
    try:
        async with session.begin_nested():
            session.add(tenant)
    except IntegrityError as exc:
        raise Conflict("A tenant with the slug {slug} already exists", slug=slug) from exc
    summary = {"slug": slug, "name": name, "level": level.value, "parent": draft.parent}
    await audit.record_platform(session, "tenant.created", actor=actor, subject=slug, payload=summary)
    with tenant_scope(TenantRef(tenant.id, tenant.slug)):
        await rebind_tenant(session)
        await audit.record(session, "tenant.created", actor=actor, subject=slug, payload=summary)
    await rebind_tenant(session)
    return tenant


async def list_tenants(
    session: AsyncSession,
    *,
    page: int,
    per_page: int,
    q: str | None = None,
    level: str | None = None,
    parent_id: uuid.UUID | None = None,
) -> tuple[list[Tenant], int]:
    """A page of tenants, filtered by a search text, level or parent; ordered by slug."""
    query = select(Tenant)
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(or_(Tenant.slug.ilike(pattern), Tenant.name.ilike(pattern)))
    if level:
        query = query.where(Tenant.level == parse_level(level))
    if parent_id:
        query = query.where(Tenant.parent_id == parent_id)
    return await page_of(session, query, Tenant.slug, page=page, per_page=per_page)


UPDATABLE_FIELDS = ("name", "plugins", "settings")


async def update_tenant(
    session: AsyncSession,
    slug: str,
    changes: dict[str, Any],
    *,
    actor: str,
    manager: MinshengPluginManager | None = None,
) -> Tenant:
    """Change a tenant's name, plugin list (None: inherit) or settings; the configuration is validated.

    Audited in the platform's chain and the tenant's own. Its townships' effective configuration
    follows at once, since it is computed from the tree on every use.
    """
    tenant = await get_by_slug(session, slug)
    unknown = set(changes) - set(UPDATABLE_FIELDS)
    if unknown:
        raise InvalidInput("Unknown field {field}", field=sorted(unknown)[0])
    if "name" in changes and (not str(changes["name"]).strip() or len(str(changes["name"])) > 200):
        raise InvalidInput("A tenant needs a name of at most 200 characters")
    parent = await session.get(Tenant, tenant.parent_id) if tenant.parent_id else None
    plugins = changes.get("plugins", tenant.plugins)
    settings = changes.get("settings", tenant.settings)
    await validate_configuration(session, manager or get_plugin_manager(), parent, plugins, settings)
    differences = {k: v for k, v in changes.items() if getattr(tenant, k) != v}
    if not differences:
        return tenant
    for name, value in differences.items():
        setattr(tenant, name, value)
    await session.flush()
    await audit.record_platform(session, "tenant.updated", actor=actor, subject=slug, payload=differences)
    with tenant_scope(TenantRef(tenant.id, tenant.slug)):
        await rebind_tenant(session)
        await audit.record(session, "tenant.updated", actor=actor, subject=slug, payload=differences)
    await rebind_tenant(session)
    return tenant
