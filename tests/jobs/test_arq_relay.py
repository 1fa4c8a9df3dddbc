"""Jobs through a real Redis and a burst arq worker: Redis down delays jobs, never loses or doubles them."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from datetime import timedelta

import pytest
from arq.connections import RedisSettings, create_pool
from structlog.testing import capture_logs

from minsheng.db.session import Database
from minsheng.jobs.dispatch import ARQ_FUNCTION, ArqDispatcher
from minsheng.jobs.models import Job, JobStatus
from minsheng.jobs.outbox import enqueue, take_enqueued
from minsheng.jobs.runner import RetryPolicy
from minsheng.settings import Settings
from minsheng.tenancy.context import TenantRef

pytestmark = pytest.mark.redis

UNREACHABLE = "redis://127.0.0.1:1/0"


async def _row(database: Database, job_id: uuid.UUID) -> Job:
    async with database.session() as session:
        row = await session.get(Job, job_id)
        assert row is not None
        return row


async def test_redis_down_delays_a_job_without_failing_the_request_and_it_runs_once_redis_is_back(
    settings: Settings, database: Database, redis_url: str, tenant: TenantRef, calls: list, burst_worker
) -> None:
    down = ArqDispatcher(database, UNREACHABLE)
    async with database.session() as session:
        job = enqueue(session, "tests.record", {"value": 5}, tenant_id=tenant.id)
        await session.commit()
        with capture_logs() as logs:
            started = time.monotonic()
            await down.notify(take_enqueued(session))
            returned_after = time.monotonic() - started
            await asyncio.wait_for(down.drain(), 5)
            assert await down.relay() == 0
    await down.stop()

    assert returned_after < 0.05
    assert [entry["event"] for entry in logs if entry["log_level"] == "warning"] == ["jobs.redis_unavailable"]
    assert (await _row(database, job.id)).status == JobStatus.PENDING

    # Redis is back: the periodic relay hands the row over, and a worker runs it.
    back = ArqDispatcher(database, redis_url, relay_interval=0.05)
    await back.start()
    try:
        for _ in range(100):
            if (await _row(database, job.id)).status == JobStatus.QUEUED:
                break
            await asyncio.sleep(0.02)
    finally:
        await back.stop()
    assert (await _row(database, job.id)).status == JobStatus.QUEUED

    await burst_worker(dataclasses.replace(settings, redis_url=redis_url))

    row = await _row(database, job.id)
    assert (row.status, row.attempts, row.result) == (JobStatus.DONE, 1, {"value": 10})
    assert len(calls) == 1


async def test_the_worker_runs_a_queued_job_once_however_often_it_is_enqueued(
    settings: Settings, database: Database, redis_url: str, calls: list, burst_worker
) -> None:
    worker_settings = dataclasses.replace(settings, redis_url=redis_url)
    dispatcher = ArqDispatcher(database, redis_url)
    async with database.session() as session:
        job = enqueue(session, "tests.record", {"value": 1})
    await dispatcher.notify([job.id])
    await dispatcher.drain()
    assert (await _row(database, job.id)).status == JobStatus.QUEUED

    pool = await create_pool(RedisSettings.from_dsn(redis_url))
    try:
        # arq itself refuses a second job under the same id while the first waits.
        assert await pool.enqueue_job(ARQ_FUNCTION, str(job.id), _job_id=str(job.id)) is None
        await burst_worker(worker_settings)
        assert (await _row(database, job.id)).status == JobStatus.DONE

        # Once it has run, arq keeps no trace of it; a late duplicate is delivered, and the row refuses it.
        assert await pool.enqueue_job(ARQ_FUNCTION, str(job.id), _job_id=str(job.id)) is not None
        await dispatcher.notify([job.id])
        await dispatcher.drain()
        worker = await burst_worker(worker_settings)
        assert worker.jobs_complete >= 1
    finally:
        await pool.aclose()
        await dispatcher.stop()

    row = await _row(database, job.id)
    assert (row.status, row.attempts, row.result) == (JobStatus.DONE, 1, {"value": 2})
    assert len(calls) == 1


async def test_the_workers_relay_hands_over_rows_nobody_relayed(
    settings: Settings, database: Database, redis_url: str, burst_worker
) -> None:
    # Committed while the app could not reach Redis, and the app never came back: the worker's own
    # relay (run as it starts, then every minute) finds the row.
    async with database.session() as session:
        job = enqueue(session, "platform.ping", {"echo": "worker"})

    await burst_worker(dataclasses.replace(settings, redis_url=redis_url))

    row = await _row(database, job.id)
    assert row.status == JobStatus.DONE
    assert row.result is not None
    assert row.result["echo"] == "worker"


async def test_a_job_failing_in_the_worker_is_retried_through_the_outbox(
    settings: Settings, database: Database, redis_url: str, calls: list, burst_worker
) -> None:
    worker_settings = dataclasses.replace(settings, redis_url=redis_url)
    no_wait = {"ctx": {"minsheng_retry": RetryPolicy(first_delay=timedelta(0))}}
    async with database.session() as session:
        job = enqueue(session, "tests.flaky", {"failures": 1})

    await burst_worker(worker_settings, **no_wait)
    first = await _row(database, job.id)
    # The first attempt failed; the row waits as pending for the next relay, unless the same worker
    # run already picked it up again.
    assert first.attempts >= 1
    if first.status != JobStatus.DONE:
        assert (first.status, first.error) == (JobStatus.PENDING, "RuntimeError: boom on attempt 1")
        await burst_worker(worker_settings, **no_wait)

    row = await _row(database, job.id)
    assert (row.status, row.attempts, row.result) == (JobStatus.DONE, 2, {"attempt": 2})
    assert [attempt for _, _, attempt in calls] == [1, 2]
