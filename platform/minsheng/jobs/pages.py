"""The page of a long job: its progress while it runs, then its result (polled with HTMX)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get
from litestar.di import Provide
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.errors import NotFound
from minsheng.http.dependencies import TenantAccess, provide_tenant_access
from minsheng.http.pages import render_tenant_page
from minsheng.i18n import msgid
from minsheng.jobs.models import Job, JobStatus

FINISHED = {JobStatus.DONE, JobStatus.FAILED}

# The status words the page translates (marked for the catalog's extractor).
STATUS_WORDS = (msgid("pending"), msgid("queued"), msgid("running"), msgid("done"), msgid("failed"))


@get(
    "/t/{slug:str}/jobs/{job_id:uuid}",
    include_in_schema=False,
    dependencies={"access": Provide(provide_tenant_access)},
)
async def job_page(
    request: Request[Any, Any, Any], access: TenantAccess, job_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """A job's status; while it runs the fragment re-polls itself every two seconds."""
    access.require("tenant_admin", "presidium", "deputy", "teller", "government")
    job = await db_session.get(Job, job_id)
    if job is None or job.tenant_id != access.tenant.id:
        raise NotFound("Not found")
    percent = None
    if job.total:
        percent = min(100, round(100 * job.progress / job.total))
    template = "jobs/status_fragment.html" if request.headers.get("hx-request") else "jobs/status.html"
    return render_tenant_page(
        request,
        access,
        template,
        job=job,
        percent=percent,
        finished=job.status in FINISHED,
        file_id=(job.result or {}).get("file_id"),
    )
