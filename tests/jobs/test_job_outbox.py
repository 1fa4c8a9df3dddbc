"""The outbox: a job exists exactly when the transaction that asked for it commits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from minsheng.db.base import utcnow
from minsheng.db.session import Database
from minsheng.jobs.models import Job, JobStatus
from minsheng.jobs.outbox import JOBS_KEY, enqueue, pending_job_ids, release_stale_jobs, take_enqueued
from minsheng.tenancy.context import TenantRef


class Refused(Exception):
    pass


async def test_a_job_enqueued_in_a_transaction_that_rolls_back_does_not_exist(database: Database) -> None:
    with pytest.raises(Refused):
        async with database.session() as session:
            job = enqueue(session, "tests.record", {"value": 1})
            await session.flush()
            raise Refused
    async with database.session() as session:
        assert await session.get(Job, job.id) is None
        assert (await session.scalars(select(Job))).all() == []


async def test_a_committed_job_is_pending_and_its_id_is_left_for_the_caller(
    database: Database, tenant: TenantRef
) -> None:
    async with database.session() as session:
        job = enqueue(session, "tests.record", {"value": 1}, tenant_id=tenant.id)
        second = enqueue(session, "platform.ping")
        assert session.info[JOBS_KEY] == [job.id, second.id]
        await session.commit()
        assert take_enqueued(session) == [job.id, second.id]
        assert take_enqueued(session) == []
    async with database.session() as session:
        row = await session.get(Job, job.id)
        assert row is not None
        assert (row.status, row.attempts, row.tenant_id, row.args) == (JobStatus.PENDING, 0, tenant.id, {"value": 1})


async def test_pending_job_ids_lists_only_jobs_that_are_due(database: Database) -> None:
    async with database.session() as session:
        due = enqueue(session, "tests.record")
        enqueue(session, "tests.record", run_after=utcnow() + timedelta(minutes=5))
    async with database.session() as session:
        assert await pending_job_ids(session) == [due.id]
        assert await pending_job_ids(session, ids=[]) == []


async def test_jobs_left_running_by_a_dead_process_go_back_to_pending(database: Database) -> None:
    async with database.session() as session:
        dead = enqueue(session, "tests.record")
        alive = enqueue(session, "tests.record")
    async with database.session() as session:
        await session.execute(
            update(Job)
            .where(Job.id == dead.id)
            .values(status=JobStatus.RUNNING, updated_at=utcnow() - timedelta(hours=1))
        )
        await session.execute(update(Job).where(Job.id == alive.id).values(status=JobStatus.RUNNING))
    async with database.session() as session:
        assert await release_stale_jobs(session) == 1
    async with database.session() as session:
        assert (await session.get(Job, dead.id)).status == JobStatus.PENDING  # type: ignore[union-attr]
        assert (await session.get(Job, alive.id)).status == JobStatus.RUNNING  # type: ignore[union-attr]


async def test_a_sweep_leaves_alone_the_jobs_its_own_process_is_running(database: Database) -> None:
    async with database.session() as session:
        ours = enqueue(session, "tests.record")
    async with database.session() as session:
        await session.execute(
            update(Job)
            .where(Job.id == ours.id)
            .values(status=JobStatus.RUNNING, updated_at=utcnow() - timedelta(hours=1))
        )
    async with database.session() as session:
        assert await release_stale_jobs(session, exclude={ours.id}) == 0
