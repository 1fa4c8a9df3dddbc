"""API route of a job's visible status: pages and scripts poll it while long work runs."""

from __future__ import annotations

import uuid

from litestar import Controller, get
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.errors import NotFound
from minsheng.http.scope import TenantScope, requires
from minsheng.jobs.models import Job
from minsheng.jobs.schemas import JobView, job_view
from minsheng.permissions import Permission


async def visible_job(db_session: AsyncSession, access: TenantScope, job_id: uuid.UUID) -> Job:
    """A job of the caller's tenant that the caller may follow, else 404.

    A job's result can be a file (a document, the audit chain), so a member sees the jobs it asked
    for; those who keep the office's records (``audit.read``) see every job of the tenant.
    """
    job = await db_session.get(Job, job_id)
    # The outbox is a platform table, so the tenant check is explicit here.
    if job is None or job.tenant_id != access.tenant.id:
        raise NotFound("Not found")
    if not access.may(Permission.AUDIT_READ) and (job.args or {}).get("requested_by") != access.user.username:
        raise NotFound("Not found")
    return job


class JobsController(Controller):
    path = "/api/v1/t/{slug:str}/jobs"
    tags = ["jobs"]

    @requires(Permission.TENANT_READ)
    @get("/{job_id:uuid}")
    async def status(self, access: TenantScope, job_id: uuid.UUID, db_session: AsyncSession) -> JobView:
        """A job of this tenant the caller asked for (or any, for those who read the audit log): its
        status, progress and result."""
        return job_view(await visible_job(db_session, access, job_id))
