"""The job functions the platform knows, by name, and what each of them is handed when it runs.

A job is named with ``@job("documents.render")`` on ``async def fn(ctx: JobContext, **args)`` and
listed in its context's ``JOBS`` (``wiring.py``); the app's registration list registers every
context's jobs at start. ``args`` are the JSON arguments stored in its outbox row, and a returned
dict is kept as its result.

Jobs must be idempotent. The outbox guarantees that a job is never lost, not that it runs exactly
once: arq may deliver one twice (a worker dies after the work but before the acknowledgement, a relay
hands a row over again after Redis came back). The runner refuses a second delivery of a job that has
finished, and the work and the "done" mark commit in one transaction; but a job that also reaches
outside the database (sends a message, writes an object) must make that step safe to repeat, for
example by writing under a key derived from ``ctx.job_id``.

A job runs in one transaction and must finish within the worker's ``JOB_TIMEOUT`` (10 minutes): work
bigger than that is split into several jobs, each enqueuing the next.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.settings import Settings

JobResult = dict[str, Any] | None
JobFunction = Callable[..., Awaitable[JobResult]]
F = TypeVar("F", bound=JobFunction)

ProgressReporter = Callable[[int, int | None], Awaitable[None]]

_registry: dict[str, JobFunction] = {}


class UnknownJob(LookupError):
    """A job row names a function no module has registered."""


class PermanentFailure(Exception):
    """Raised by a job when trying again cannot help (bad arguments, a record that is gone).

    The job is marked failed at once instead of being retried.
    """


@dataclass(frozen=True)
class JobContext:
    """What a running job gets besides its arguments.

    ``session`` is open in the job's transaction; for a tenant's job that tenant is already in
    context, so the ORM filter and row-level security apply as in a request. Whatever the job writes
    commits together with the job's "done" mark, or not at all.
    """

    session: AsyncSession
    job_id: uuid.UUID
    tenant_id: uuid.UUID | None
    settings: Settings
    attempt: int
    _report: ProgressReporter

    async def progress(self, done: int, total: int | None = None) -> None:
        """Record how far the job has come, visibly to pages polling the job while it runs.

        On PostgreSQL the figures commit at once in a short transaction of their own. SQLite has one
        writer at a time: once the job's own transaction has begun the figures are written inside it
        and show when the job commits. Each call also tells the relay the job is still alive, so a
        long job should report at least every few minutes.
        """
        await self._report(done, total)


_NAME = "minsheng_job_name"
_TITLE = "minsheng_job_title"
_titles: dict[str, str] = {}


def job(name: str, *, title: str | None = None) -> Callable[[F], F]:
    """Name the decorated coroutine function as the job ``name`` (``<context>.<verb>``); ``title`` says
    what it does as its page names it (a msgid: a job's code name is for logs, never for a reader; every
    job of the platform has one, ``tests/api/test_job_page.py``)."""

    def named(fn: F) -> F:
        setattr(fn, _NAME, name)
        setattr(fn, _TITLE, title)
        return fn

    return named


def job_name(fn: JobFunction) -> str:
    """The name ``@job`` gave ``fn``."""
    name = getattr(fn, _NAME, None)
    if not isinstance(name, str):
        raise TypeError(f"{_qualified(fn)} is not a job: decorate it with @job(name)")
    return name


def register_jobs(functions: Iterable[JobFunction]) -> None:
    """Add job functions to the registry; a name already taken by another function is an error."""
    for fn in functions:
        name = job_name(fn)
        known = _registry.get(name)
        if known is not None and _qualified(known) != _qualified(fn):
            raise ValueError(f"job {name!r} is already registered by {_qualified(known)}")
        _registry[name] = fn
        if getattr(fn, _TITLE, None):
            _titles[name] = getattr(fn, _TITLE)


def job_title(name: str) -> str | None:
    """What the registered job ``name`` does, as its page names it (a msgid); None for an unknown job."""
    return _titles.get(name)


def get_job(name: str) -> JobFunction:
    """The function registered as ``name``; :class:`UnknownJob` when there is none."""
    try:
        return _registry[name]
    except KeyError:
        known = ", ".join(sorted(_registry)) or "none"
        raise UnknownJob(f"no job is registered as {name!r} (registered: {known})") from None


def registered_jobs() -> list[str]:
    """The names of every registered job, sorted."""
    return sorted(_registry)


def _qualified(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"
