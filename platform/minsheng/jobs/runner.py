"""Running one job from its outbox row: claim it, run it in its tenant's context, record the outcome.

Every way a job can be delivered ends here: the arq worker, the embedded dispatcher, a sweep after a
crash. Deliveries may repeat, so the row decides: only a pending or queued row is claimed (under a row
lock), and the work commits in the same transaction as the "done" mark, fenced by the attempt number,
so a second or late delivery does nothing.

Failures are retried with a growing delay (the row goes back to pending with a later ``run_after``)
until ``RetryPolicy.max_attempts``; then, or at once for :class:`PermanentFailure` and unknown job
names, the row is failed for good with the error text.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

# Imported for its effect: the ORM isolation listeners must be installed in every process that runs
# jobs (a worker imports nothing else that would install them).
import minsheng.tenancy.isolation  # noqa: F401
from minsheng.db.base import utcnow
from minsheng.db.session import Database
from minsheng.jobs.models import Job, JobStatus
from minsheng.jobs.registry import JobContext, PermanentFailure, UnknownJob, get_job
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.tenancy.models import Tenant

log = structlog.get_logger("minsheng.jobs")

_CLAIMABLE = (JobStatus.PENDING, JobStatus.QUEUED)


@dataclass(frozen=True)
class RetryPolicy:
    """How often a failing job is tried, and how long it waits before trying again."""

    max_attempts: int = 3
    first_delay: timedelta = timedelta(seconds=10)
    factor: float = 4.0

    def delay(self, attempt: int) -> timedelta:
        """The wait after failed attempt number ``attempt`` (1-based): 10 s, then 40 s by default."""
        return self.first_delay * (self.factor ** max(attempt - 1, 0))


DEFAULT_RETRY = RetryPolicy()


@dataclass(frozen=True)
class RunOutcome:
    """What one call of :func:`run_job` did.

    ``status`` is the row's status afterwards (None: there is no such job); ``ran`` says whether this
    call ran the job's function; ``next_run_at`` is when a pending job is due: after a failed attempt,
    or when it was delivered before its ``run_after``.
    """

    job_id: uuid.UUID
    status: JobStatus | None
    ran: bool = False
    next_run_at: datetime | None = None


@dataclass(frozen=True)
class _Claim:
    job_id: uuid.UUID
    name: str
    args: dict[str, Any]
    tenant: TenantRef | None
    attempt: int


class _LostClaim(RuntimeError):
    """The row was handed to another runner while this one worked (it was taken for dead)."""


async def run_job(database: Database, job_id: uuid.UUID | str, *, retry: RetryPolicy = DEFAULT_RETRY) -> RunOutcome:
    """Run the job ``job_id`` once if it is due to run; a no-op for a finished or running job.

    Never raises for a failing job: the failure is recorded on the row (and retried per ``retry``).
    Database errors while claiming or recording do propagate, so the delivery can be tried again.
    """
    job_id = job_id if isinstance(job_id, uuid.UUID) else uuid.UUID(str(job_id))
    claim = await _claim(database, job_id, retry)
    if isinstance(claim, RunOutcome):
        return claim
    slug = claim.tenant.slug if claim.tenant else None
    with structlog.contextvars.bound_contextvars(job_id=str(job_id), job=claim.name, tenant=slug):
        try:
            await _execute(database, claim)
        except asyncio.CancelledError:
            # Shut down or timed out mid-run: the work rolled back; hand the row back rather than
            # leave it "running" until it is taken for dead.
            await asyncio.shield(_record_failure(database, claim, "interrupted before finishing", retry))
            raise
        except _LostClaim:
            log.warning("job.superseded")
            return RunOutcome(job_id, JobStatus.RUNNING, ran=True)
        except Exception as exc:
            log.warning("job.failed", attempt=claim.attempt, exc_info=True)
            permanent = isinstance(exc, PermanentFailure | UnknownJob)
            return await _record_failure(database, claim, f"{type(exc).__name__}: {exc}", retry, permanent)
        log.info("job.done", attempt=claim.attempt)
        return RunOutcome(job_id, JobStatus.DONE, ran=True)


async def _claim(database: Database, job_id: uuid.UUID, retry: RetryPolicy) -> _Claim | RunOutcome:
    async with database.session() as session:
        # The row lock makes concurrent deliveries of one job queue here; the later one then sees the
        # row running (or done) and leaves it alone.
        row = (await session.execute(select(Job).where(Job.id == job_id).with_for_update())).scalar_one_or_none()
        if row is None:
            return RunOutcome(job_id, None)
        if row.status not in _CLAIMABLE:
            return RunOutcome(job_id, row.status)
        # A queued row was found due by the relay, whose clock may run a little ahead of ours.
        run_after = _aware(row.run_after)
        if row.status == JobStatus.PENDING and run_after > utcnow():
            return RunOutcome(job_id, JobStatus.PENDING, next_run_at=run_after)
        row.attempts += 1
        row.updated_at = utcnow()
        failure = await _refusal(session, row, retry)
        if failure is not None:
            row.status = JobStatus.FAILED
            row.error = failure
            log.warning("job.refused", job_id=str(job_id), job=row.name, error=failure)
            return RunOutcome(job_id, JobStatus.FAILED)
        row.status = JobStatus.RUNNING
        row.error = None
        tenant = await session.get(Tenant, row.tenant_id) if row.tenant_id else None
        return _Claim(
            job_id=job_id,
            name=row.name,
            args=dict(row.args or {}),
            tenant=TenantRef(tenant.id, tenant.slug) if tenant else None,
            attempt=row.attempts,
        )


async def _refusal(session: AsyncSession, row: Job, retry: RetryPolicy) -> str | None:
    """Why the claimed row cannot run at all, or None."""
    if row.attempts > retry.max_attempts:
        # Only reached when earlier attempts died without recording an outcome (crash, kill -9).
        return f"gave up after {retry.max_attempts} attempts; the last one did not finish"
    try:
        get_job(row.name)
    except UnknownJob as exc:
        return f"UnknownJob: {exc}"
    if row.tenant_id is not None and await session.get(Tenant, row.tenant_id) is None:
        return f"the job's tenant {row.tenant_id} does not exist"
    return None


async def _execute(database: Database, claim: _Claim) -> None:
    fn = get_job(claim.name)
    # The tenant goes into context before the session opens: on PostgreSQL the transaction binds the
    # tenant for row-level security as it begins.
    with tenant_scope(claim.tenant):
        async with database.session() as session:
            context = JobContext(
                session=session,
                job_id=claim.job_id,
                tenant_id=claim.tenant.id if claim.tenant else None,
                settings=database.settings,
                attempt=claim.attempt,
                _report=partial(_report_progress, database, session, claim.job_id),
            )
            result = await fn(context, **claim.args)
            if result is not None and not isinstance(result, dict):
                raise PermanentFailure(f"job {claim.name!r} returned {type(result).__name__}, not a dict or None")
            finished = await session.execute(
                update(Job)
                .where(Job.id == claim.job_id, Job.status == JobStatus.RUNNING, Job.attempts == claim.attempt)
                .values(status=JobStatus.DONE, result=result, error=None, updated_at=utcnow())
            )
            if getattr(finished, "rowcount", 0) != 1:
                # Raising rolls the job's work back with it: the runner that holds the row now does it.
                raise _LostClaim(str(claim.job_id))


async def _report_progress(
    database: Database, session: AsyncSession, job_id: uuid.UUID, done: int, total: int | None
) -> None:
    statement = (
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.RUNNING)
        .values(progress=done, total=total, updated_at=utcnow())
    )
    if database.engine.dialect.name == "sqlite" and session.in_transaction():
        # The job's transaction may hold SQLite's only write lock: a second transaction would wait for
        # it, and it waits for us. Writing inside it is the best SQLite allows.
        await session.execute(statement)
        return
    async with database.session() as progress_session:
        await progress_session.execute(statement)


async def _record_failure(
    database: Database, claim: _Claim, error: str, retry: RetryPolicy, permanent: bool = False
) -> RunOutcome:
    give_up = permanent or claim.attempt >= retry.max_attempts
    next_run_at = None if give_up else utcnow() + retry.delay(claim.attempt)
    values: dict[str, Any] = {"error": error[:4000], "updated_at": utcnow()}
    if next_run_at is None:
        values["status"] = JobStatus.FAILED
    else:
        values.update(status=JobStatus.PENDING, run_after=next_run_at)
    async with database.session() as session:
        await session.execute(
            update(Job)
            .where(Job.id == claim.job_id, Job.status == JobStatus.RUNNING, Job.attempts == claim.attempt)
            .values(**values)
        )
    if next_run_at is None:
        log.error("job.gave_up", job_id=str(claim.job_id), job=claim.name, attempts=claim.attempt, error=error)
        return RunOutcome(claim.job_id, JobStatus.FAILED, ran=True)
    return RunOutcome(claim.job_id, JobStatus.PENDING, ran=True, next_run_at=next_run_at)


def _aware(moment: datetime) -> datetime:
    # SQLite keeps no time zone; every time the platform writes is UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
