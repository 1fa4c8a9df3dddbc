"""Background work of documents: rendering one document (idempotent per job)."""

from __future__ import annotations

import uuid
from typing import Any

from minsheng.documents import services
from minsheng.documents.models import GeneratedDocument
from minsheng.documents.template_resolution import TemplateMissing
from minsheng.errors import DomainError
from minsheng.i18n import msgid
from minsheng.jobs.registry import JobContext, PermanentFailure, job
from minsheng.storage import make_object_store
from minsheng.tenancy.configuration import tenant_view
from minsheng.tenancy.models import Tenant


@job(services.RENDER_JOB, title=msgid("Generating a document"))
async def render(
    ctx: JobContext, kind: str, format: str, subject_id: str | None = None, requested_by: str = "system"
) -> dict[str, Any]:
    """Render, store and audit one document; a repeated delivery reports the same document."""
    tenant = await ctx.session.get(Tenant, ctx.tenant_id) if ctx.tenant_id else None
    if tenant is None:
        raise PermanentFailure("a document job needs its tenant")
    try:
        request = services.check_request(kind, uuid.UUID(subject_id) if subject_id else None, format)
    except (DomainError, ValueError) as exc:
        raise PermanentFailure(str(exc)) from exc
    try:
        document = await _generate(ctx, tenant, request, requested_by)
    except (DomainError, TemplateMissing) as exc:
        # The round was deleted, is no longer decided, the plugin was disabled ...: trying again cannot help.
        raise PermanentFailure(str(exc)) from exc
    await ctx.progress(1, 1)
    return {
        "document_id": str(document.id),
        "file_id": str(document.file_id),
        "sha256": document.sha256,
        "filename": document.filename,
    }


async def _generate(
    ctx: JobContext, tenant: Tenant, request: services.DocumentRequest, requested_by: str
) -> GeneratedDocument:
    return await services.generate(
        ctx.session,
        make_object_store(ctx.settings),
        await tenant_view(ctx.session, tenant),
        request,
        actor=requested_by,
        job_id=ctx.job_id,
        public_url=ctx.settings.public_url,
    )
