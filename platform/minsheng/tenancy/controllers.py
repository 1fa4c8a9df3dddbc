"""API routes of the tenant tree for the platform operator."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.service import Principal
from minsheng.server.dependencies import provide_platform_admin, services
from minsheng.server.openapi import problems
from minsheng.server.pagination import Page, PageParam, PerPageParam
from minsheng.tenancy import service as tenancy
from minsheng.tenancy.models import Tenant
from minsheng.tenancy.schemas import LevelName, NewTenant, TenantView


def tenant_view(tenant: Tenant, parent_slug: str | None) -> TenantView:
    return TenantView(
        id=tenant.id,
        slug=tenant.slug,
        name=tenant.name,
        level=tenant.level.value,
        parent=parent_slug,
        status=tenant.status.value,
        plugins=tenant.plugins,
        settings=tenant.settings,
        created_at=tenant.created_at,
    )


async def _parent_slugs(session: AsyncSession, tenants: list[Tenant]) -> dict[uuid.UUID, str]:
    ids = {t.parent_id for t in tenants if t.parent_id}
    slugs = {}
    for parent_id in ids:
        parent = await session.get(Tenant, parent_id)
        if parent is not None:
            slugs[parent_id] = parent.slug
    return slugs


class TenantAdminController(Controller):
    path = "/api/v1/admin/tenants"
    tags = ["platform administration"]
    dependencies = {"operator": Provide(provide_platform_admin)}

    @post("/", status_code=201, responses=problems(409))
    async def create(self, data: NewTenant, operator: Principal, db_session: AsyncSession, state: State) -> TenantView:
        """Create a tenant; 409 if the slug exists, 422 for a bad level, parent, plugin or setting."""
        draft = tenancy.TenantDraft(
            slug=data.slug,
            name=data.name,
            level=data.level,
            parent=data.parent,
            plugins=data.plugins,
            settings=data.settings,
        )
        tenant = await tenancy.create_tenant(
            db_session, draft, actor=operator.username, manager=services(state).plugins
        )
        return tenant_view(tenant, data.parent)

    @get("/", responses=problems(404))
    async def list_tenants(
        self,
        operator: Principal,
        db_session: AsyncSession,
        page: int = PageParam,
        per_page: int = PerPageParam,
        q: str | None = Parameter(query="q", default=None, max_length=100, description="Search slug or name"),
        level: LevelName | None = Parameter(query="level", default=None),
        parent: str | None = Parameter(query="parent", default=None, max_length=63, description="Parent slug"),
    ) -> Page[TenantView]:
        """The tenants, paginated, with search and filters."""
        parent_id = None
        if parent:
            parent_id = (await tenancy.get_by_slug(db_session, parent)).id
        rows, total = await tenancy.list_tenants(
            db_session, page=page, per_page=per_page, q=q, level=level, parent_id=parent_id
        )
        parents = await _parent_slugs(db_session, rows)
        return Page(
            items=[tenant_view(t, parents.get(t.parent_id) if t.parent_id else None) for t in rows], total=total
        )

    @get("/{slug:str}")
    async def get_tenant(self, operator: Principal, slug: str, db_session: AsyncSession) -> TenantView:
        """One tenant."""
        tenant = await tenancy.get_by_slug(db_session, slug)
        parents = await _parent_slugs(db_session, [tenant])
        return tenant_view(tenant, parents.get(tenant.parent_id) if tenant.parent_id else None)
