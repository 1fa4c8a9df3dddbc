"""Deleting or importing a tenant through the API refreshes the figures of the tenants above it, once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from minsheng.jobs.models import Job
from minsheng.oversight.tracking import ROLLUP_JOB
from minsheng.tenancy import services as tenancy


async def totals(province: Any, slug: str) -> dict[str, Any]:
    response = await province.api.client.get(f"/api/v1/t/{slug}/oversight", headers=province.staff[slug])
    assert response.status_code == 200, response.text
    return dict(response.json()["totals"])


async def rollups(province: Any, slug: str) -> int:
    """How many roll-up jobs of ``slug`` there have been (none is taken over here: one at a time)."""
    async with province.api.services.database.session() as session:
        tenant = await tenancy.get_by_slug(session, slug)
        query = select(func.count()).select_from(Job).where(Job.name == ROLLUP_JOB, Job.tenant_id == tenant.id)
        return int((await session.execute(query)).scalar_one())


async def test_deleting_and_importing_a_township_refresh_the_figures_above_it(province: Any) -> None:
    api = province.api
    operator = await api.operator()
    before = {slug: await totals(province, slug) for slug in ("county-a", "city", "prov")}
    assert before["county-a"]["projects"] == 2 and before["prov"]["projects"] == 3

    accepted = await api.client.post("/api/v1/admin/tenants/town-a/exports", headers=operator)
    assert accepted.status_code == 202, accepted.text
    job_id = accepted.json()["job_id"]
    await api.services.dispatcher.drain()
    export = await api.client.get(f"/api/v1/admin/exports/{job_id}", headers=operator)
    assert export.status_code == 200

    jobs_before = {slug: await rollups(province, slug) for slug in ("county-a", "city", "prov")}
    deleted = await api.client.delete("/api/v1/admin/tenants/town-a?confirm=town-a", headers=operator)
    assert deleted.status_code == 200, deleted.text
    await province.settle()
    jobs_after = {slug: await rollups(province, slug) for slug in ("county-a", "city", "prov")}
    # One roll-up, the parent's: it re-adds every level above.
    assert jobs_after == {**jobs_before, "county-a": jobs_before["county-a"] + 1}
    gone = {slug: await totals(province, slug) for slug in ("county-a", "city", "prov")}
    assert gone["county-a"]["projects"] == 0 and gone["county-a"]["suggestions"] == 0
    assert gone["city"]["projects"] == 1 and gone["prov"]["projects"] == 1
    assert gone["prov"]["funds"] == 80000.0

    imported = await api.client.post(
        "/api/v1/admin/tenant-imports",
        files={"data": ("town-a.zip", export.content, "application/zip")},
        headers=operator,
    )
    assert imported.status_code == 201, imported.text
    await province.settle()
    assert {slug: await totals(province, slug) for slug in ("county-a", "city", "prov")} == before


async def test_statements_on_counted_rows_enqueue_the_rollup_as_flushes_do(province: Any) -> None:
    """A suggestion goes in by a Core INSERT and is declined by a conditional UPDATE: no ORM object is
    flushed for it, and each of the two transactions still enqueues the tenant's roll-up, once."""
    api = province.api
    before = await rollups(province, "town-a")
    await province.suggest("town-a", "村口的路灯坏了三盏，晚上看不清路")
    assert await rollups(province, "town-a") == before + 1
    inbox = await api.client.get("/api/v1/t/town-a/suggestions?status=received", headers=province.staff["town-a"])
    assert inbox.status_code == 200, inbox.text
    suggestion_id = inbox.json()["items"][0]["id"]
    reason = {"reason": "已列入明年的路灯维护计划"}
    declined = await api.client.post(
        f"/api/v1/t/town-a/suggestions/{suggestion_id}/decline", json=reason, headers=province.staff["town-a"]
    )
    assert declined.status_code == 200, declined.text
    assert await rollups(province, "town-a") == before + 2
    # Reading changes nothing counted: no roll-up.
    assert (
        await api.client.get(f"/api/v1/t/town-a/suggestions/{suggestion_id}/similar", headers=province.staff["town-a"])
    ).status_code == 200
    assert await rollups(province, "town-a") == before + 2
