"""Production: arq's cron entry writes the day's deadline checks and relays them; a worker runs them."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from arq.connections import RedisSettings, create_pool
from arq.worker import create_worker

from minsheng.db.session import Database
from minsheng.jobs.worker import worker_settings
from minsheng.testing import Api

pytestmark = pytest.mark.redis


async def test_the_arq_cron_entry_flags_an_overdue_work_plan(api: Api, town: Any, redis_url: str) -> None:
    await api.services.dispatcher.stop()  # the worker, not the app, runs the jobs here
    (project,) = await town.choose(["学校改造"])  # voted in January 2026: overdue by the real clock
    settings = dataclasses.replace(api.services.settings, redis_url=redis_url)
    options = worker_settings(settings, burst=True, handle_signals=False, poll_delay=0.05)
    (entry,) = [c for c in options["cron_jobs"] if c.name == "implementation.deadline_checks"]
    database = Database(settings)
    pool = await create_pool(RedisSettings.from_dsn(redis_url))
    try:
        relayed = await entry.coroutine({"database": database, "redis": pool})
        assert relayed >= 1
        again = await entry.coroutine({"database": database, "redis": pool})
        assert again == 0  # one check per tenant and day
        worker = create_worker(options)
        try:
            await worker.main()
        finally:
            await worker.close()
    finally:
        await pool.aclose()
        await database.dispose()
    alerts = await api.client.get(f"{town.base}/deadline-alerts?stage=overdue", headers=await town.headers("presidium"))
    assert [a["project_id"] for a in alerts.json()["items"]] == [str(project)]
