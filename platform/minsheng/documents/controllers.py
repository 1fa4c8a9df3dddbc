"""API routes of documents: ask for one (202 + job), list what was made, the kinds one may ask for."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.documents import services as documents
from minsheng.documents.schemas import (
    DocumentOrder,
    DocumentView,
    JobAccepted,
    KindView,
    document_view,
    kind_view,
)
from minsheng.http.dependencies import services
from minsheng.http.pagination import Page, PageParam, PerPageParam
from minsheng.http.scope import TenantScope, requires
from minsheng.permissions import Permission


class DocumentsController(Controller):
    path = "/api/v1/t/{slug:str}/documents"
    tags = ["documents"]

    @requires(Permission.DOCUMENTS_ORDER)
    @post("/", status_code=202)
    async def order(
        self, access: TenantScope, state: State, db_session: AsyncSession, data: DocumentOrder
    ) -> JobAccepted:
        """Render a document in the background; poll ``/jobs/{job_id}``, whose result names the file.
        403 for a kind the caller's body does not issue."""
        request = documents.check_request(data.kind, data.subject_id, data.format)
        access.require(request.kind.permission)
        job = await documents.request_document(
            db_session,
            access.hooks.tenant,
            request,
            actor=access.user.username,
            public_url=services(state).settings.public_url,
        )
        return JobAccepted(job_id=job.id, status=job.status.value)

    @requires(Permission.DOCUMENTS_ORDER)
    @get("/")
    async def index(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
        kind: Annotated[str | None, QueryParameter(name="kind", max_length=50)] = None,
        subject_id: Annotated[uuid.UUID | None, QueryParameter(name="subject_id")] = None,
        format: Annotated[str | None, QueryParameter(name="format", max_length=8)] = None,
    ) -> Page[DocumentView]:
        """Documents made for this tenant, newest first, of the kinds the caller may ask for."""
        labels = {k.code: k.label for k in documents.kinds_for(access.permissions)}
        kinds = [kind] if kind else list(labels)
        rows, total = await documents.list_documents(
            db_session,
            kinds=[k for k in kinds if k in labels],
            subject_id=subject_id,
            fmt=format,
            page=page,
            per_page=per_page,
        )
        return Page(items=[document_view(row, labels[row.kind]) for row in rows], total=total)

    @requires(Permission.DOCUMENTS_ORDER)
    @get("/kinds")
    async def kinds(self, access: TenantScope) -> list[KindView]:
        """The kinds of document the caller may ask for, with their formats."""
        return [kind_view(k) for k in documents.kinds_for(access.permissions)]
