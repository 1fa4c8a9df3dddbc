"""Jobs of implementation: the daily deadline check of each township and county congress.

``schedule_deadline_checks`` (a periodic task: arq cron in production, a timer in embedded mode)
writes one ``implementation.check_deadlines`` job per tenant per day; that job raises the reminders
and overdue flags (``deadlines.check_deadlines``), each once, whatever the retries.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from minsheng.collection.rules import china_day
from minsheng.db.base import utcnow
from minsheng.db.session import Database
from minsheng.i18n import msgid
from minsheng.implementation.deadlines import check_deadlines
from minsheng.jobs.models import Job
from minsheng.jobs.outbox import enqueue
from minsheng.jobs.periodic import periodic
from minsheng.jobs.registry import JobContext, PermanentFailure, job
from minsheng.tenancy.configuration import tenant_hooks
from minsheng.tenancy.models import Tenant, TenantLevel, TenantStatus

CHECK_JOB = "implementation.check_deadlines"
CHECKED_LEVELS = (TenantLevel.TOWNSHIP, TenantLevel.COUNTY)


@job(CHECK_JOB, title=msgid("Checking the deadlines of the chosen projects"))
async def check_tenant_deadlines(ctx: JobContext, now: str, day: str | None = None) -> dict[str, Any]:
    """Raise the tenant's reminders and overdue flags due at ``now`` (an ISO time: the scheduler's clock).

    The ``now`` is fixed when the job is written, so a retry judges the same day as the first attempt.
    """
    tenant = await ctx.session.get(Tenant, ctx.tenant_id) if ctx.tenant_id else None
    if tenant is None:
        raise PermanentFailure("the deadline check needs its tenant")
    # The tenant's hooks, built once for the whole check (the roles its region adds to the table).
    hooks = await tenant_hooks(ctx.session, tenant)
    alerts = await check_deadlines(ctx.session, tenant, datetime.fromisoformat(now), hooks=hooks)
    return {"raised": [a.dedupe_key for a in alerts]}


@periodic("implementation.deadline_checks", hour=None, minute=7, every=timedelta(hours=1))
async def schedule_deadline_checks(database: Database, now: datetime) -> list[uuid.UUID]:
    """Write today's deadline check for every active township and county not checked yet today."""
    day = china_day(now).isoformat()
    async with database.session() as session:
        tenants = (
            await session.execute(
                select(Tenant.id).where(Tenant.status == TenantStatus.ACTIVE, Tenant.level.in_(CHECKED_LEVELS))
            )
        ).scalars()
        # Jobs written in the last two days (by the real clock, as rows are stamped) that judge ``day``.
        recent = await session.execute(
            select(Job.tenant_id, Job.args).where(Job.name == CHECK_JOB, Job.created_at >= utcnow() - timedelta(days=2))
        )
        done = {tenant_id for tenant_id, args in recent.all() if (args or {}).get("day") == day}
        ids = [
            enqueue(session, CHECK_JOB, {"now": now.isoformat(), "day": day}, tenant_id=tenant_id).id
            for tenant_id in tenants
            if tenant_id not in done
        ]
    return ids
