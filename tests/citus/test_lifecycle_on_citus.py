"""A township's export, deletion and import on a Citus cluster, read through the province's dashboard:
deleting it removes every row of it from the workers and its figures from the province's roll-ups;
importing the export puts back the same rows, on the shard its id hashes to, and the same figures."""

from __future__ import annotations

from typing import Any

import pytest
from oversight.conftest import Province, make_province
from sqlalchemy import text

from minsheng.db.citus import placements
from minsheng.testing import Api

pytestmark = pytest.mark.citus

TOWN = "town-a"
DISTRIBUTED = [name for name, (kind, _) in placements().items() if kind == "distributed"]


async def rows_of(cluster: Any, tenant_id: str) -> dict[str, int]:
    """The tenant's rows in every distributed table (as the owner, through the coordinator)."""
    async with cluster.connect(cluster.database.owner_url) as conn:
        counts = {}
        for table in DISTRIBUTED:
            found = await conn.execute(
                text(f"SELECT count(*) FROM {table} WHERE tenant_id = CAST(:t AS uuid)"), {"t": tenant_id}
            )
            counts[table] = int(found.scalar() or 0)
        return counts


async def dashboard(place: Province) -> dict[str, Any]:
    await place.settle()
    response = await place.api.client.get("/api/v1/t/prov/oversight", headers=place.staff["prov"])
    assert response.status_code == 200, response.text
    body = response.json()
    return {"totals": body["totals"], "places": body.get("places")}


async def test_export_delete_import_of_a_township_on_the_cluster(api: Api, cluster) -> None:
    place = await make_province(api)
    chosen = [await place.project(TOWN, title) for title in ("道路提质改造", "课后延时服务")]
    await place.project("town-b", "孤寡老人义诊", category="health")
    for n in range(3):
        await place.suggest(TOWN, f"第{n}条：村口的路灯坏了")
    await place.choose(TOWN, chosen[:1], not_chosen=chosen[1:])
    before = await dashboard(place)
    assert before["totals"]["projects"] == 3 and before["totals"]["chosen"] == 1

    operator = await api.operator()
    town_id = (await api.client.get(f"/api/v1/admin/tenants/{TOWN}", headers=operator)).json()["id"]
    rows = await rows_of(cluster, town_id)
    assert rows["projects"] == 2 and rows["suggestions"] == 3 and rows["voting_rounds"] == 1 and rows["audit_events"]
    _shard, _host, port = await cluster.tenant_shard("projects", town_id)
    assert port in {w.port for w in cluster.workers}

    accepted = await api.client.post(f"/api/v1/admin/tenants/{TOWN}/exports", headers=operator)
    assert accepted.status_code == 202, accepted.text
    job_id = accepted.json()["job_id"]
    await api.services.dispatcher.drain()
    export = await api.client.get(f"/api/v1/admin/exports/{job_id}", headers=operator)
    assert export.status_code == 200, export.text

    deleted = await api.client.delete(f"/api/v1/admin/tenants/{TOWN}?confirm={TOWN}", headers=operator)
    assert deleted.status_code == 200, deleted.text
    assert await rows_of(cluster, town_id) == dict.fromkeys(DISTRIBUTED, 0), "nothing of it left on any worker"
    gone = await dashboard(place)
    assert gone["totals"]["projects"] == 1 and gone["totals"]["chosen"] == 0
    assert gone["totals"]["suggestions"] == before["totals"]["suggestions"] - 3

    imported = await api.client.post(
        "/api/v1/admin/tenant-imports",
        files={"data": ("town.zip", export.content, "application/zip")},
        headers=operator,
    )
    assert imported.status_code == 201, imported.text
    assert await rows_of(cluster, town_id) == rows, "the same rows, back on the shard its id hashes to"
    assert (await cluster.tenant_shard("projects", town_id))[2] == port
    assert await dashboard(place) == before
    verified = await api.client.get(f"/api/v1/t/{TOWN}/audit/verify", headers=place.staff[TOWN])
    assert verified.status_code == 200 and verified.json()["ok"] is True
