"""The page of a long job: its progress while it runs, then its result (polled with HTMX)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.http.pages import render_tenant_page
from minsheng.http.scope import TenantScope, requires
from minsheng.i18n import msgid
from minsheng.jobs.controllers import visible_job
from minsheng.jobs.models import JobStatus
from minsheng.jobs.registry import job_title
from minsheng.permissions import Permission

FINISHED = {JobStatus.DONE, JobStatus.FAILED}

# The status words the page translates (marked for the catalog's extractor).
STATUS_WORDS = (msgid("pending"), msgid("queued"), msgid("running"), msgid("done"), msgid("failed"))

GENERIC_TITLE = msgid("Background job")


@requires(Permission.TENANT_READ)
@get("/t/{slug:str}/jobs/{job_id:uuid}", include_in_schema=False)
async def job_page(
    request: Request[Any, Any, Any], access: TenantScope, job_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """A job's status; while it runs the fragment re-polls itself every two seconds."""
    job = await visible_job(db_session, access, job_id)
    percent = None
    if job.total:
        percent = min(100, round(100 * job.progress / job.total))
    template = "jobs/status_fragment.html" if request.headers.get("hx-request") else "jobs/status.html"
    return render_tenant_page(
        request,
        access,
        template,
        job=job,
        title=job_title(job.name) or GENERIC_TITLE,
        percent=percent,
        finished=job.status in FINISHED,
        file_id=(job.result or {}).get("file_id"),
    )
