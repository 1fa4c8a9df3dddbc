"""The operator's console — tree and search, effective configuration, onboarding through the
manifest plan, manifest upload (idempotent), lifecycle actions and invitations, on both backends."""

from __future__ import annotations

import re
from typing import Any

from minsheng.testing import PASSWORD

TOWNSHIPS = "\n".join(f"xian-t{n:02d} 第{n}镇" for n in range(1, 21))


async def test_the_console_is_for_operators_only(api: Any, console: Any) -> None:
    async with api.browser() as stranger:
        response = await stranger.get("/admin/tenants", headers={"accept": "text/html"})
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")
    await api.create_tenant("prov", "province")
    await api.add_member("prov", "clerk", ["tenant_admin"])
    async with api.browser() as clerk:
        await api.page_login(clerk, "clerk")
        assert (await clerk.get("/admin/tenants", headers={"accept": "text/html"})).status_code == 403


async def test_the_tree_loads_children_on_demand_and_search_pages(api: Any, console: Any) -> None:
    await api.tree()
    page = await console.get("/admin/tenants")
    assert page.status_code == 200
    assert 'data-slug="prov"' in page.text and 'data-slug="city"' not in page.text
    children = await console.get("/admin/tenants/city/children", headers={"hx-request": "true"})
    assert 'data-slug="county-a"' in children.text and 'data-slug="county-b"' in children.text
    found = await console.get("/admin/tenants", params={"q": "town"})
    assert 'data-slug="town-a"' in found.text and 'data-slug="town-b"' in found.text
    assert 'data-slug="prov"' not in found.text
    counties = await console.get("/admin/tenants", params={"level": "county"})
    assert re.findall(r'data-slug="([^"]+)"', counties.text) == ["county-a", "county-b"]


async def test_the_detail_shows_what_is_inherited_and_what_is_overridden(api: Any, console: Any) -> None:
    settings = {"minsheng.defaults": {"margin_lower_ratio": "0.25"}}
    await api.create_tenant("prov", "province", settings=settings)
    await api.create_tenant("xian", "county", "prov", settings={"minsheng.defaults": {"margin_upper_ratio": "0.4"}})
    page = await console.get("/admin/tenants/xian")
    assert page.status_code == 200, page.text
    rows = re.findall(r'<tr class="setting--(own|inherited)">(.*?)</tr>', page.text, re.S)
    by_key = {re.search(r'data-key="([a-z_]+)"', body).group(1): (kind, body) for kind, body in rows}
    assert by_key["margin_upper_ratio"][0] == "own"
    # Each setting by the title its plugin's schema gives it, never by its key.
    assert "最大差额比例（占应选数）" in by_key["margin_upper_ratio"][1] and ">margin_upper_ratio<" not in page.text
    assert "办公楼" in page.text, "values are shown readable (the default negative list)"
    assert by_key["margin_lower_ratio"][0] == "inherited" and "prov" in by_key["margin_lower_ratio"][1]


async def test_onboarding_a_county_shows_the_plan_then_applies_once(api: Any, console: Any) -> None:
    await api.create_tenant("prov", "province")
    await api.create_tenant("city", "city", "prov")
    form = {
        "parent": "city",
        "slug": "xian",
        "name": "某县",
        "townships": TOWNSHIPS,
        "admins": "xian xian-admin 王主任",
        "inherit_plugins": "1",
        "settings": "",
        "step": "plan",
    }
    plan = await console.post("/admin/onboarding", form)
    assert plan.status_code == 200, plan.text
    assert plan.text.count('class="plan--create"') == 21
    listed = await api.client.get("/api/v1/admin/tenants?parent=city", headers=await api.operator())
    assert [t["slug"] for t in listed.json()["items"]] == [], "the plan changes nothing"

    applied = await console.post("/admin/onboarding", {**form, "step": "apply"})
    assert applied.status_code == 200, applied.text
    assert 'id="applied-summary"' in applied.text and "21" in applied.text
    link = re.search(r"(/invitations/[A-Za-z0-9_-]+)</code>", applied.text)
    assert link, "the administrator's invitation link is shown"
    county = await api.client.get("/api/v1/admin/tenants?parent=xian&per_page=50", headers=await api.operator())
    assert county.json()["total"] == 20

    again = await console.post("/admin/onboarding", {**form, "step": "plan"})
    assert "plan--create" not in again.text and 'id="plan-summary"' in again.text

    async with api.browser() as invitee:
        accept_page = await invitee.get(link.group(1), headers={"accept": "text/html"})
        assert accept_page.status_code == 200 and 'value="xian-admin"' in accept_page.text
        token = re.search(r'name="_csrf_token" value="([^"]+)"', accept_page.text).group(1)
        body = {"username": "xian-admin", "display_name": "王主任", "password": PASSWORD, "password_again": PASSWORD}
        done = await invitee.post(link.group(1), data={**body, "_csrf_token": token})
        assert done.status_code == 201, done.text
    me = await api.client.get("/api/v1/me", headers=await api.headers("xian-admin"))
    assert [(m["tenant"], m["roles"]) for m in me.json()["memberships"]] == [("xian", ["tenant_admin"])]


async def test_a_refused_onboarding_shows_the_reason_and_changes_nothing(api: Any, console: Any) -> None:
    await api.create_tenant("prov", "province")
    form = {"parent": "prov", "slug": "xian", "name": "某县", "townships": "Bad_Slug 镇", "step": "plan"}
    response = await console.post("/admin/onboarding", form)
    assert response.status_code == 422 and 'id="wizard-error"' in response.text
    listed = await api.client.get("/api/v1/admin/tenants", headers=await api.operator())
    assert listed.json()["total"] == 1


async def test_a_manifest_upload_shows_the_diff_and_a_second_apply_changes_nothing(api: Any, console: Any) -> None:
    manifest = (
        "tenants:\n  - slug: prov\n    name: 某省\n    level: province\n    children:\n"
        "      - slug: city\n        name: 某市\n        level: city\n"
    )
    plan = await console.post("/admin/manifests", {"manifest": manifest, "step": "plan"})
    assert plan.text.count('class="plan--create"') == 2
    first = await console.post("/admin/manifests", {"manifest": manifest, "step": "apply"})
    assert first.status_code == 200 and "2" in re.search(r'id="applied-summary">([^<]+)', first.text).group(1)
    second = await console.post("/admin/manifests", {"manifest": manifest, "step": "apply"})
    assert "plan--" not in second.text and "<ul>" not in second.text.split('id="applied-summary"')[1][:200]
    changed = manifest.replace("name: 某市", "name: 某市（试点）")
    diff = await console.post("/admin/manifests", {"manifest": changed, "step": "plan"})
    assert diff.text.count('class="plan--update"') == 1 and re.search("<code>[^<]*某市（试点）[^<]*</code>", diff.text)
    api_plan = await api.client.post(
        "/api/v1/admin/manifests/plan", json={"manifest": changed}, headers=await api.operator()
    )
    assert api_plan.json()["changes"] == [{"slug": "city", "action": "update", "fields": {"name": "某市（试点）"}}]


async def test_suspend_resume_export_and_delete_from_the_console(api: Any, console: Any) -> None:
    await api.create_tenant("prov", "province")
    await api.create_tenant("city", "city", "prov")
    suspended = await console.post("/admin/tenants/city/suspend")
    assert suspended.status_code == 303 and suspended.headers["location"] == "/admin/tenants/city?done=suspended"
    detail = await console.get("/admin/tenants/city")
    assert 'action="/admin/tenants/city/resume"' in detail.text
    assert (await console.post("/admin/tenants/city/resume")).status_code == 303

    export = await console.post("/admin/tenants/city/exports")
    assert export.status_code == 303 and export.headers["location"].startswith("/admin/jobs/")
    await api.services.dispatcher.drain()
    job_page = await console.get(export.headers["location"])
    download = re.search(r'href="(/admin/exports/[^"]+)"', job_page.text)
    assert download, job_page.text
    archive = await console.get(download.group(1))
    assert archive.status_code == 200 and archive.content[:2] == b"PK"

    refused = await console.post("/admin/tenants/city/delete", {"confirm": "prov"})
    assert refused.status_code == 422 and "city" in refused.text
    deleted = await console.post("/admin/tenants/city/delete", {"confirm": "city"})
    assert deleted.status_code == 303
    assert (await console.get("/admin/tenants/city")).status_code == 404
    audit = await api.client.get("/api/v1/admin/tenants/prov", headers=await api.operator())
    assert audit.status_code == 200


async def test_deleting_a_township_from_the_console_takes_it_out_of_the_figures_above(api: Any, console: Any) -> None:
    await api.tree()
    await api.add_member("town-b", "clerk-b", ["tenant_admin"])
    await api.add_member("city", "clerk-city", ["tenant_admin"])
    body = {"title": "道路提质改造", "content": "硬化村道", "category": "roads_transport"}
    created = await api.client.post("/api/v1/t/town-b/projects", json=body, headers=await api.headers("clerk-b"))
    assert created.status_code == 201
    await api.services.dispatcher.drain()
    city = await api.headers("clerk-city")
    assert (await api.client.get("/api/v1/t/city/oversight", headers=city)).json()["totals"]["projects"] == 1
    assert (await console.post("/admin/tenants/town-b/delete", {"confirm": "town-b"})).status_code == 303
    await api.services.dispatcher.drain()
    assert (await api.client.get("/api/v1/t/city/oversight", headers=city)).json()["totals"]["projects"] == 0
