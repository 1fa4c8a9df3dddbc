"""Where a signed-in user starts: the operator's console, the member's tenant home, or a chooser.

``/home`` is where the login form sends a user who came to it without a page to go back to.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts import services as accounts
from minsheng.home.todo import todo_for
from minsheng.http.scope import TenantScope, public
from minsheng.permissions import ROLE_LABELS, role_labels
from minsheng.tenancy import services as tenancy
from minsheng.tenancy.models import Tenant, TenantStatus
from minsheng.tenancy.snapshot import TenantSnapshot
from minsheng.web.navigation import PUBLIC_SECTIONS, Section, areas_for
from minsheng.web.templating import render, request_locale


async def member_tenants(db_session: AsyncSession, user_id: Any) -> list[tuple[Tenant, list[str]]]:
    """The active tenants the user belongs to, with the roles held in each, by name."""
    memberships = {m.tenant_id: list(m.roles) for m in await accounts.memberships_of(db_session, user_id)}
    if not memberships:
        return []
    tenants = (
        await db_session.execute(
            select(Tenant).where(Tenant.id.in_(memberships), Tenant.status == TenantStatus.ACTIVE).order_by(Tenant.name)
        )
    ).scalars()
    return [(tenant, memberships[tenant.id]) for tenant in tenants]


def public_sections(tenant: Tenant | TenantSnapshot) -> list[Section]:
    """What anyone may open at a tenant that runs the cycle (a township or a county congress)."""
    if tenant.level.value not in ("township", "county"):
        return []
    return list(PUBLIC_SECTIONS)


async def member_home_context(db_session: AsyncSession, access: TenantScope, locale: str) -> dict[str, Any]:
    """The tenant home's member part: what waits for the viewer, the areas (with their sections) it may
    open, and its roles."""
    labels = role_labels(access.hooks.role_grants())
    return {
        "todo": await todo_for(db_session, access, locale),
        "areas": areas_for(access.permissions),
        "roles": [label for role, label in labels.items() if role in access.roles],
    }


@get("/home", include_in_schema=False)
async def my_home(
    request: Request[Any, Any, Any], db_session: AsyncSession, principal: accounts.Principal | None
) -> Redirect | Template:
    """The signed-in user's start: the console for an operator, the one tenant's home, or a chooser."""
    if principal is None:
        return Redirect("/login?next=%2Fhome", status_code=303)
    if principal.is_platform_admin:
        return Redirect("/admin", status_code=303)
    tenants = await member_tenants(db_session, principal.user_id)
    if len(tenants) == 1:
        return Redirect(f"/t/{tenants[0][0].slug}/", status_code=303)
    return render(request, "nav/chooser.html", user=principal, choices=tenants, role_labels=ROLE_LABELS)


@get("/", include_in_schema=False)
async def landing_page(
    request: Request[Any, Any, Any], db_session: AsyncSession, principal: accounts.Principal | None
) -> Template:
    """The platform's landing page: the top of the tenant tree."""
    tenants, _total = await tenancy.list_tenants(db_session, page=1, per_page=200)
    visible = [
        t for t in tenants if t.status == TenantStatus.ACTIVE and t.level.value in ("province", "city", "county")
    ]
    return render(request, "home.html", tenants=visible, user=principal)


@public
@get("/t/{slug:str}/", include_in_schema=False)
async def tenant_home(request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession) -> Template:
    """A tenant's landing page: public facts for anyone; for a member what waits for it and what it may
    open here."""
    tenant = access.tenant
    children, _ = await tenancy.list_tenants(db_session, page=1, per_page=200, parent_id=tenant.id)
    return render(
        request,
        "tenant_home.html",
        tenant=tenant,
        parent=access.parent,
        ancestry=access.chain,
        children=children,
        user=access.principal,
        links=[
            {"href": s.href(tenant.slug), "label": s.label, "description": s.description}
            for s in public_sections(tenant)
        ],
        **await member_home_context(db_session, access, request_locale(request)),
    )


ROUTES: list[Any] = [landing_page, my_home, tenant_home]
