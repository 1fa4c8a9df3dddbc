"""A burst of changes in one tenant costs one roll-up, and the figures are right once it has run.

The settings here delay roll-ups (as in production) by far longer than a test lasts: each test makes
the jobs due itself, so nothing depends on the clock. Rate limits are off so one client can send a
burst of public suggestions.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from typing import Any

import pytest
from sqlalchemy import select, update

from minsheng.db.base import utcnow
from minsheng.jobs.models import Job, JobStatus
from minsheng.jobs.runner import run_job
from minsheng.oversight import jobs as oversight_jobs
from minsheng.oversight.tracking import ROLLUP_JOB
from minsheng.settings import Settings
from minsheng.tenancy import services as tenancy
from minsheng.testing import Api

DELAY = 600.0


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(
        settings, rollup_delay_seconds=DELAY, suggestion_rate_per_minute=0, suggestion_rate_per_day=0
    )


@pytest.fixture
def recounts(monkeypatch: pytest.MonkeyPatch) -> list[uuid.UUID]:
    """The tenants the roll-up job recounted, one entry per recount."""
    done: list[uuid.UUID] = []
    real = oversight_jobs.refresh_tenant

    async def counting(session: Any, tenant_id: uuid.UUID, **kwargs: Any) -> int:
        done.append(tenant_id)
        return await real(session, tenant_id, **kwargs)

    monkeypatch.setattr(oversight_jobs, "refresh_tenant", counting)
    return done


async def tenant_id(api: Api, slug: str) -> uuid.UUID:
    async with api.services.database.session() as session:
        return (await tenancy.get_by_slug(session, slug)).id


async def rollup_rows(api: Api, tenant: uuid.UUID) -> list[Job]:
    async with api.services.database.session() as session:
        query = select(Job).where(Job.name == ROLLUP_JOB, Job.tenant_id == tenant)
        return list((await session.scalars(query)).all())


async def make_due(api: Api) -> None:
    """As if the delay had passed."""
    async with api.services.database.session() as session:
        await session.execute(update(Job).where(Job.status == JobStatus.PENDING).values(run_after=utcnow()))


async def totals(place: Any, slug: str) -> dict[str, Any]:
    response = await place.api.client.get(f"/api/v1/t/{slug}/oversight", headers=place.staff[slug])
    assert response.status_code == 200, response.text
    return dict(response.json()["totals"])


async def test_a_burst_of_suggestions_costs_one_rollup_after_the_delay(
    bare_province: Any, recounts: list[uuid.UUID]
) -> None:
    place, api = bare_province, bare_province.api
    town = await tenant_id(api, "town-a")
    for n in range(12):
        await place.suggest("town-a", f"第{n}条建议：村里的路灯坏了，希望尽快修好")
    rows = await rollup_rows(api, town)
    assert len(rows) == 12, "each change still enqueues its roll-up in its own transaction"
    assert all(r.status == JobStatus.PENDING and r.run_after > utcnow() for r in rows)

    # Not due yet: the requests told no runner, and the sweep leaves them alone.
    assert await api.services.dispatcher.sweep() == 0
    await api.services.dispatcher.drain()
    assert recounts == [] and (await totals(place, "county-a"))["suggestions"] == 0

    await make_due(api)
    await place.settle()
    # One recount takes the burst over. A row a runner was claiming at that very instant is skipped,
    # not waited for (oversight/coalescing.py), and runs a recount of its own: at most one more per
    # concurrent runner (the sweep starts 4 at once), never one per change.
    assert recounts and set(recounts) == {town} and len(recounts) <= 4, recounts
    left = await rollup_rows(api, town)
    assert all(r.status == JobStatus.DONE for r in left)
    results = [r.result or {} for r in left]
    recounted = [r for r in results if "taken_over" in r]
    assert len(recounted) == len(recounts) and all(r["tenants"] == 4 for r in recounted)
    covered = [r for r in results if "covered_by" in r]
    assert len(covered) + len(recounted) == len(left) and all(c["tenants"] == 0 for c in covered)
    # Every one of the twelve rows was recounted, taken over (deleted) or covered.
    assert len(recounted) + sum(r["taken_over"] for r in recounted) >= 12
    for slug in ("town-a", "county-a", "city", "prov"):
        assert (await totals(place, slug))["suggestions"] == 12, slug
    assert (await totals(place, "county-b"))["suggestions"] == 0

    # A later change gets a roll-up of its own.
    earlier = len(recounts)
    await place.suggest("town-a")
    await make_due(api)
    await place.settle()
    assert recounts[earlier:] == [town] and (await totals(place, "prov"))["suggestions"] == 13


async def test_a_rollup_already_running_is_covered_and_ends_without_recounting(
    bare_province: Any, recounts: list[uuid.UUID]
) -> None:
    place, api = bare_province, bare_province.api
    town = await tenant_id(api, "town-b")
    await place.suggest("town-b")
    await place.suggest("town-b")
    first, second = sorted(await rollup_rows(api, town), key=lambda r: r.created_at)
    async with api.services.database.session() as session:
        # ``second`` was claimed by another runner that has not reached the roll-up lock yet.
        await session.execute(
            update(Job).where(Job.id == second.id).values(status=JobStatus.RUNNING, attempts=1, run_after=utcnow())
        )
        await session.execute(update(Job).where(Job.id == first.id).values(run_after=utcnow()))

    database = api.services.database
    assert (await run_job(database, first.id)).status == JobStatus.DONE
    assert recounts == [town]
    rows = {r.id: r for r in await rollup_rows(api, town)}
    assert rows[second.id].status == JobStatus.RUNNING
    assert rows[second.id].result == {"covered_by": str(first.id)}

    # That runner died; the row is handed out again and ends at once: its change was counted.
    async with database.session() as session:
        await session.execute(update(Job).where(Job.id == second.id).values(status=JobStatus.PENDING))
    outcome = await run_job(database, second.id)
    assert outcome.status == JobStatus.DONE and outcome.ran
    assert recounts == [town]
    rows = {r.id: r for r in await rollup_rows(api, town)}
    assert rows[second.id].result == {"tenants": 0, "covered_by": str(first.id)}
    assert (await totals(place, "county-b"))["suggestions"] == 2


async def test_a_failed_rollup_loses_nothing(bare_province: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    place, api = bare_province, bare_province.api
    town = await tenant_id(api, "town-a")
    for _ in range(3):
        await place.suggest("town-a")
    await make_due(api)

    async def broken(*_args: Any, **_kwargs: Any) -> int:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(oversight_jobs, "refresh_tenant", broken)
    first = sorted(await rollup_rows(api, town), key=lambda r: r.created_at)[0]
    outcome = await run_job(api.services.database, first.id)
    assert outcome.status == JobStatus.PENDING and outcome.next_run_at is not None
    rows = await rollup_rows(api, town)
    assert len(rows) == 3 and all(r.status == JobStatus.PENDING for r in rows), "the take-over rolled back"

    monkeypatch.undo()
    await make_due(api)
    await place.settle()
    assert (await totals(place, "county-a"))["suggestions"] == 3
    assert all(r.status == JobStatus.DONE for r in await rollup_rows(api, town))


async def test_concurrent_changes_and_rollups_end_with_right_figures(
    bare_province: Any, recounts: list[uuid.UUID]
) -> None:
    """Requests and several runners at once (arq may deliver every row, even twice)."""
    place, api = bare_province, bare_province.api
    towns = [await tenant_id(api, slug) for slug in ("town-a", "town-b")]
    database = api.services.database

    async def deliver_everything() -> None:
        async with database.session() as session:
            ids = list((await session.scalars(select(Job.id).where(Job.name == ROLLUP_JOB))).all())
        await make_due(api)
        await asyncio.gather(*(run_job(database, job_id) for job_id in ids + ids))

    for burst in range(2):
        sends = [place.suggest(slug) for slug in ("town-a", "town-b") for _ in range(6)]
        await asyncio.gather(*sends, deliver_everything())
    await deliver_everything()
    rows = [row for town in towns for row in await rollup_rows(api, town)]
    assert rows and all(r.status == JobStatus.DONE for r in rows), [(r.status, r.error) for r in rows]
    # Far fewer recounts than the 24 changes (how many depends on how the tasks interleave).
    assert 2 <= len(recounts) < 24
    assert (await totals(place, "county-a"))["suggestions"] == 12
    assert (await totals(place, "county-b"))["suggestions"] == 12
    assert (await totals(place, "prov"))["suggestions"] == 24
