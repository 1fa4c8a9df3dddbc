"""Writing jobs to the outbox, and the queries the relays and sweeps use to find work.

A job is a row added in the caller's transaction: if the change that asked for it rolls back, the job
was never asked for; if it commits, the job exists and will run even if Redis or the process dies
before anyone is told. Telling a runner is the caller's second step, after the commit::

    job = enqueue(session, "documents.render", {"document_id": str(doc.id)}, tenant_id=tenant.id)
    await session.commit()
    await dispatcher.notify(take_enqueued(session))

(The request transaction does both for every handler: see ``provide_db_session``.)
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.db.base import new_id, utcnow
from minsheng.jobs.models import Job, JobStatus

# The session.info key under which enqueue() leaves the ids to hand over after the commit.
JOBS_KEY = "minsheng_jobs"

# A running job that has not reported for this long is taken to be dead (its process crashed or was
# killed) and goes back to pending. It must exceed the longest gap between a job's progress reports;
# the arq worker's job timeout is shorter, so arq gives up on a job before we hand it out again.
STALE_AFTER = timedelta(minutes=15)


def enqueue(
    session: AsyncSession,
    name: str,
    args: dict[str, Any] | None = None,
    *,
    tenant_id: uuid.UUID | None = None,
    run_after: datetime | None = None,
    notify: bool = True,
) -> Job:
    """Add the job ``name`` with JSON ``args`` to the outbox, in the session's current transaction.

    ``tenant_id`` names the tenant whose data the job works on (its context is set when it runs);
    None makes it a platform job. ``run_after`` delays it. The id is also remembered in
    ``session.info[JOBS_KEY]`` so the caller can notify the dispatcher once the transaction commits;
    ``notify=False`` leaves it to the periodic sweep or relay (for delayed jobs, so a request does not
    pay for telling a runner about a job that is not due yet).
    """
    job = Job(
        # The id is chosen here, not at flush, so the caller can show or remember it at once.
        id=new_id(),
        tenant_id=tenant_id,
        name=name,
        args=dict(args or {}),
        status=JobStatus.PENDING,
        attempts=0,
        progress=0,
        run_after=run_after or utcnow(),
    )
    session.add(job)
    if notify:
        session.info.setdefault(JOBS_KEY, []).append(job.id)
    return job


def take_enqueued(session: AsyncSession) -> list[uuid.UUID]:
    """The ids enqueued through ``session`` since the last call, forgetting them.

    Call it after the commit. Ids of a transaction that rolled back are harmless to notify: the
    runners find no such row and do nothing.
    """
    ids: list[uuid.UUID] = session.info.pop(JOBS_KEY, None) or []
    return ids


async def pending_job_ids(
    session: AsyncSession,
    *,
    ids: list[uuid.UUID] | None = None,
    limit: int = 200,
    now: datetime | None = None,
) -> list[uuid.UUID]:
    """Pending jobs whose time has come, oldest first; only among ``ids`` when given."""
    query = (
        select(Job.id)
        .where(Job.status == JobStatus.PENDING, Job.run_after <= (now or utcnow()))
        .order_by(Job.run_after)
        .limit(limit)
    )
    if ids is not None:
        query = query.where(Job.id.in_(ids))
    return list((await session.scalars(query)).all())


async def mark_queued(session: AsyncSession, ids: list[uuid.UUID]) -> None:
    """Mark jobs as handed to arq, unless a worker has already taken them meanwhile."""
    if ids:
        await session.execute(
            update(Job)
            .where(Job.id.in_(ids), Job.status == JobStatus.PENDING)
            .values(status=JobStatus.QUEUED, updated_at=utcnow())
        )


async def release_stale_jobs(
    session: AsyncSession,
    *,
    stale_after: timedelta = STALE_AFTER,
    now: datetime | None = None,
    exclude: Collection[uuid.UUID] = (),
) -> int:
    """Put jobs that have been queued or running for too long back to pending; returns how many.

    A running job whose process died, or a queued one whose Redis lost its queue, would otherwise
    wait forever. Handing such a job over again is safe: arq refuses a job id it still holds, and the
    runner refuses a job that has finished. ``exclude`` names jobs the caller knows to be alive.
    """
    cutoff = (now or utcnow()) - stale_after
    statement = (
        update(Job)
        .where(
            or_(Job.status == JobStatus.RUNNING, Job.status == JobStatus.QUEUED),
            Job.updated_at < cutoff,
        )
        .values(status=JobStatus.PENDING, updated_at=utcnow())
    )
    if exclude:
        statement = statement.where(Job.id.not_in(list(exclude)))
    result = await session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)
