"""In a browser: the operator onboards a county with its townships through the console's
wizard (plan first, then apply, then the tree), and the province's staff read the dashboard."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from minsheng.implementation.testing import record_decided_round
from minsheng.tenancy.context import TenantRef
from minsheng.testing import PASSWORD, LiveServer

pytestmark = pytest.mark.browser


async def log_in(page: Any, base: str, username: str, next_path: str) -> None:
    await page.goto(f"{base}/login?next={next_path}")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.locator("form.form button[type=submit]").click()
    await page.wait_for_url(f"**{next_path}")


async def test_the_operator_onboards_a_county_with_townships_through_the_wizard(
    live_server: LiveServer, desktop_page: Any
) -> None:
    base = live_server.url
    await live_server.make_user("ops", platform_admin=True)
    await live_server.create_tenant("henan", "province", name="河南省")
    await live_server.create_tenant("pds", "city", "henan", name="平顶山市")
    page = desktop_page
    await log_in(page, base, "ops", "/admin/onboarding")
    await page.fill("#county-parent", "pds")
    await page.fill("#county-slug", "baofeng")
    await page.fill("#county-name", "宝丰县")
    await page.fill(
        "#county-townships", "baofeng-zhaozhuang 赵庄镇\nbaofeng-yangzhuang 杨庄镇\nbaofeng-shangzhuang 商酒务镇"
    )
    await page.fill("#county-admins", "baofeng baofeng-admin 县人大办")
    await page.locator("#onboarding-form button[type=submit]").click()
    await page.wait_for_selector("#plan-changes")
    assert await page.locator("#plan-changes tr.plan--create").count() == 4
    assert "赵庄镇" in await page.locator("#plan-changes").inner_text()
    await page.locator("#apply-button").click()
    await page.wait_for_selector("#applied-summary")
    assert "4" in await page.locator("#applied-summary").inner_text()
    link = await page.locator("#invitation-links code").last.inner_text()
    assert "/invitations/" in link

    # The tree: open the province, the city, then the county; children load when a node opens.
    await page.goto(f"{base}/admin/tenants")
    await page.locator('li[data-slug="henan"] > details > summary').click()
    await page.locator('li[data-slug="pds"] > details > summary').click()
    await page.locator('li[data-slug="baofeng"] > details > summary').click()
    await page.wait_for_selector('li[data-slug="baofeng-zhaozhuang"]')
    assert await page.locator('li[data-slug="baofeng"] .tree__children > li').count() == 3

    # The county's administrator accepts the invitation by choosing a password.
    context = await page.context.browser.new_context(locale="zh-CN")
    invitee = await context.new_page()
    await invitee.goto(link)
    await invitee.fill("#inv-password", PASSWORD)
    await invitee.fill("#inv-password2", PASSWORD)
    await invitee.locator("form.form button[type=submit]").click()
    await invitee.wait_for_selector("#invitation-accepted")
    await context.close()
    me = await live_server.client.get("/api/v1/me", headers=await live_server.headers("baofeng-admin"))
    assert [m["tenant"] for m in me.json()["memberships"]] == ["baofeng"]


async def test_the_province_dashboard_draws_its_charts_and_drills_down(
    live_server: LiveServer, desktop_page: Any
) -> None:
    base = live_server.url
    await live_server.tree()  # prov > city > county-a > town-a, county-b > town-b
    await live_server.add_member("prov", "prov-staff", ["tenant_admin"])
    voted_at = datetime(2026, 1, 10, 2, 0, tzinfo=UTC)
    for slug, titles in (("town-a", ["道路提质改造", "课后延时服务"]), ("town-b", ["孤寡老人义诊"])):
        listing = await live_server.client.get(f"/api/v1/admin/tenants/{slug}", headers=await live_server.operator())
        ref = TenantRef(uuid.UUID(listing.json()["id"]), slug)
        await live_server.on_server(record_decided_round(live_server.services.database, ref, titles, voted_at=voted_at))

    async def settle() -> None:
        await live_server.services.dispatcher.sweep()
        await live_server.services.dispatcher.drain()

    await live_server.on_server(settle())
    page = desktop_page
    await log_in(page, base, "prov-staff", "/t/prov/oversight")
    assert "3" in await page.locator("#oversight-totals div:nth-child(3) dd").inner_text()
    await page.wait_for_selector("#chart-places[data-ready='1'] canvas")
    await page.wait_for_selector("#chart-years[data-ready='1'] canvas")
    await page.locator('#oversight-places a:has-text("city")').first.click()
    await page.wait_for_url("**of=city**")
    await page.locator('#oversight-places a:has-text("county-b")').first.click()
    await page.wait_for_url("**of=county-b**")
    rows = await page.locator("#oversight-places tbody tr").count()
    assert rows == 1 and "town-b" in await page.locator("#oversight-places").inner_text()
    assert "town-a" not in await page.locator("#oversight-places").inner_text()
