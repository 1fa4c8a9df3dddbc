"""API routes of a tenant's audit log: browse, verify, export."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.params import QueryParameter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit.models import TenantAuditEvent
from minsheng.audit.services import event_as_dict
from minsheng.audit.verify import result_for
from minsheng.db.listing import page_of
from minsheng.http.pagination import Page, PageParam, PerPageParam
from minsheng.http.scope import TenantScope, requires
from minsheng.jobs.outbox import enqueue
from minsheng.permissions import Permission


class AuditEventView(msgspec.Struct):
    seq: int
    occurred_at: str
    actor: str
    action: str
    subject: str
    payload: dict[str, Any]
    algorithm: str
    prev_digest: str
    digest: str


class ChainCheck(msgspec.Struct):
    ok: bool
    events: int
    head: str
    broken_at: int | None
    reason: str | None


class JobAccepted(msgspec.Struct):
    job_id: uuid.UUID
    status: str


class AuditController(Controller):
    path = "/api/v1/t/{slug:str}/audit"
    tags = ["audit"]

    @requires(Permission.AUDIT_READ)
    @get("/")
    async def events(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
        action: Annotated[str | None, QueryParameter(name="action", max_length=100)] = None,
    ) -> Page[AuditEventView]:
        """The tenant's audit events, newest first, filtered by action."""
        query = select(TenantAuditEvent)
        if action:
            query = query.where(TenantAuditEvent.action == action)
        rows, total = await page_of(db_session, query, TenantAuditEvent.seq.desc(), page=page, per_page=per_page)
        return Page(items=[AuditEventView(**event_as_dict(e)) for e in rows], total=total)

    @requires(Permission.AUDIT_READ)
    @get("/verify")
    async def verify(self, access: TenantScope, db_session: AsyncSession) -> ChainCheck:
        """Recompute the tenant's chain now; names the first broken link."""
        rows = await db_session.execute(select(TenantAuditEvent).order_by(TenantAuditEvent.seq))
        result = result_for([event_as_dict(e) for e in rows.scalars()])
        return ChainCheck(
            ok=result.ok,
            events=result.events,
            head=result.head,
            broken_at=result.broken.seq if result.broken else None,
            reason=result.broken.reason if result.broken else None,
        )

    @requires(Permission.AUDIT_READ)
    @post("/exports", status_code=202)
    async def export(self, access: TenantScope, db_session: AsyncSession) -> JobAccepted:
        """Start an export of the chain; poll ``/jobs/{job_id}`` for its file."""
        user = access.user
        job = enqueue(db_session, "audit.export", {"requested_by": user.username}, tenant_id=access.tenant.id)
        return JobAccepted(job_id=job.id, status=job.status.value)
