"""Every change is audited in a hash chain; changing one stored event makes
``minsheng verify`` fail at that event. The API's own check and the export agree."""

from __future__ import annotations

import asyncio
import json

from minsheng.testing import Api, cli_environment, run_minsheng


def _verify(api: Api, *args: str) -> tuple[int, str]:
    return run_minsheng(["verify", *args], cli_environment(api.services.settings))


async def test_tampering_with_one_event_is_found_at_that_event(api: Api) -> None:
    await api.create_tenant("prov", "province")
    for name in ("a", "b", "c"):
        await api.add_member("prov", f"user-{name}", ["tenant_admin"])
    headers = await api.headers("user-a")
    events = (await api.client.get("/api/v1/t/prov/audit", headers=headers)).json()
    assert events["total"] == 4  # created, then three memberships
    assert [e["action"] for e in events["items"]][-1] == "tenant.created"

    code, output = await asyncio.to_thread(_verify, api, "--tenant", "prov")
    assert code == 0, output
    assert "OK: 4 events" in output
    assert (await api.client.get("/api/v1/t/prov/audit/verify", headers=headers)).json()["ok"] is True

    tenant_id = (await api.client.get("/api/v1/t/prov/", headers=headers)).json()["id"]
    await api.alter_audit_event(tenant_id, 3, subject="someone-else")
    code, output = await asyncio.to_thread(_verify, api, "--tenant", "prov")
    assert code == 1
    assert "BROKEN at event 3" in output
    check = (await api.client.get("/api/v1/t/prov/audit/verify", headers=headers)).json()
    assert check["ok"] is False and check["broken_at"] == 3


async def test_platform_chain_records_tenant_creation(api: Api) -> None:
    await api.create_tenant("prov", "province")
    await api.create_tenant("city", "city", "prov")
    code, output = await asyncio.to_thread(_verify, api, "--platform")
    assert code == 0, output
    assert "OK: 2 events" in output


async def test_export_verifies_offline_and_fails_when_altered(api: Api, tmp_path) -> None:
    await api.create_tenant("prov", "province")
    await api.add_member("prov", "clerk", ["tenant_admin"])
    headers = await api.headers("clerk")
    accepted = await api.client.post("/api/v1/t/prov/audit/exports", headers=headers)
    assert accepted.status_code == 202
    job_id = accepted.json()["job_id"]
    await api.services.dispatcher.drain()
    job = (await api.client.get(f"/api/v1/t/prov/jobs/{job_id}", headers=headers)).json()
    assert job["status"] == "done", job
    download = await api.client.get(f"/api/v1/t/prov/files/{job['result']['file_id']}", headers=headers)
    assert download.status_code == 200
    export = tmp_path / "chain.json"
    export.write_bytes(download.content)
    code, output = await asyncio.to_thread(_verify, api, str(export))
    assert code == 0, output
    document = json.loads(download.content)
    document["events"][1]["payload"]["roles"] = ["presidium"]
    export.write_text(json.dumps(document, ensure_ascii=False))
    code, output = await asyncio.to_thread(_verify, api, str(export))
    assert code == 1 and "BROKEN at event 2" in output
