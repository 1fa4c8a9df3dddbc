"""enabling henan-baofeng for one county changes that county and its townships
only; a neighbouring county's answers are byte-for-byte what they were before."""

from __future__ import annotations

from typing import Any

from minsheng.testing import Api, installed_plugins, tenant_hooks_of

LISTS = [(10, 11), (10, 12), (10, 15), (10, 16), (7, 9), (1, 2), (1, 1), (10, 9)]
TENANTS = ("county-a", "town-a", "county-b", "town-b")


async def margin_answers(api: Api, slug: str) -> list[bytes]:
    headers = {**await api.headers(f"clerk-{slug}"), "Accept-Language": "en"}
    answers = []
    for seats, candidates in LISTS:
        response = await api.client.get(
            f"/api/v1/t/{slug}/rules/margin?seats={seats}&candidates={candidates}", headers=headers
        )
        assert response.status_code == 200, response.text
        answers.append(response.content)
    return answers


async def supervision_methods(api: Api, slug: str) -> dict[str, Any]:
    hooks = await tenant_hooks_of(api, slug)
    return dict(hooks.supervision_methods())


async def test_the_plugin_is_installed() -> None:
    assert "henan-baofeng" in installed_plugins()


async def test_one_county_and_its_townships_change_and_the_neighbour_does_not(api: Api) -> None:
    await api.tree()
    for slug in TENANTS:
        await api.add_member(slug, f"clerk-{slug}", ["tenant_admin"])
    before = {slug: await margin_answers(api, slug) for slug in TENANTS}
    assert before["county-a"] == before["county-b"], "the same platform rule everywhere before"

    enabled = await api.client.patch(
        "/api/v1/admin/tenants/county-a", json={"plugins": ["henan-baofeng"]}, headers=await api.operator()
    )
    assert enabled.status_code == 200, enabled.text
    after = {slug: await margin_answers(api, slug) for slug in TENANTS}

    # The neighbour and its township: byte for byte as before.
    assert after["county-b"] == before["county-b"]
    assert after["town-b"] == before["town-b"]
    # The county and the township that inherits from it: same decisions, Baofeng's wording.
    for slug in ("county-a", "town-a"):
        assert after[slug] == after["county-a"]
        for old, new in zip(before[slug], after[slug], strict=True):
            assert old != new
    headers = {**await api.headers("clerk-town-a"), "Accept-Language": "en"}
    body = (await api.client.get("/api/v1/t/town-a/rules/margin?seats=10&candidates=16", headers=headers)).json()
    assert body == {
        "allowed": False,
        "reason": "margin of 6 (差额 6 项) is above the allowed maximum of 5 (差额 5 项)",
        "minimum": 2,
        "maximum": 5,
        "no_margin_allowed": False,
    }
    neighbour = {**await api.headers("clerk-county-b"), "Accept-Language": "en"}
    body = (await api.client.get("/api/v1/t/county-b/rules/margin?seats=10&candidates=16", headers=neighbour)).json()
    assert body["reason"] == "margin 6 is above the allowed maximum of 5"
    assert body["allowed"] is False

    # Supervision: required only under county-a.
    for slug, required in (("county-a", True), ("town-a", True), ("county-b", False), ("town-b", False)):
        methods = await supervision_methods(api, slug)
        assert methods["quarterly_meeting"].required is required, slug
        assert methods["follow_up_review"].required is required, slug
        assert methods["special_inquiry"].required is False
        assert set(methods) == {
            "inspection",
            "special_deliberation",
            "special_inquiry",
            "follow_up_review",
            "quarterly_meeting",
        }


async def test_settings_are_validated_and_the_switch_falls_back_to_the_platform_wording(api: Api) -> None:
    await api.create_tenant("prov", "province")
    refused = await api.client.post(
        "/api/v1/admin/tenants",
        json={
            "slug": "baofeng",
            "name": "宝丰县",
            "level": "county",
            "parent": "prov",
            "plugins": ["henan-baofeng"],
            "settings": {"henan-baofeng": {"show_margin_in_items": "yes"}},
        },
        headers={**await api.operator(), "Accept-Language": "en"},
    )
    assert refused.status_code == 422
    assert "henan-baofeng" in refused.text
    unknown = await api.client.post(
        "/api/v1/admin/tenants",
        json={
            "slug": "baofeng",
            "name": "宝丰县",
            "level": "county",
            "parent": "prov",
            "plugins": ["henan-baofeng"],
            "settings": {"henan-baofeng": {"show_margin_as_count": True}},
        },
        headers={**await api.operator(), "Accept-Language": "en"},
    )
    assert unknown.status_code == 422

    await api.create_tenant("baofeng", "county", "prov", plugins=["henan-baofeng"])
    await api.create_tenant(
        "baofeng-town", "township", "baofeng", settings={"henan-baofeng": {"show_margin_in_items": False}}
    )
    for slug in ("baofeng", "baofeng-town"):
        await api.add_member(slug, f"clerk-{slug}", ["tenant_admin"])
    county = {**await api.headers("clerk-baofeng"), "Accept-Language": "en"}
    town = {**await api.headers("clerk-baofeng-town"), "Accept-Language": "en"}
    url = "/api/v1/t/{}/rules/margin?seats=10&candidates=11"
    assert "差额 1 项" in (await api.client.get(url.format("baofeng"), headers=county)).json()["reason"]
    # The township keeps the plugin (inherited) but turned the wording off: the platform answers.
    assert (await api.client.get(url.format("baofeng-town"), headers=town)).json()["reason"] == (
        "margin 1 is below the required minimum of 2"
    )
