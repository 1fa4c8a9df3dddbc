"""Running one job from its row: tenant context, one transaction, idempotence, retries."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, timedelta

from sqlalchemy import func, select, update

from minsheng.db.base import utcnow
from minsheng.db.session import Database
from minsheng.jobs.models import Job, JobStatus
from minsheng.jobs.outbox import enqueue
from minsheng.jobs.runner import DEFAULT_RETRY, RetryPolicy, run_job
from minsheng.tenancy.context import TenantRef
from minsheng.tenancy.models import Tenant


async def _enqueue(database: Database, name: str, args: dict | None = None, **options) -> uuid.UUID:
    async with database.session() as session:
        return enqueue(session, name, args, **options).id


async def _row(database: Database, job_id: uuid.UUID) -> Job:
    async with database.session() as session:
        row = await session.get(Job, job_id)
        assert row is not None
        return row


async def _tenant_count(database: Database) -> int:
    async with database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Tenant)) or 0)


async def test_a_tenant_job_runs_in_its_tenant_context_and_its_writes_commit_with_done(
    database: Database, tenant: TenantRef
) -> None:
    job_id = await _enqueue(database, "tests.tenant_probe", tenant_id=tenant.id)

    outcome = await run_job(database, job_id)

    assert (outcome.status, outcome.ran) == (JobStatus.DONE, True)
    row = await _row(database, job_id)
    assert (row.status, row.attempts, row.error) == (JobStatus.DONE, 1, None)
    assert row.result == {"slug": "jiaxian", "tenant_id": str(tenant.id)}
    assert (row.progress, row.total) == (1, 1)
    assert await _tenant_count(database) == 2


async def test_a_platform_job_runs_with_no_tenant_in_context(database: Database) -> None:
    job_id = await _enqueue(database, "tests.tenant_probe")
    await run_job(database, str(job_id))
    assert (await _row(database, job_id)).result == {"slug": None, "tenant_id": None}


async def test_a_second_delivery_of_a_finished_job_does_nothing(database: Database, calls: list) -> None:
    job_id = await _enqueue(database, "tests.record", {"value": 21})

    first = await run_job(database, job_id)
    second = await run_job(database, job_id)

    assert (first.ran, second.ran, second.status) == (True, False, JobStatus.DONE)
    assert len(calls) == 1
    row = await _row(database, job_id)
    assert (row.attempts, row.result) == (1, {"value": 42})


async def test_concurrent_deliveries_of_one_job_do_the_work_once(database: Database, calls: list) -> None:
    job_id = await _enqueue(database, "tests.record")

    outcomes = await asyncio.gather(*(run_job(database, job_id) for _ in range(3)))

    assert sorted(outcome.ran for outcome in outcomes) == [False, False, True]
    assert len(calls) == 1
    assert (await _row(database, job_id)).attempts == 1


async def test_a_job_that_does_not_exist_is_a_no_op(database: Database) -> None:
    outcome = await run_job(database, uuid.uuid4())
    assert (outcome.status, outcome.ran) == (None, False)


async def test_a_failed_attempt_is_undone_and_retried_later_with_a_growing_delay(
    database: Database, tenant: TenantRef
) -> None:
    job_id = await _enqueue(database, "tests.tenant_probe", {"fail": True}, tenant_id=tenant.id)

    before = utcnow()
    outcome = await run_job(database, job_id)

    assert outcome.status == JobStatus.PENDING
    assert outcome.next_run_at is not None
    assert outcome.next_run_at - before >= DEFAULT_RETRY.first_delay
    row = await _row(database, job_id)
    assert (row.status, row.attempts, row.error) == (JobStatus.PENDING, 1, "RuntimeError: after writing")
    assert row.run_after.replace(tzinfo=UTC) > before
    # The row the job wrote before failing was rolled back with it.
    assert await _tenant_count(database) == 1
    assert DEFAULT_RETRY.delay(2) > DEFAULT_RETRY.delay(1)


async def test_a_job_that_keeps_failing_is_failed_for_good_after_three_attempts(
    database: Database, calls: list
) -> None:
    retry = RetryPolicy(first_delay=timedelta(0))
    job_id = await _enqueue(database, "tests.flaky", {"failures": 99})

    statuses = [(await run_job(database, job_id, retry=retry)).status for _ in range(4)]

    assert statuses == [JobStatus.PENDING, JobStatus.PENDING, JobStatus.FAILED, JobStatus.FAILED]
    assert [attempt for _, _, attempt in calls] == [1, 2, 3]
    row = await _row(database, job_id)
    assert (row.status, row.attempts, row.error) == (JobStatus.FAILED, 3, "RuntimeError: boom on attempt 3")


async def test_an_unknown_job_name_fails_at_once_with_a_clear_error(database: Database) -> None:
    job_id = await _enqueue(database, "documents.no_such_job")

    outcome = await run_job(database, job_id)

    assert (outcome.status, outcome.ran) == (JobStatus.FAILED, False)
    row = await _row(database, job_id)
    assert row.attempts == 1
    assert row.error is not None
    assert "no job is registered as 'documents.no_such_job'" in row.error


async def test_a_permanent_failure_is_not_retried(database: Database) -> None:
    job_id = await _enqueue(database, "tests.refuse")
    outcome = await run_job(database, job_id)
    assert outcome.status == JobStatus.FAILED
    assert (await _row(database, job_id)).error == "PermanentFailure: the record is gone"


async def test_a_job_delivered_before_its_time_waits_for_it(database: Database, calls: list) -> None:
    later = utcnow() + timedelta(minutes=5)
    job_id = await _enqueue(database, "tests.record", run_after=later)

    outcome = await run_job(database, job_id)

    assert (outcome.status, outcome.ran, outcome.next_run_at) == (JobStatus.PENDING, False, later)
    assert calls == []
    assert (await _row(database, job_id)).attempts == 0


async def test_attempts_that_died_without_an_outcome_end_in_failure(database: Database, calls: list) -> None:
    job_id = await _enqueue(database, "tests.record")
    async with database.session() as session:
        await session.execute(update(Job).where(Job.id == job_id).values(attempts=3))

    outcome = await run_job(database, job_id)

    assert outcome.status == JobStatus.FAILED
    assert calls == []
    assert "did not finish" in ((await _row(database, job_id)).error or "")
