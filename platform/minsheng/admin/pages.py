"""The console's tenant tree (searchable, children loaded on demand) and a tenant's detail page."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get
from litestar.datastructures import State
from litestar.response import Redirect
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.services import Principal
from minsheng.admin import invitations, members
from minsheng.admin.configuration_view import effective_configuration
from minsheng.admin.console import CONSOLE_PER_PAGE, console_page, operator_or_redirect, page_count
from minsheng.admin.tenants.plugin_usage import installed_plugins
from minsheng.db.listing import page_of
from minsheng.http.dependencies import services
from minsheng.permissions import known_roles, role_labels
from minsheng.tenancy import services as tenancy
from minsheng.tenancy.configuration import ancestry, tenant_hooks
from minsheng.tenancy.models import Tenant, TenantLevel

LEVELS = [level.value for level in TenantLevel]


async def child_counts(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many children each of ``ids`` has (one grouped query for a whole page)."""
    if not ids:
        return {}
    query = select(Tenant.parent_id, func.count()).where(Tenant.parent_id.in_(ids)).group_by(Tenant.parent_id)
    return {parent: int(count) for parent, count in await session.execute(query) if parent is not None}


async def roots(session: AsyncSession, page: int) -> tuple[list[Tenant], int]:
    query = select(Tenant).where(Tenant.parent_id.is_(None))
    return await page_of(session, query, Tenant.slug, page=page, per_page=CONSOLE_PER_PAGE)


@get("/admin", include_in_schema=False)
async def console_home() -> Redirect:
    """The console starts at the tenant tree."""
    return Redirect("/admin/tenants", status_code=303)


@get("/admin/tenants", include_in_schema=False)
async def tenant_tree(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    principal: Principal | None,
    q: str | None = None,
    level: str | None = None,
    page: int = 1,
) -> Response[Any]:
    """The tree's top level, or the search results (slug or name, by level), 50 a page."""
    gate = operator_or_redirect(request, principal)
    if not isinstance(gate, Principal):
        return gate
    page = max(1, page)
    q = (q or "").strip()[:100] or None
    level = level if level in LEVELS else None
    if q or level:
        rows, total = await tenancy.list_tenants(db_session, page=page, per_page=CONSOLE_PER_PAGE, q=q, level=level)
    else:
        rows, total = await roots(db_session, page)
    counts = await child_counts(db_session, [t.id for t in rows])
    return console_page(
        request,
        "admin/tenants.html",
        gate,
        tenants=rows,
        counts=counts,
        total=total,
        page=page,
        pages=page_count(total),
        q=q or "",
        level=level or "",
        levels=LEVELS,
        searching=bool(q or level),
    )


@get("/admin/tenants/{slug:str}/children", include_in_schema=False)
async def tenant_children(
    request: Request[Any, Any, Any], slug: str, db_session: AsyncSession, principal: Principal | None, page: int = 1
) -> Response[Any]:
    """One page of a tenant's children, as a fragment the tree loads when a node is opened."""
    gate = operator_or_redirect(request, principal)
    if not isinstance(gate, Principal):
        return gate
    tenant = await tenancy.get_by_slug(db_session, slug)
    page = max(1, page)
    rows, total = await tenancy.list_tenants(db_session, page=page, per_page=CONSOLE_PER_PAGE, parent_id=tenant.id)
    counts = await child_counts(db_session, [t.id for t in rows])
    return console_page(
        request,
        "admin/tree_children.html",
        gate,
        parent=tenant,
        tenants=rows,
        counts=counts,
        page=page,
        more=page * CONSOLE_PER_PAGE < total,
    )


@get("/admin/tenants/{slug:str}", include_in_schema=False)
async def tenant_detail(
    request: Request[Any, Any, Any],
    slug: str,
    state: State,
    db_session: AsyncSession,
    principal: Principal | None,
) -> Response[Any]:
    """A tenant: its place in the tree, effective configuration, users and roles, invitations, actions."""
    gate = operator_or_redirect(request, principal)
    if not isinstance(gate, Principal):
        return gate
    return await detail_page(request, state, db_session, gate, slug)


async def detail_page(
    request: Request[Any, Any, Any],
    state: State,
    db_session: AsyncSession,
    user: Principal,
    slug: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response[Any]:
    """The detail page's content (also re-shown after a form, with a message or the new invitation)."""
    tenant = await tenancy.get_by_slug(db_session, slug)
    manager = services(state).plugins
    chain = await ancestry(db_session, tenant)
    configuration = await effective_configuration(db_session, tenant, manager)
    people, people_total = await members.list_members(db_session, tenant, page=1, per_page=CONSOLE_PER_PAGE)
    invited, _ = await invitations.list_invitations(db_session, tenant, page=1, per_page=20)
    children = (await child_counts(db_session, [tenant.id])).get(tenant.id, 0)
    grants = (await tenant_hooks(db_session, tenant, manager)).role_grants()
    response = console_page(
        request,
        "admin/tenant_detail.html",
        user,
        tenant=tenant,
        ancestry=chain,
        configuration=configuration,
        installed=sorted(installed_plugins(manager)),
        members=people,
        members_total=people_total,
        invitations=invited,
        children=children,
        roles=known_roles(grants),
        role_labels=role_labels(grants),
        **extra,
    )
    response.status_code = status_code
    return response


ROUTES: list[Any] = [console_home, tenant_tree, tenant_children, tenant_detail]
