"""API routes of a tenant's lifecycle for the platform operator: suspend, resume, export, delete, import."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

import msgspec
from litestar import Controller, Response, get, post
from litestar.datastructures import State, UploadFile
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.services import Principal
from minsheng.admin.tenants import archive, lifecycle
from minsheng.errors import NotFound
from minsheng.http.dependencies import provide_platform_admin, services
from minsheng.http.openapi import problems
from minsheng.jobs.models import Job
from minsheng.jobs.outbox import enqueue
from minsheng.jobs.schemas import JobView, job_view
from minsheng.storage.keys import content_disposition
from minsheng.tenancy.models import TenantStatus


class StatusView(msgspec.Struct):
    slug: str
    status: str


class ExportAccepted(msgspec.Struct):
    job_id: uuid.UUID
    status: str


class Imported(msgspec.Struct):
    id: uuid.UUID
    slug: str
    name: str
    level: str


@dataclass
class ExportUpload:
    data: UploadFile


class TenantLifecycleController(Controller):
    path = "/api/v1/admin"
    tags = ["platform administration"]
    dependencies = {"operator": Provide(provide_platform_admin)}

    @post("/tenants/{slug:str}/suspend", status_code=200)
    async def suspend(self, operator: Principal, slug: str, db_session: AsyncSession) -> StatusView:
        """Suspend a tenant: its members get 404 until it is resumed; nothing is deleted."""
        tenant = await lifecycle.set_status(db_session, slug, TenantStatus.SUSPENDED, actor=operator.username)
        return StatusView(slug=tenant.slug, status=tenant.status.value)

    @post("/tenants/{slug:str}/resume", status_code=200)
    async def resume(self, operator: Principal, slug: str, db_session: AsyncSession) -> StatusView:
        """Resume a suspended tenant."""
        tenant = await lifecycle.set_status(db_session, slug, TenantStatus.ACTIVE, actor=operator.username)
        return StatusView(slug=tenant.slug, status=tenant.status.value)

    @post("/tenants/{slug:str}/exports", status_code=202)
    async def export(self, operator: Principal, slug: str, db_session: AsyncSession) -> ExportAccepted:
        """Start an export of the tenant (rows, files, audit chain) as a zip; poll ``/admin/jobs/{id}``."""
        from minsheng.tenancy import services as tenancy

        await tenancy.get_by_slug(db_session, slug)
        job = enqueue(db_session, "tenancy.export", {"slug": slug})
        return ExportAccepted(job_id=job.id, status=job.status.value)

    @get("/jobs/{job_id:uuid}")
    async def job(self, operator: Principal, job_id: uuid.UUID, db_session: AsyncSession) -> JobView:
        """A platform job (an export): status, progress and result."""
        job = await db_session.get(Job, job_id)
        if job is None or job.tenant_id is not None:
            raise NotFound("Not found")
        return job_view(job)

    @get("/exports/{job_id:uuid}", response_model=None, responses=problems(404))
    async def download_export(
        self, operator: Principal, job_id: uuid.UUID, db_session: AsyncSession, state: State
    ) -> Response[bytes]:
        """The zip of a finished export."""
        job = await db_session.get(Job, job_id)
        if job is None or job.name != "tenancy.export" or not job.result:
            raise NotFound("Not found")
        data = await services(state).store.get(job.result["key"])
        return Response(
            data,
            media_type="application/zip",
            headers={"content-disposition": content_disposition(f"{job.result['slug']}.zip")},
        )

    @post("/tenant-imports", status_code=201, responses=problems(409))
    async def import_tenant(
        self,
        operator: Principal,
        db_session: AsyncSession,
        state: State,
        data: Annotated[ExportUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Imported:
        """Recreate a tenant from its export zip (same id and slug, files and audit chain included)."""
        content = await data.data.read()
        tenant = await archive.import_tenant(db_session, services(state).store, content, actor=operator.username)
        return Imported(id=tenant.id, slug=tenant.slug, name=tenant.name, level=tenant.level.value)
