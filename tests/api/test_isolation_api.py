"""A user of tenant A gets 404 for every tenant-B URL."""

from __future__ import annotations

import uuid

from minsheng.testing import Api


async def test_member_of_a_gets_404_for_every_b_url_like_a_missing_tenant(api: Api) -> None:
    await api.tree()
    await api.add_member("town-a", "clerk-a", ["tenant_admin", "presidium", "deputy", "teller", "government"])
    await api.add_member("town-b", "clerk-b", ["tenant_admin"])
    b_headers = await api.headers("clerk-b")
    upload = await api.client.post(
        "/api/v1/t/town-b/files",
        files={"data": ("note.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")},
        headers=b_headers,
    )
    assert upload.status_code == 201, upload.text
    b_file = upload.json()["id"]
    export = await api.client.post("/api/v1/t/town-b/audit/exports", headers=b_headers)
    assert export.status_code == 202
    b_job = export.json()["job_id"]

    a_headers = await api.headers("clerk-a")
    urls = [
        ("GET", "/api/v1/t/{t}/"),
        ("GET", "/api/v1/t/{t}/audit"),
        ("GET", "/api/v1/t/{t}/audit/verify"),
        ("POST", "/api/v1/t/{t}/audit/exports"),
        ("GET", f"/api/v1/t/{{t}}/files/{b_file}"),
        ("GET", f"/api/v1/t/{{t}}/jobs/{b_job}"),
        ("GET", "/api/v1/t/{t}/rules/margin?seats=10&candidates=12"),
    ]
    for method, template in urls:
        for tenant in ("town-b", "no-such-tenant"):
            response = await api.client.request(method, template.format(t=tenant), headers=a_headers)
            assert response.status_code == 404, (method, template, tenant, response.text)
        own = await api.client.request(method, template.format(t="town-a"), headers=a_headers)
        assert own.status_code != 403, (method, template)
    # B's own file and job, fetched through A's URL, are not there either.
    assert (await api.client.get(f"/api/v1/t/town-a/files/{b_file}", headers=a_headers)).status_code == 404
    assert (await api.client.get(f"/api/v1/t/town-a/jobs/{b_job}", headers=a_headers)).status_code == 404
    assert (await api.client.get(f"/api/v1/t/town-a/files/{uuid.uuid4()}", headers=a_headers)).status_code == 404


async def test_a_member_lacking_the_role_gets_403(api: Api) -> None:
    await api.create_tenant("prov", "province")
    await api.add_member("prov", "deputy", ["deputy"])
    response = await api.client.get("/api/v1/t/prov/audit", headers=await api.headers("deputy"))
    assert response.status_code == 403


async def test_without_login_tenant_urls_are_401_and_categories_public(api: Api) -> None:
    await api.create_tenant("prov", "province")
    assert (await api.client.get("/api/v1/t/prov/")).status_code == 401
    categories = await api.client.get("/api/v1/t/prov/categories")
    assert categories.status_code == 200
    assert {"code", "name"} <= set(categories.json()[0])
    assert (await api.client.get("/api/v1/t/nope/categories")).status_code == 404
