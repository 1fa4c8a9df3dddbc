"""Use cases of documents: ask for one (an outbox job), render and keep it, list what was made."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit import services as audit
from minsheng.db.listing import page_of
from minsheng.documents.kinds import DocumentKind, all_kinds, get_kind
from minsheng.documents.models import GeneratedDocument
from minsheng.documents.office_templates import office_template_of
from minsheng.documents.rendering import document_context, render_document
from minsheng.documents.template_resolution import TemplateMissing, resolve_template
from minsheng.errors import InvalidInput
from minsheng.files import services as files
from minsheng.jobs.models import Job
from minsheng.jobs.outbox import enqueue
from minsheng.permissions import Permission
from minsheng.plugins.tenant import TenantView
from minsheng.storage import ObjectStore

RENDER_JOB = "documents.render"


def kinds_for(permissions: Iterable[Permission]) -> list[DocumentKind]:
    """The kinds a caller holding ``permissions`` may order and read: ``documents.order`` lets it see
    documents at all, and each kind names the permission of the body that issues it."""
    held = frozenset(permissions)
    if Permission.DOCUMENTS_ORDER not in held:
        return []
    return [kind for kind in all_kinds() if kind.permission in held]


@dataclass(frozen=True)
class DocumentRequest:
    """A checked request: the kind, its subject (if any) and the format."""

    kind: DocumentKind
    subject_id: uuid.UUID | None
    fmt: str


def check_request(kind_code: str, subject_id: uuid.UUID | None, fmt: str | None) -> DocumentRequest:
    """The kind and format, or a translated 422 naming what is wrong."""
    kind = get_kind(kind_code)
    if kind is None:
        raise InvalidInput("There is no document kind {kind}", kind=kind_code)
    fmt = fmt or kind.formats[0]
    if fmt not in kind.formats:
        raise InvalidInput(
            "The {label} is made as {formats}, not as {format}",
            label=kind.label,
            formats="、".join(f.upper() for f in kind.formats),
            format=fmt,
        )
    if kind.subject_required and subject_id is None:
        raise InvalidInput("The {label} needs the subject_id of what it is about", label=kind.label)
    return DocumentRequest(kind, subject_id, fmt)


async def request_document(
    session: AsyncSession,
    tenant: TenantView,
    request: DocumentRequest,
    *,
    actor: str,
    public_url: str,
) -> Job:
    """Check that the document can be made now (its subject exists, a template renders it), then
    enqueue its rendering in this transaction. The data is read again when the job runs."""
    try:
        resolve_template(tenant, request.kind, request.fmt, office=await office_template_of(session, request.kind))
    except TemplateMissing as exc:
        raise InvalidInput(
            "No template of this tenant makes the {label} as {format}", label=request.kind.label, format=request.fmt
        ) from exc
    await document_context(session, tenant, request.kind, request.subject_id, public_url=public_url)
    args: dict[str, Any] = {
        "kind": request.kind.code,
        "subject_id": str(request.subject_id) if request.subject_id else None,
        "format": request.fmt,
        "requested_by": actor,
    }
    return enqueue(session, RENDER_JOB, args, tenant_id=uuid.UUID(str(tenant.id)))


async def document_of_job(session: AsyncSession, job_id: uuid.UUID) -> GeneratedDocument | None:
    """The document a render job already made, if any (the tenant in context)."""
    found: GeneratedDocument | None = (
        await session.execute(select(GeneratedDocument).where(GeneratedDocument.job_id == job_id))
    ).scalar_one_or_none()
    return found


async def generate(
    session: AsyncSession,
    store: ObjectStore,
    tenant: TenantView,
    request: DocumentRequest,
    *,
    actor: str,
    job_id: uuid.UUID,
    public_url: str,
) -> GeneratedDocument:
    """Render the document, store the file, record it and append its digest to the audit chain.

    Idempotent per ``job_id``: a second run returns the document the first one made, and the object
    key is derived from the job, so a run that died after writing the file overwrites it.
    """
    existing = await document_of_job(session, job_id)
    if existing is not None:
        return existing
    rendered = await render_document(
        session, tenant, request.kind, request.subject_id, request.fmt, public_url=public_url
    )
    stored = await files.save_generated(
        session,
        store,
        rendered.content,
        folder="documents",
        filename=rendered.filename,
        content_type=rendered.content_type,
        created_by=actor,
        object_id=job_id.hex,
    )
    document = GeneratedDocument(
        kind=request.kind.code,
        subject_id=request.subject_id,
        format=request.fmt,
        file_id=stored.id,
        filename=rendered.filename,
        sha256=rendered.sha256,
        template=f"{rendered.template.plugin}:{rendered.template.name}",
        job_id=job_id,
        created_by=actor,
    )
    session.add(document)
    await session.flush()
    await audit.record(
        session,
        "document.generated",
        actor=actor,
        subject=str(document.id),
        payload={
            "kind": document.kind,
            "subject_id": str(document.subject_id) if document.subject_id else None,
            "format": document.format,
            "file_id": str(stored.id),
            "sha256": document.sha256,
            "template": document.template,
        },
    )
    return document


async def list_documents(
    session: AsyncSession,
    *,
    kinds: list[str],
    subject_id: uuid.UUID | None,
    fmt: str | None,
    page: int,
    per_page: int,
) -> tuple[list[GeneratedDocument], int]:
    """The tenant's documents of ``kinds``, newest first, for one subject or format when given."""
    query = select(GeneratedDocument).where(GeneratedDocument.kind.in_(kinds))
    if subject_id is not None:
        query = query.where(GeneratedDocument.subject_id == subject_id)
    if fmt:
        query = query.where(GeneratedDocument.format == fmt)
    order = (GeneratedDocument.created_at.desc(), GeneratedDocument.id)
    return await page_of(session, query, *order, page=page, per_page=per_page)
