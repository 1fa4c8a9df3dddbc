"""API route of a job's visible status: pages and scripts poll it while long work runs."""

from __future__ import annotations

import uuid

from litestar import Controller, get
from litestar.di import Provide
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.errors import NotFound
from minsheng.http.dependencies import TenantAccess, provide_tenant_access
from minsheng.jobs.models import Job
from minsheng.jobs.schemas import JobView, job_view


class JobsController(Controller):
    path = "/api/v1/t/{slug:str}/jobs"
    tags = ["jobs"]
    dependencies = {"access": Provide(provide_tenant_access)}

    @get("/{job_id:uuid}")
    async def status(self, access: TenantAccess, job_id: uuid.UUID, db_session: AsyncSession) -> JobView:
        """A job of this tenant: its status, progress and result."""
        access.require("tenant_admin", "presidium", "deputy", "teller", "government")
        job = await db_session.get(Job, job_id)
        # The outbox is a platform table, so the tenant check is explicit here.
        if job is None or job.tenant_id != access.tenant.id:
            raise NotFound("Not found")
        return job_view(job)
