"""The embedded dispatcher: jobs run in the app's own event loop, and nothing committed is left behind."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from datetime import timedelta

from minsheng.db.session import Database
from minsheng.jobs.dispatch import ArqDispatcher, InlineDispatcher, make_dispatcher
from minsheng.jobs.models import Job, JobStatus
from minsheng.jobs.outbox import enqueue, take_enqueued
from minsheng.jobs.runner import RetryPolicy
from minsheng.settings import Settings

NO_WAIT = RetryPolicy(first_delay=timedelta(0))


async def _enqueue(database: Database, name: str, args: dict | None = None) -> uuid.UUID:
    async with database.session() as session:
        return enqueue(session, name, args).id


async def _row(database: Database, job_id: uuid.UUID) -> Job:
    async with database.session() as session:
        row = await session.get(Job, job_id)
        assert row is not None
        return row


async def test_a_notified_job_runs_to_done_with_its_progress_visible_while_it_runs(
    database: Database, gate, calls: list
) -> None:
    dispatcher = InlineDispatcher(database)
    async with database.session() as session:
        job = enqueue(session, "tests.record", {"value": 4, "gate": gate.name})
        await session.commit()
        await dispatcher.notify(take_enqueued(session))

    await gate.reached()
    running = await _row(database, job.id)
    assert (running.status, running.progress, running.total) == (JobStatus.RUNNING, 1, 3)
    gate.open()
    await dispatcher.drain()

    done = await _row(database, job.id)
    assert (done.status, done.progress, done.total, done.result) == (JobStatus.DONE, 3, 3, {"value": 8})
    assert len(calls) == 1


async def test_a_failing_job_is_retried_then_marked_failed(database: Database, calls: list) -> None:
    dispatcher = InlineDispatcher(database, retry=NO_WAIT)
    job_id = await _enqueue(database, "tests.flaky", {"failures": 99})

    await dispatcher.notify([job_id])
    await asyncio.wait_for(dispatcher.drain(), 10)

    row = await _row(database, job_id)
    assert (row.status, row.attempts, row.error) == (JobStatus.FAILED, 3, "RuntimeError: boom on attempt 3")
    assert [attempt for _, _, attempt in calls] == [1, 2, 3]


async def test_a_job_that_fails_once_succeeds_on_its_retry(database: Database) -> None:
    dispatcher = InlineDispatcher(database, retry=NO_WAIT)
    job_id = await _enqueue(database, "tests.flaky", {"failures": 1})

    await dispatcher.notify([job_id])
    await asyncio.wait_for(dispatcher.drain(), 10)

    row = await _row(database, job_id)
    assert (row.status, row.attempts, row.result, row.error) == (JobStatus.DONE, 2, {"attempt": 2}, None)


async def test_a_job_notified_and_swept_many_times_does_its_work_once(database: Database, calls: list) -> None:
    dispatcher = InlineDispatcher(database)
    job_id = await _enqueue(database, "tests.record")

    await dispatcher.notify([job_id, job_id])
    await dispatcher.notify([job_id])
    await dispatcher.sweep()
    await dispatcher.drain()
    await dispatcher.notify([job_id])
    await dispatcher.sweep()
    await dispatcher.drain()

    assert len(calls) == 1
    assert (await _row(database, job_id)).status == JobStatus.DONE


async def test_start_runs_jobs_committed_but_never_notified(database: Database) -> None:
    # As after a crash between the commit and the notify.
    job_id = await _enqueue(database, "platform.ping", {"echo": "你好"})
    dispatcher = InlineDispatcher(database, sweep_interval=0.05)

    await dispatcher.start()
    try:
        for _ in range(200):
            if (await _row(database, job_id)).status == JobStatus.DONE:
                break
            await asyncio.sleep(0.02)
    finally:
        await dispatcher.stop()

    row = await _row(database, job_id)
    assert row.status == JobStatus.DONE
    assert row.result is not None
    assert (row.result["pong"], row.result["echo"]) == (True, "你好")


async def test_stop_hands_an_unfinished_job_back_to_pending(database: Database, gate) -> None:
    dispatcher = InlineDispatcher(database, grace=0.05)
    job_id = await _enqueue(database, "tests.record", {"gate": gate.name})
    await dispatcher.notify([job_id])
    await gate.reached()

    await dispatcher.stop()

    row = await _row(database, job_id)
    assert (row.status, row.error, row.result) == (JobStatus.PENDING, "interrupted before finishing", None)


def test_without_redis_jobs_run_in_process_and_with_it_through_arq(settings: Settings, database: Database) -> None:
    assert isinstance(make_dispatcher(settings, database), InlineDispatcher)
    with_redis = dataclasses.replace(settings, redis_url="redis://127.0.0.1:6379/5")
    assert isinstance(make_dispatcher(with_redis, database), ArqDispatcher)
