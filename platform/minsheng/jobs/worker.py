"""The arq worker: ``minsheng worker`` runs ``arq.worker.run_worker(worker_settings(settings))``.

Every outbox job reaches the worker as ``run_minsheng_job(job_id)``; the row says what to run. A cron
relay each minute revives rows left queued or running by a lost Redis or a dead worker and hands over
pending rows nobody relayed (the app was down, or Redis was when it tried).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog
from arq.connections import RedisSettings
from arq.cron import cron
from arq.worker import func

from minsheng.audit.signing import install_signer, load_signer
from minsheng.db.base import utcnow
from minsheng.db.session import Database
from minsheng.jobs.dispatch import ARQ_FUNCTION, relay_pending
from minsheng.jobs.outbox import STALE_AFTER, release_stale_jobs
from minsheng.jobs.periodic import PeriodicTask, periodic_tasks
from minsheng.jobs.registry import registered_jobs
from minsheng.jobs.runner import DEFAULT_RETRY, RetryPolicy, run_job
from minsheng.settings import Settings

log = structlog.get_logger("minsheng.jobs")

# arq gives up on a job after this long; a row is taken for dead only later (STALE_AFTER), so arq's
# own redelivery and our revival never run one job side by side.
JOB_TIMEOUT = timedelta(minutes=10)
assert JOB_TIMEOUT < STALE_AFTER


async def run_minsheng_job(ctx: dict[str, Any], job_id: str) -> str | None:
    """The arq function: run the outbox job ``job_id``; returns its status afterwards, for arq's logs.

    A repeated delivery is harmless: the runner does nothing for a job that is running or finished.
    A failed attempt leaves the row pending with a later ``run_after``; the relays hand it over again
    when that time comes (arq's own retries are for a worker that died, not for a job that failed).
    ``ctx["minsheng_retry"]`` (a ``RetryPolicy``, given through the worker's ``ctx``) overrides the
    default policy.
    """
    retry: RetryPolicy = ctx.get("minsheng_retry", DEFAULT_RETRY)
    outcome = await run_job(ctx["database"], job_id, retry=retry)
    return outcome.status.value if outcome.status else None


async def relay_outbox(ctx: dict[str, Any]) -> int:
    """The cron relay: revive stale rows, then hand every due pending row to arq; returns how many."""
    database: Database = ctx["database"]
    async with database.session() as session:
        revived = await release_stale_jobs(session)
    if revived:
        log.warning("jobs.revived_stale", count=revived)
    return await relay_pending(database, ctx["redis"])


def arq_cron_jobs() -> list[Any]:
    """arq cron entries for every periodic task: each writes its jobs and relays them to arq."""
    entries = []
    for task in periodic_tasks():

        async def tick(ctx: dict[str, Any], task: PeriodicTask = task) -> int:
            ids = await task.run(ctx["database"], utcnow())
            return await relay_pending(ctx["database"], ctx["redis"], job_ids=ids) if ids else 0

        entries.append(
            cron(tick, name=task.name, hour=task.hour, minute=task.minute, second=30, unique=True, run_at_startup=False)
        )
    return entries


def worker_settings(settings: Settings | None = None, **overrides: Any) -> dict[str, Any]:
    """Keyword arguments for ``arq.worker.Worker``, as ``create_worker``/``run_worker`` take them.

    ``settings`` default to ``Settings.from_env()`` (read when the worker starts, not at import);
    ``overrides`` replace any entry (tests pass ``burst=True``, a short ``poll_delay``...).
    """
    chosen = settings or Settings.from_env()
    if chosen.redis_url is None:
        raise RuntimeError("the arq worker needs MINSHENG_REDIS_URL; without it the app runs jobs itself")

    async def startup(ctx: dict[str, Any]) -> None:
        install_signer(load_signer(chosen))
        ctx["settings"] = chosen
        ctx["database"] = Database(chosen)
        log.info("worker.started", jobs=len(registered_jobs()))

    async def shutdown(ctx: dict[str, Any]) -> None:
        database: Database | None = ctx.get("database")
        if database is not None:
            await database.dispose()

    options: dict[str, Any] = {
        "functions": [func(run_minsheng_job, name=ARQ_FUNCTION, timeout=JOB_TIMEOUT)],
        "cron_jobs": [
            cron(relay_outbox, name="minsheng.relay_outbox", second=0, run_at_startup=True),
            # Periodic tasks of the contexts (deadline reminders ...), registered with @periodic.
            *arq_cron_jobs(),
        ],
        "redis_settings": RedisSettings.from_dsn(chosen.redis_url),
        "on_startup": startup,
        "on_shutdown": shutdown,
        # The outbox row holds the result. A result kept in Redis would make arq refuse the job's id
        # for an hour, and a retry is handed over under that same id.
        "keep_result": 0,
        "job_timeout": JOB_TIMEOUT,
        # Our retries go through the outbox (with backoff); arq's only cover a worker that died.
        "max_tries": 3,
    }
    options.update(overrides)
    return options
