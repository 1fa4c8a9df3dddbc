"""One roll-up for a burst of changes: the roll-up that runs takes over the tenant's other ones.

Every committed change leaves an ``oversight.rollup`` row in the outbox (``tracking``). A row is
visible only once its change has committed, so a roll-up that sees a sibling row and recounts
AFTERWARDS counts that sibling's change too. Under the roll-up lock (one roll-up at a time), before
recounting, the running roll-up therefore

* deletes the tenant's pending and queued roll-up rows: their work is its own. A runner that was
  handed one of them (arq may hold it) finds no row and does nothing;
* marks the tenant's other running roll-ups as covered (``result = {"covered_by": id}``) without
  touching their status: their runner waits for the lock, sees the mark and ends at once, keeping
  its claim and its "done" mark as usual.

If the roll-up fails or its process dies, all of this rolls back with it: the siblings are pending
again and nothing is lost. A roll-up that starts covered skips its recount: the covering one took
its counts after this one's change had committed.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.db.base import utcnow
from minsheng.jobs.models import Job, JobStatus
from minsheng.oversight.tracking import ROLLUP_JOB

COVERED_BY = "covered_by"


async def covering_job(session: AsyncSession, job_id: uuid.UUID) -> str | None:
    """The id of the roll-up that already counted ``job_id``'s change, or None. Call under the lock."""
    result = (await session.execute(select(Job.result).where(Job.id == job_id))).scalar_one_or_none()
    covered = (result or {}).get(COVERED_BY)
    return str(covered) if covered else None


async def take_over_siblings(session: AsyncSession, job_id: uuid.UUID, tenant_id: uuid.UUID) -> int:
    """Take over the tenant's other roll-ups (see the module); returns how many. Call under the lock."""
    waiting = await session.execute(
        delete(Job).where(Job.id.in_(_siblings(job_id, tenant_id, JobStatus.PENDING, JobStatus.QUEUED)))
    )
    running = await session.execute(
        update(Job)
        .where(Job.id.in_(_siblings(job_id, tenant_id, JobStatus.RUNNING)))
        .values(result={COVERED_BY: str(job_id)}, updated_at=utcnow())
    )
    return int(getattr(waiting, "rowcount", 0) or 0) + int(getattr(running, "rowcount", 0) or 0)


def _siblings(job_id: uuid.UUID, tenant_id: uuid.UUID, *statuses: JobStatus) -> Select[Any]:
    # Rows another transaction holds (a runner claiming one, the relay marking it queued) are left
    # alone rather than waited for: no lock-order deadlock, and such a row just runs its own roll-up.
    return (
        select(Job.id)
        .where(Job.name == ROLLUP_JOB, Job.tenant_id == tenant_id, Job.id != job_id, Job.status.in_(statuses))
        .with_for_update(skip_locked=True)
    )
