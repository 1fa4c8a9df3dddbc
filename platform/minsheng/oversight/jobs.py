"""Background work of oversight: a tenant's roll-up after a change, and the daily rebuild."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from minsheng import clock
from minsheng.db.base import utcnow
from minsheng.db.session import Database
from minsheng.i18n import msgid
from minsheng.jobs.models import Job
from minsheng.jobs.outbox import enqueue
from minsheng.jobs.periodic import periodic
from minsheng.jobs.registry import JobContext, PermanentFailure, job
from minsheng.oversight import coalescing, tracking
from minsheng.oversight.rollup import refresh_everything, refresh_tenant, serialize

REBUILD_JOB = "oversight.rebuild"


@job(tracking.ROLLUP_JOB, title=msgid("Recounting the oversight figures"))
async def rollup(ctx: JobContext) -> dict[str, Any]:
    """Recount the tenant's own figures and re-add its ancestors' subtree figures. Idempotent.

    A burst of changes costs one recount: the first roll-up to run takes over the tenant's others,
    and one already taken over ends at once (``coalescing``).
    """
    if ctx.tenant_id is None:
        raise PermanentFailure("a roll-up needs a tenant")
    # The lock first: what is taken over, and whether this one was, is decided one roll-up at a time.
    await serialize(ctx.session)
    covering = await coalescing.covering_job(ctx.session, ctx.job_id)
    if covering is not None:
        return {"tenants": 0, coalescing.COVERED_BY: covering}
    taken_over = await coalescing.take_over_siblings(ctx.session, ctx.job_id, ctx.tenant_id)
    touched = await refresh_tenant(ctx.session, ctx.tenant_id, locked=True)
    await ctx.progress(1, 1)
    return {"tenants": touched, "taken_over": taken_over}


@job(REBUILD_JOB, title=msgid("Recounting every oversight figure"))
async def rebuild(ctx: JobContext, day: str | None = None) -> dict[str, Any]:
    """Rebuild every tenant's roll-ups (daily, and after bulk loads that bypass the ORM). Idempotent."""
    count = await refresh_everything(ctx.session, ctx.progress)
    return {"tenants": count}


@periodic(REBUILD_JOB + "_daily", hour=18, minute=40, every=timedelta(hours=24))
async def schedule_rebuild(database: Database, now: datetime) -> list[uuid.UUID]:
    """Once a day (02:40 Beijing time, past midnight in every zone a tenant may choose), rebuild every
    roll-up: work plans become overdue with time alone."""
    day = clock.today(clock.zone(), now).isoformat()
    async with database.session() as session:
        recent = await session.execute(
            select(Job.args).where(Job.name == REBUILD_JOB, Job.created_at >= utcnow() - timedelta(days=2))
        )
        if any((args or {}).get("day") == day for args in recent.scalars()):
            return []
        job_id = enqueue(session, REBUILD_JOB, {"day": day}).id
    return [job_id]
