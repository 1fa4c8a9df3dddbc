"""A delayed job can be left to the periodic sweep: it is written, but no runner is told of it."""

from __future__ import annotations

from datetime import timedelta

from minsheng.db.base import utcnow
from minsheng.db.session import SETTINGS_INFO, Database
from minsheng.jobs.models import Job, JobStatus
from minsheng.jobs.outbox import enqueue, pending_job_ids, take_enqueued


async def test_a_job_enqueued_without_notice_is_only_found_by_the_sweep(database: Database) -> None:
    later = utcnow() + timedelta(seconds=30)
    async with database.session() as session:
        told = enqueue(session, "platform.ping")
        quiet = enqueue(session, "platform.ping", run_after=later, notify=False)
        await session.commit()
        assert take_enqueued(session) == [told.id]
    async with database.session() as session:
        row = await session.get(Job, quiet.id)
        assert row is not None and row.status == JobStatus.PENDING
        assert await pending_job_ids(session) == [told.id]
        assert quiet.id in await pending_job_ids(session, now=later)


async def test_sessions_carry_their_settings(database: Database) -> None:
    async with database.sessionmaker() as session:
        assert session.info[SETTINGS_INFO] is database.settings
