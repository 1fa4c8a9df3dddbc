"""export, delete, import restores a tenant — rows, files and audit chain — and
``minsheng verify`` passes on it. Also suspend and resume, and the typed confirmation of a deletion."""

from __future__ import annotations

import asyncio

from minsheng.testing import Api, cli_environment, run_minsheng

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def verify(api: Api, *args: str) -> tuple[int, str]:
    return run_minsheng(["verify", *args], cli_environment(api.services.settings))


async def test_export_delete_import_restores_the_tenant(api: Api) -> None:
    await api.create_tenant("prov", "province")
    await api.create_tenant("city", "city", "prov")
    await api.add_member("city", "clerk", ["tenant_admin"])
    clerk = await api.headers("clerk")
    upload = await api.client.post(
        "/api/v1/t/city/files", files={"data": ("说明.pdf", PDF, "application/pdf")}, headers=clerk
    )
    assert upload.status_code == 201
    file_id = upload.json()["id"]
    before = (await api.client.get("/api/v1/t/city/audit/verify", headers=clerk)).json()
    assert before["ok"] is True

    operator = await api.operator()
    accepted = await api.client.post("/api/v1/admin/tenants/city/exports", headers=operator)
    assert accepted.status_code == 202
    job_id = accepted.json()["job_id"]
    await api.services.dispatcher.drain()
    job = (await api.client.get(f"/api/v1/admin/jobs/{job_id}", headers=operator)).json()
    assert job["status"] == "done", job
    assert job["result"]["objects"] == 1 and job["result"]["tables"]["audit_events"] == before["events"]
    export = await api.client.get(f"/api/v1/admin/exports/{job_id}", headers=operator)
    assert export.status_code == 200 and export.headers["content-type"] == "application/zip"

    refused = await api.client.delete("/api/v1/admin/tenants/city?confirm=prov", headers=operator)
    assert refused.status_code == 422
    parent = await api.client.delete("/api/v1/admin/tenants/prov?confirm=prov", headers=operator)
    assert parent.status_code == 409, "a tenant with subordinate tenants is not deleted"
    deleted = await api.client.delete("/api/v1/admin/tenants/city?confirm=city", headers=operator)
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["objects"] == 1
    assert (await api.client.get("/api/v1/t/city/", headers=clerk)).status_code == 404
    assert await api.services.store.list("t/") == []

    imported = await api.client.post(
        "/api/v1/admin/tenant-imports",
        files={"data": ("city.zip", export.content, "application/zip")},
        headers=operator,
    )
    assert imported.status_code == 201, imported.text
    again = await api.client.post(
        "/api/v1/admin/tenant-imports",
        files={"data": ("city.zip", export.content, "application/zip")},
        headers=operator,
    )
    assert again.status_code == 409

    after = (await api.client.get("/api/v1/t/city/audit/verify", headers=clerk)).json()
    assert after == before
    download = await api.client.get(f"/api/v1/t/city/files/{file_id}", headers=clerk)
    assert download.status_code == 200 and download.content == PDF
    code, output = await asyncio.to_thread(verify, api, "--tenant", "city")
    assert code == 0, output
    code, output = await asyncio.to_thread(verify, api, "--platform")
    assert code == 0, output
    events = [
        e["action"] for e in (await api.client.get("/api/v1/t/city/audit?per_page=50", headers=clerk)).json()["items"]
    ]
    assert "membership.granted" in events


async def test_a_damaged_export_is_refused(api: Api) -> None:
    operator = await api.operator()
    response = await api.client.post(
        "/api/v1/admin/tenant-imports",
        files={"data": ("x.zip", b"PK\x03\x04 not really", "application/zip")},
        headers=operator,
    )
    assert response.status_code == 422


async def test_suspended_tenants_answer_404_to_members_until_resumed(api: Api) -> None:
    await api.create_tenant("prov", "province")
    await api.add_member("prov", "clerk", ["tenant_admin"])
    clerk = await api.headers("clerk")
    operator = await api.operator()
    assert (await api.client.post("/api/v1/admin/tenants/prov/suspend", headers=operator)).json()[
        "status"
    ] == "suspended"
    assert (await api.client.get("/api/v1/t/prov/", headers=clerk)).status_code == 404
    assert (await api.client.get("/api/v1/t/prov/categories")).status_code == 404
    assert (await api.client.post("/api/v1/admin/tenants/prov/resume", headers=operator)).json()["status"] == "active"
    assert (await api.client.get("/api/v1/t/prov/", headers=clerk)).status_code == 200
