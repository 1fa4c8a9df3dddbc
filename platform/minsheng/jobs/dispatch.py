"""Handing committed outbox rows to something that runs them.

* :class:`InlineDispatcher` (embedded mode, no Redis): runs jobs in background tasks of the app's own
  event loop, and sweeps the outbox at start and every few seconds, so jobs a crash left behind run.
* :class:`ArqDispatcher` (production): relays rows to arq on Redis under their own id, so arq refuses
  a job it already holds, and marks them queued. Redis being down delays jobs, never fails a request:
  ``notify`` only starts a background relay, which logs a warning and leaves the rows pending; the
  periodic relay (and the workers' cron) hands them over once Redis is back.

The app builds one with :func:`make_dispatcher` in its lifespan, calls ``start()``/``stop()`` there,
and ``notify(ids)`` after each committed transaction that enqueued jobs.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Coroutine, Iterable
from dataclasses import replace
from typing import Any, Protocol

import structlog
from arq.connections import ArqRedis, RedisSettings, create_pool
from redis.exceptions import RedisError

from minsheng.db.base import utcnow
from minsheng.db.session import Database
from minsheng.jobs.outbox import mark_queued, pending_job_ids, release_stale_jobs
from minsheng.jobs.periodic import EmbeddedTimer
from minsheng.jobs.runner import DEFAULT_RETRY, RetryPolicy, run_job
from minsheng.settings import Settings

log = structlog.get_logger("minsheng.jobs")

# The one arq function every outbox job is delivered through; its argument is the row's id.
ARQ_FUNCTION = "run_minsheng_job"

# What an unreachable, refusing or hanging Redis raises (TimeoutError is an OSError since 3.11).
REDIS_ERRORS = (OSError, RedisError, asyncio.TimeoutError)


class JobDispatcher(Protocol):
    """What the app needs from a dispatcher, whichever way jobs run."""

    async def notify(self, job_ids: Iterable[uuid.UUID]) -> None:
        """Tell the runners about jobs just committed; returns at once and never raises."""

    async def start(self) -> None:
        """Begin the periodic sweep or relay (called in the app's lifespan)."""

    async def stop(self) -> None:
        """Stop background work, letting jobs in hand finish briefly."""


class _Background:
    """Fire-and-forget tasks that are kept referenced, logged when they fail, and awaitable."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task[None]] = set()

    def spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(work, name=name)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def drain(self) -> None:
        # New tasks may be spawned while we wait (a retry, a relay): wait until none is left.
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    async def stop(self, grace: float) -> None:
        if self.tasks:
            _done, late = await asyncio.wait(list(self.tasks), timeout=grace)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)


async def _every(interval: float, work: Any, what: str) -> None:
    """Run ``work()`` now and then every ``interval`` seconds; an error is logged, never fatal."""
    while True:
        try:
            await work()
        except Exception:
            log.exception(f"jobs.{what}_failed")
        await asyncio.sleep(interval)


class InlineDispatcher:
    """Embedded mode: jobs run in this process, at most ``concurrency`` at a time."""

    def __init__(
        self,
        database: Database,
        *,
        sweep_interval: float = 5.0,
        retry: RetryPolicy = DEFAULT_RETRY,
        concurrency: int = 4,
        grace: float = 10.0,
    ) -> None:
        self.database = database
        self.sweep_interval = sweep_interval
        self.retry = retry
        self.grace = grace
        self._slots = asyncio.Semaphore(concurrency)
        self._background = _Background()
        # Jobs with a task or a timer here: a second notify of one of them waits for that task.
        self._active: set[uuid.UUID] = set()
        self._timers: dict[uuid.UUID, asyncio.TimerHandle] = {}
        self._sweeper: asyncio.Task[None] | None = None
        # Cron work of embedded mode (deadline reminders ...): arq's cron does it in production.
        self._timer = EmbeddedTimer(database, self.notify)

    async def notify(self, job_ids: Iterable[uuid.UUID]) -> None:
        """Run the jobs in background tasks of this event loop."""
        for job_id in job_ids:
            self._spawn(job_id)

    async def start(self) -> None:
        """Sweep the outbox now and every ``sweep_interval`` seconds."""
        self._sweeper = asyncio.create_task(_every(self.sweep_interval, self.sweep, "sweep"), name="minsheng-sweep")
        self._timer.start()

    async def stop(self) -> None:
        """Stop sweeping and waiting for retries; give running jobs ``grace`` seconds to finish.

        A job cut short is rolled back and put back to pending, and runs again after the next start.
        """
        await self._timer.stop()
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        await self._background.stop(self.grace)

    async def sweep(self) -> int:
        """Start every pending job that is due (and revive those left running by a crash)."""
        async with self.database.session() as session:
            # Our own jobs are alive however long they take: on SQLite their progress reports only
            # show at their commit, so they could look stale.
            await release_stale_jobs(session, exclude=set(self._active))
            due = await pending_job_ids(session)
        await self.notify(due)
        return len(due)

    async def drain(self) -> None:
        """Wait until no job is running or waiting to be retried (for tests and the CLI)."""
        while self._background.tasks or self._timers:
            if self._background.tasks:
                await self._background.drain()
            else:
                await asyncio.sleep(0.01)

    def _spawn(self, job_id: uuid.UUID) -> None:
        if job_id in self._active:
            return
        self._active.add(job_id)
        self._background.spawn(self._run(job_id), name=f"minsheng-job-{job_id}")

    async def _run(self, job_id: uuid.UUID) -> None:
        outcome = None
        try:
            async with self._slots:
                outcome = await run_job(self.database, job_id, retry=self.retry)
        except Exception:
            log.exception("jobs.run_failed", job_id=str(job_id))
        finally:
            self._active.discard(job_id)
        if outcome is not None and outcome.next_run_at is not None:
            self._later(job_id, (outcome.next_run_at - utcnow()).total_seconds())

    def _later(self, job_id: uuid.UUID, delay: float) -> None:
        def fire() -> None:
            self._timers.pop(job_id, None)
            self._spawn(job_id)

        if job_id not in self._timers:
            self._timers[job_id] = asyncio.get_running_loop().call_later(max(delay, 0.0), fire)


async def relay_pending(
    database: Database,
    redis: ArqRedis,
    *,
    job_ids: list[uuid.UUID] | None = None,
    enqueue_timeout: float = 3.0,
) -> int:
    """Hand due pending rows (only ``job_ids`` when given) to arq and mark them queued.

    Returns how many were handed over. Redis errors propagate; rows handed over before one are still
    marked queued. The job id is the arq job id, so arq refuses a row it already holds.
    """
    async with database.session() as session:
        due = await pending_job_ids(session, ids=job_ids)
    handed: list[uuid.UUID] = []
    try:
        for job_id in due:
            # enqueue_job answers None for an id arq already holds: the row is in its queue either way.
            await asyncio.wait_for(redis.enqueue_job(ARQ_FUNCTION, str(job_id), _job_id=str(job_id)), enqueue_timeout)
            handed.append(job_id)
    finally:
        if handed:
            async with database.session() as session:
                await mark_queued(session, handed)
    return len(handed)


class ArqDispatcher:
    """Production: relay outbox rows to arq workers through Redis."""

    def __init__(
        self,
        database: Database,
        redis_url: str,
        *,
        relay_interval: float = 5.0,
        connect_timeout: int = 1,
        timeout: float = 3.0,
    ) -> None:
        self.database = database
        self.relay_interval = relay_interval
        self.timeout = timeout
        # No connection retries: a relay that fails simply tries again on its next round.
        self.redis_settings = replace(RedisSettings.from_dsn(redis_url), conn_timeout=connect_timeout, conn_retries=0)
        self._pool: ArqRedis | None = None
        self._connecting = asyncio.Lock()
        self._background = _Background()
        self._relayer: asyncio.Task[None] | None = None
        self._redis_down = False

    async def notify(self, job_ids: Iterable[uuid.UUID]) -> None:
        """Relay the jobs in a background task: the request never waits for Redis."""
        ids = list(job_ids)
        if ids:
            self._background.spawn(self._relay_quietly(ids), name="minsheng-relay")

    async def start(self) -> None:
        """Relay pending rows now and every ``relay_interval`` seconds."""
        self._relayer = asyncio.create_task(_every(self.relay_interval, self.relay, "relay"), name="minsheng-relay")

    async def stop(self) -> None:
        """Stop relaying and close the Redis connection."""
        if self._relayer is not None:
            self._relayer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._relayer
            self._relayer = None
        await self._background.stop(self.timeout)
        await self._close_pool()

    async def drain(self) -> None:
        """Wait for the relays started by ``notify`` (for tests)."""
        await self._background.drain()

    async def relay(self, job_ids: list[uuid.UUID] | None = None) -> int:
        """Hand due pending rows to arq; returns how many. Redis trouble is logged, not raised."""
        try:
            pool = await self._connect()
            handed = await relay_pending(self.database, pool, job_ids=job_ids, enqueue_timeout=self.timeout)
        except REDIS_ERRORS as exc:
            if not self._redis_down:
                log.warning("jobs.redis_unavailable", redis=self._where(), error=repr(exc))
            self._redis_down = True
            await self._close_pool()
            return 0
        if self._redis_down:
            log.info("jobs.redis_back", redis=self._where())
            self._redis_down = False
        return handed

    async def _relay_quietly(self, job_ids: list[uuid.UUID]) -> None:
        try:
            await self.relay(job_ids)
        except Exception:
            # Not Redis (that is handled in relay): the database. The periodic relay tries again.
            log.exception("jobs.relay_failed")

    async def _connect(self) -> ArqRedis:
        async with self._connecting:
            if self._pool is None:
                self._pool = await asyncio.wait_for(create_pool(self.redis_settings), self.timeout)
            return self._pool

    async def _close_pool(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            with contextlib.suppress(*REDIS_ERRORS):
                await pool.aclose()

    def _where(self) -> str:
        # Never the password: only where Redis was looked for.
        settings = self.redis_settings
        return f"{settings.host}:{settings.port}/{settings.database}"


def make_dispatcher(settings: Settings, database: Database) -> InlineDispatcher | ArqDispatcher:
    """The dispatcher for these settings: in-process without ``MINSHENG_REDIS_URL``, arq with it."""
    if settings.redis_url is None:
        return InlineDispatcher(database)
    return ArqDispatcher(database, settings.redis_url)
