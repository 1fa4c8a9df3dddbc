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
    """Make the decorated function the periodic task ``name``; its context lists the task in its
    ``PERIODIC`` (``wiring.py``) and the app's registration list registers it."""

    def describe(fn: PeriodicFunction) -> PeriodicFunction:
        setattr(fn, _TASK, PeriodicTask(name, fn, hour, minute, every))
        return fn

    return describe


_TASK = "minsheng_periodic_task"


def register_periodic(functions: Iterable[PeriodicFunction]) -> None:
    """Add periodic tasks (functions decorated with ``@periodic``) to the registry."""
    for fn in functions:
        task = getattr(fn, _TASK, None)
        if not isinstance(task, PeriodicTask):
            raise TypeError(f"{fn!r} is not a periodic task: decorate it with @periodic(...)")
        _tasks[task.name] = task


def periodic_tasks() -> list[PeriodicTask]:
    """The registered tasks."""
    return [_tasks[name] for name in sorted(_tasks)]


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
