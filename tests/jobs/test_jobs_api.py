"""With Redis unreachable a request that enqueues a job still succeeds; the job runs once
Redis is back."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid

import pytest
from litestar import Litestar

from minsheng.app import create_app
from minsheng.jobs.dispatch import ArqDispatcher
from minsheng.jobs.models import Job, JobStatus
from minsheng.settings import Settings
from minsheng.testing import Api

pytestmark = pytest.mark.redis

UNREACHABLE = "redis://127.0.0.1:1/0"


@pytest.fixture
async def app(settings: Settings) -> Litestar:
    return create_app(dataclasses.replace(settings, redis_url=UNREACHABLE))


async def _status(api: Api, job_id: str) -> JobStatus:
    async with api.services.database.session() as session:
        row = await session.get(Job, uuid.UUID(job_id))
        assert row is not None
        return row.status


async def test_a_request_succeeds_with_redis_down_and_its_job_runs_when_redis_is_back(
    api: Api, settings: Settings, redis_url: str, burst_worker
) -> None:
    await api.create_tenant("prov", "province")
    await api.add_member("prov", "clerk", ["tenant_admin"])
    headers = await api.headers("clerk")

    started = time.monotonic()
    response = await api.client.post("/api/v1/t/prov/audit/exports", headers=headers)
    elapsed = time.monotonic() - started
    assert response.status_code == 202, response.text
    assert elapsed < 2.0, "the request must not wait on Redis"
    job_id = response.json()["job_id"]
    await asyncio.sleep(0.2)
    assert await _status(api, job_id) == JobStatus.PENDING
    polled = (await api.client.get(f"/api/v1/t/prov/jobs/{job_id}", headers=headers)).json()
    assert polled["status"] == "pending"

    # Redis is back: a relay (the app's periodic one, or a worker's) hands the row to arq; a worker runs it.
    back = ArqDispatcher(api.services.database, redis_url, relay_interval=0.05)
    await back.start()
    try:
        for _ in range(200):
            if await _status(api, job_id) == JobStatus.QUEUED:
                break
            await asyncio.sleep(0.02)
    finally:
        await back.stop()
    await burst_worker(dataclasses.replace(settings, redis_url=redis_url))

    done = (await api.client.get(f"/api/v1/t/prov/jobs/{job_id}", headers=headers)).json()
    assert done["status"] == "done", done
    assert done["result"]["events"] >= 2
    download = await api.client.get(f"/api/v1/t/prov/files/{done['result']['file_id']}", headers=headers)
    assert download.status_code == 200
    assert b'"events"' in download.content
