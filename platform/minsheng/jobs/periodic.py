"""Periodic tasks (cron): run by arq's cron in production and by a timer of the app in embedded mode.

A periodic task is ``async def task(database, now) -> list[job ids]``: it writes outbox jobs (which do
the real work, idempotently) and returns their ids so the caller can hand them to the runners. The
``now`` argument is the clock: tests call the task with the time they want.

    @periodic("implementation.deadline_checks", hour=1, minute=0, every=timedelta(hours=6))
    async def schedule(database: Database, now: datetime) -> list[uuid.UUID]: ...
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog

from minsheng.db.base import utcnow
from minsheng.db.session import Database

log = structlog.get_logger("minsheng.jobs")

PeriodicFunction = Callable[[Database, datetime], Awaitable[list[uuid.UUID]]]
# The embedded timer waits this long after start before its first round, so a short-lived app (a
# test, a CLI command) never runs the periodic work.
EMBEDDED_FIRST_DELAY = timedelta(minutes=2)


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    run: PeriodicFunction
    hour: int | None  # arq cron: at this hour (UTC), None: every hour
    minute: int
    every: timedelta  # embedded mode: how often


_tasks: dict[str, PeriodicTask] = {}


def periodic(name: str, *, minute: int = 0, hour: int | None = None, every: timedelta) -> Callable[[Any], Any]:
    """Register the decorated function as the periodic task ``name``."""

    def register(fn: PeriodicFunction) -> PeriodicFunction:
        _tasks[name] = PeriodicTask(name, fn, hour, minute, every)
        return fn

    return register


def periodic_tasks() -> list[PeriodicTask]:
    """The registered tasks (import the job modules first: ``import_job_modules``)."""
    return [_tasks[name] for name in sorted(_tasks)]


def arq_cron_jobs() -> list[Any]:
    """arq cron entries for every periodic task: each writes its jobs and relays them to arq."""
    from arq.cron import cron

    from minsheng.jobs.dispatch import relay_pending
    from minsheng.jobs.registry import import_job_modules

    import_job_modules()
    entries = []
    for task in periodic_tasks():

        async def tick(ctx: dict[str, Any], task: PeriodicTask = task) -> int:
            ids = await task.run(ctx["database"], utcnow())
            return await relay_pending(ctx["database"], ctx["redis"], job_ids=ids) if ids else 0

        entries.append(
            cron(tick, name=task.name, hour=task.hour, minute=task.minute, second=30, unique=True, run_at_startup=False)
        )
    return entries


class EmbeddedTimer:
    """Embedded mode: run every periodic task now and then, handing its jobs to ``notify``."""

    def __init__(self, database: Database, notify: Callable[[Iterable[uuid.UUID]], Awaitable[None]]) -> None:
        self.database = database
        self.notify = notify
        self._task: asyncio.Task[None] | None = None

    async def run_once(self, now: datetime | None = None) -> int:
        """Run every task once; returns how many jobs they wrote."""
        count = 0
        for task in periodic_tasks():
            try:
                ids = await task.run(self.database, now or utcnow())
            except Exception:
                log.exception("jobs.periodic_failed", task=task.name)
                continue
            await self.notify(ids)
            count += len(ids)
        return count

    async def _loop(self) -> None:
        await asyncio.sleep(EMBEDDED_FIRST_DELAY.total_seconds())
        every = min((t.every for t in periodic_tasks()), default=timedelta(hours=1))
        while True:
            await self.run_once()
            await asyncio.sleep(every.total_seconds())

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="minsheng-periodic")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
