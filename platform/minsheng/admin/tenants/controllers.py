"""API routes of the tenant tree for the platform operator."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.services import Principal
from minsheng.admin.tenants import archive
from minsheng.http.dependencies import provide_platform_admin, services
from minsheng.http.openapi import problems
from minsheng.http.pagination import Page, PageParam, PerPageParam
from minsheng.tenancy import services as tenancy
from minsheng.tenancy.models import Tenant
from minsheng.tenancy.schemas import Deleted, LevelName, NewTenant, TenantChanges, TenantView


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
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
        q: Annotated[str | None, QueryParameter(name="q", max_length=100, description="Search slug or name")] = None,
        level: Annotated[LevelName | None, QueryParameter(name="level")] = None,
        parent: Annotated[str | None, QueryParameter(name="parent", max_length=63, description="Parent slug")] = None,
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

    @patch("/{slug:str}")
    async def update(
        self, operator: Principal, slug: str, data: TenantChanges, db_session: AsyncSession, state: State
    ) -> TenantView:
        """Change a tenant's name, plugins or settings (validated against the plugins' schemas)."""
        tenant = await tenancy.update_tenant(
            db_session, slug, data.given(), actor=operator.username, manager=services(state).plugins
        )
        parents = await _parent_slugs(db_session, [tenant])
        return tenant_view(tenant, parents.get(tenant.parent_id) if tenant.parent_id else None)

    @delete("/{slug:str}", status_code=200, responses=problems(409))
    async def delete_tenant(
        self,
        operator: Principal,
        slug: str,
        db_session: AsyncSession,
        state: State,
        confirm: Annotated[str, QueryParameter(name="confirm", description="The slug typed again, to confirm")],
    ) -> Deleted:
        """Delete a tenant with its rows and files (irreversible: export it first; type its slug)."""
        counts = await archive.delete_tenant(
            db_session, services(state).store, slug, confirm=confirm, actor=operator.username
        )
        return Deleted(slug=slug, rows=counts["rows"], objects=counts["objects"])
