"""The tenant endpoints of platform/docs/api.md: create, list, conflicts, bad input, concurrency."""

from __future__ import annotations

import asyncio

from minsheng.testing import Api


async def test_operator_creates_a_tree_and_lists_it_paginated(api: Api) -> None:
    await api.tree()
    headers = await api.operator()
    page = (await api.client.get("/api/v1/admin/tenants?page=1&per_page=4", headers=headers)).json()
    assert page["total"] == 6
    assert len(page["items"]) == 4
    townships = (await api.client.get("/api/v1/admin/tenants?level=township", headers=headers)).json()
    assert {t["slug"] for t in townships["items"]} == {"town-a", "town-b"}
    assert {t["parent"] for t in townships["items"]} == {"county-a", "county-b"}
    under_a = (await api.client.get("/api/v1/admin/tenants?parent=county-a", headers=headers)).json()
    assert [t["slug"] for t in under_a["items"]] == ["town-a"]


async def test_duplicate_slug_is_409_and_bad_level_or_parent_422(api: Api) -> None:
    await api.create_tenant("prov", "province")
    headers = await api.operator()
    again = await api.client.post(
        "/api/v1/admin/tenants", json={"slug": "prov", "name": "x", "level": "province"}, headers=headers
    )
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert "prov" in again.json()["detail"]
    bad_level = await api.client.post(
        "/api/v1/admin/tenants", json={"slug": "x1", "name": "x", "level": "village"}, headers=headers
    )
    assert bad_level.status_code == 422
    no_parent = await api.client.post(
        "/api/v1/admin/tenants",
        json={"slug": "x2", "name": "x", "level": "township", "parent": "nope"},
        headers=headers,
    )
    assert no_parent.status_code == 422
    wrong_parent = await api.client.post(
        "/api/v1/admin/tenants",
        json={"slug": "x3", "name": "x", "level": "township", "parent": "prov"},
        headers=headers,
    )
    assert wrong_parent.status_code == 422
    # Levels are named in Chinese inside the Chinese sentence, not as English codes.
    assert wrong_parent.json()["detail"] == "乡镇不能隶属于省"
    listing = (await api.client.get("/api/v1/admin/tenants", headers=headers)).json()
    assert listing["total"] == 1, "a refused request leaves nothing behind"


async def test_errors_are_chinese_by_default_and_english_on_request(api: Api) -> None:
    headers = await api.operator()
    body = {"slug": "x", "name": "x", "level": "township", "parent": "nope"}
    zh = await api.client.post("/api/v1/admin/tenants", json=body, headers=headers)
    en = await api.client.post("/api/v1/admin/tenants", json=body, headers={**headers, "Accept-Language": "en"})
    assert "上级单位" in zh.json()["detail"]
    assert en.json()["detail"] == "Unknown parent tenant nope"


async def test_unknown_plugin_and_bad_setting_are_refused(api: Api) -> None:
    headers = await api.operator()
    unknown = await api.client.post(
        "/api/v1/admin/tenants",
        json={"slug": "p", "name": "p", "level": "province", "plugins": ["no-such-plugin"]},
        headers={**headers, "Accept-Language": "en"},
    )
    assert unknown.status_code == 422
    assert "no-such-plugin" in unknown.json()["detail"]
    bad = await api.client.post(
        "/api/v1/admin/tenants",
        json={
            "slug": "p",
            "name": "p",
            "level": "province",
            "settings": {"minsheng.defaults": {"margin_lower_ratio": 7}},
        },
        headers={**headers, "Accept-Language": "en"},
    )
    assert bad.status_code == 422
    assert "minsheng.defaults" in bad.json()["detail"]


async def test_only_platform_operators_manage_tenants(api: Api) -> None:
    await api.create_tenant("prov", "province")
    await api.add_member("prov", "clerk", ["tenant_admin"])
    clerk = await api.headers("clerk")
    response = await api.client.post(
        "/api/v1/admin/tenants", json={"slug": "c", "name": "c", "level": "city", "parent": "prov"}, headers=clerk
    )
    assert response.status_code == 403
    assert (await api.client.get("/api/v1/admin/tenants")).status_code == 401


async def test_twenty_concurrent_creations_of_one_slug_give_one_201(api: Api) -> None:
    headers = await api.operator()
    body = {"slug": "same-slug", "name": "同名", "level": "province"}

    async def create() -> int:
        response = await api.client.post("/api/v1/admin/tenants", json=body, headers=headers)
        return response.status_code

    codes = await asyncio.gather(*(create() for _ in range(20)))
    assert sorted(codes) == [201] + [409] * 19
    listing = (await api.client.get("/api/v1/admin/tenants?q=same-slug", headers=headers)).json()
    assert listing["total"] == 1
