"""After login each person lands somewhere useful and moves between sections through the shared nav."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from minsheng.projects.models import CandidateEntry, CandidateList, Project
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.testing import PASSWORD, LiveServer

pytestmark = pytest.mark.browser


async def log_in(page: Any, url: str, username: str) -> None:
    await page.goto(f"{url}/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.locator("form button[type=submit]").last.click()
    await page.wait_for_load_state()


async def test_the_operator_lands_on_the_console(live_server: LiveServer, desktop_page: Any) -> None:
    await live_server.operator()
    await log_in(desktop_page, live_server.url, "operator")
    await desktop_page.wait_for_url(f"{live_server.url}/admin/tenants")


async def test_a_tenant_admin_lands_home_and_reaches_the_inbox_through_the_nav(
    live_server: LiveServer, desktop_page: Any
) -> None:
    await live_server.create_tenant("county-n", "province", name="某县")
    await live_server.add_member("county-n", "clerk", ["tenant_admin"])
    await log_in(desktop_page, live_server.url, "clerk")
    await desktop_page.wait_for_url(f"{live_server.url}/t/county-n/")
    await desktop_page.locator("#member-home [data-section=oversight]").wait_for()
    # The shared staff navigation: its first area is the suggestions, starting at the inbox.
    await desktop_page.locator('#staff-nav a[href="/t/county-n/staff/suggestions"]').click()
    await desktop_page.wait_for_url(f"{live_server.url}/t/county-n/staff/suggestions")
    assert await desktop_page.locator("#staff-nav [aria-current=page]").count() == 1
    # Back home through the site's navigation, then the language switch is there too.
    await desktop_page.locator('.site-nav a[href="/home"]').click()
    await desktop_page.wait_for_url(f"{live_server.url}/t/county-n/")
    await desktop_page.locator(".lang-switch a[hreflang=en]").click()
    await desktop_page.locator("#member-home").get_by_text("Suggestion inbox").wait_for()


async def test_the_round_form_shows_the_margin_rule_live_as_candidates_are_ticked(
    live_server: LiveServer, desktop_page: Any
) -> None:
    tenant = await live_server.create_tenant("county-r", "province", name="某县")
    await live_server.add_member("county-r", "clerk", ["tenant_admin"])
    made = await live_server.client.post(
        "/api/v1/t/county-r/sessions",
        json={"title": "第一次会议", "date": "2026-01-10"},
        headers=await live_server.headers("clerk"),
    )
    assert made.status_code == 201, made.text

    async def screened_in() -> None:
        """Three screened-in projects on 2026's fixed candidate list, from which a round takes its own."""
        async with live_server.services.database.session() as session:
            projects = [
                Project(
                    year=2026, title=f"项目{n}", content="内容", category="health", status="accepted", created_by="t"
                )
                for n in range(3)
            ]
            fixed = CandidateList(year=2026, planned_seats=2, status="fixed", fixed_by="test")
            session.add_all([*projects, fixed])
            await session.flush()
            session.add_all(
                CandidateEntry(list_id=fixed.id, project_id=p.id, position=n) for n, p in enumerate(projects)
            )

    with tenant_scope(TenantRef(uuid.UUID(tenant["id"]), "county-r")):
        await live_server.on_server(screened_in())
    await log_in(desktop_page, live_server.url, "clerk")
    await desktop_page.goto(f"{live_server.url}/t/county-r/congress/new-round")
    await desktop_page.fill("#round-seats", "2")
    boxes = desktop_page.locator("input[name=candidates]")
    # The form offers the year's fixed list ticked; two of three for two seats leave no margin.
    await boxes.nth(0).check()
    await boxes.nth(1).check()
    await boxes.nth(2).uncheck()
    await desktop_page.locator('#margin-verdict[data-allowed="false"]').wait_for()
    await boxes.nth(2).check()
    await desktop_page.locator('#margin-verdict[data-allowed="true"]').wait_for()
    await desktop_page.locator("#round-form button[type=submit]").click()
    await desktop_page.wait_for_url(f"{live_server.url}/t/county-r/congress/sessions/**")


async def test_a_tenant_admin_adds_a_user_and_resets_its_password_from_the_pages(
    live_server: LiveServer, desktop_page: Any, browser: Any
) -> None:
    await live_server.create_tenant("county-o", "province", name="某省")
    await live_server.create_tenant("county-oc", "county", "county-o", name="某县")
    await live_server.add_member("county-oc", "office-admin", ["tenant_admin"])
    await log_in(desktop_page, live_server.url, "office-admin")
    await desktop_page.wait_for_url(f"{live_server.url}/t/county-oc/")
    # From the home to the office's users, and a government officer added with an initial password.
    await desktop_page.locator("#member-home [data-section=users]").click()
    await desktop_page.wait_for_url(f"{live_server.url}/t/county-oc/office/users")
    form = desktop_page.locator("#add-user")
    await form.locator("input[name=username]").fill("gov-officer")
    await form.locator("input[name=display_name]").fill("县政府办李四")
    await form.locator("input[name=password]").fill(PASSWORD)
    await form.locator("input[name=roles][value=government]").check()
    await form.locator("button[type=submit]").click()
    await desktop_page.wait_for_url(f"{live_server.url}/t/county-oc/office/users/gov-officer?done=added")
    assert "人民政府" in await desktop_page.locator("#roles-form").inner_text()
    # A one-time link to reset the password: shown once on the page.
    await desktop_page.locator("#make-link").click()
    link = (await desktop_page.locator("#password-link").inner_text()).strip()
    assert link.startswith(f"{live_server.url}/password/")
    # The officer opens it in a browser of their own and chooses a new password.
    context = await browser.new_context()
    holder = await context.new_page()
    await holder.goto(link)
    await holder.fill("input[name=password]", "Officer-New-Pass-9")
    await holder.fill("input[name=password_again]", "Officer-New-Pass-9")
    await holder.locator("form button[type=submit]").click()
    await holder.locator("#password-saved").wait_for()
    again = await holder.goto(link)
    assert again is not None and again.status == 404, "the link works once"
    await holder.goto(f"{live_server.url}/login")
    await holder.fill("input[name=username]", "gov-officer")
    await holder.fill("input[name=password]", "Officer-New-Pass-9")
    await holder.locator("form button[type=submit]").last.click()
    await holder.wait_for_url(f"{live_server.url}/t/county-oc/")
    await context.close()
