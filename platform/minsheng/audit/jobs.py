"""Background work of the audit context: exporting a tenant's chain, and signing its head daily."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from minsheng.audit.services import chain_events, checkpoint, checkpoints
from minsheng.audit.verify import dumps_export
from minsheng.db.session import Database
from minsheng.files import services as files
from minsheng.i18n import msgid
from minsheng.jobs.outbox import enqueue
from minsheng.jobs.periodic import periodic
from minsheng.jobs.registry import JobContext, job
from minsheng.storage import make_object_store
from minsheng.tenancy.models import Tenant, TenantStatus


@job("audit.export", title=msgid("Exporting the audit log"))
async def export_chain(ctx: JobContext, requested_by: str = "system") -> dict[str, Any]:
    """Write the tenant's whole chain to a JSON file in object storage (``minsheng verify FILE``).

    Idempotent: a second run writes another copy of the same chain and reports that one.
    """
    events = await chain_events(ctx.session, ctx.tenant_id)
    points = await checkpoints(ctx.session)
    await ctx.progress(len(events), len(events))
    store = make_object_store(ctx.settings)
    row = await files.save_generated(
        ctx.session,
        store,
        dumps_export(events, tenant_id=str(ctx.tenant_id), checkpoints=points),
        folder="exports",
        filename=f"audit-chain-{ctx.job_id}.json",
        content_type="application/json",
        created_by=requested_by,
    )
    return {"file_id": str(row.id), "events": len(events), "head": events[-1]["digest"] if events else None}


CHECKPOINT_JOB = "audit.checkpoint"


@job(CHECKPOINT_JOB, title=msgid("Signing the audit log's checkpoint"))
async def sign_head(ctx: JobContext, day: str) -> dict[str, Any]:
    """Sign the tenant's chain head of ``day`` (nothing when it was signed already or is empty)."""
    row = await checkpoint(ctx.session, "daily")
    return {"seq": row.seq if row else None, "day": day}


@periodic("audit.daily_checkpoints", hour=16, minute=30, every=timedelta(hours=24))
async def schedule_checkpoints(database: Database, now: datetime) -> list[uuid.UUID]:
    """Once a day (00:30 in China), a checkpoint job for every active tenant: each signs its head if it
    moved since its last checkpoint, so at most a day of events is ever unsigned."""
    day = now.date().isoformat()
    async with database.session() as session:
        tenants = (await session.execute(select(Tenant.id).where(Tenant.status == TenantStatus.ACTIVE))).scalars()
        return [enqueue(session, CHECKPOINT_JOB, {"day": day}, tenant_id=tenant_id).id for tenant_id in tenants]
