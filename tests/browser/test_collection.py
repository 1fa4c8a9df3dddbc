"""a citizen suggests on a phone and gets a tracking code; staff on a desktop find
the suggestion in the inbox (its HTML shown as text, never run) and merge it into a project; the
citizen's status page then names the project."""

from __future__ import annotations

from typing import Any

import pytest

from minsheng.testing import PASSWORD, LiveServer

pytestmark = pytest.mark.browser

HTML = '<img src=x onerror="alert(1)"><script>alert("x")</script>'


async def test_a_phone_suggestion_is_merged_by_staff_and_its_author_sees_the_project(
    live_server: LiveServer, phone_page: Any, desktop_page: Any
) -> None:
    base = live_server.url
    await live_server.create_tenant("town-a", "province", name="甲镇")
    await live_server.add_member("town-a", "clerk", ["tenant_admin"])
    dialogs: list[str] = []
    for page in (phone_page, desktop_page):
        page.on("dialog", lambda dialog: dialogs.append(dialog.message))

    # The citizen, on a phone.
    await phone_page.goto(f"{base}/t/town-a/suggest?place=东村")
    await phone_page.fill("#suggest-content", f"{HTML}村口的路灯坏了好几个月，晚上出行不安全")
    await phone_page.select_option("#suggest-category", "utilities")
    await phone_page.locator("form.form button[type=submit]").tap()
    code = (await phone_page.locator("#tracking-code").inner_text()).strip()
    assert len(code) == 10

    # Staff, on a desktop: log in, find it, merge it into a new project.
    await desktop_page.goto(f"{base}/login?next=/t/town-a/staff/suggestions")
    await desktop_page.fill("#login-username", "clerk")
    await desktop_page.fill("#login-password", PASSWORD)
    await desktop_page.press("#login-password", "Enter")
    await desktop_page.wait_for_url("**/t/town-a/staff/suggestions")
    await desktop_page.fill("#filter-q", code)
    await desktop_page.locator("form.filters button[type=submit]").click()
    row = desktop_page.locator(f'tr[data-code="{code}"]')
    text = await row.locator("td.data-table__text").inner_text()
    assert text.startswith(HTML)  # shown as text
    assert await desktop_page.locator("#inbox img, #inbox script").count() == 0
    await row.locator("input[name=suggestion_ids]").check()
    await desktop_page.fill("#merge-title", "东村路灯维修")
    await desktop_page.select_option("#merge-category", "utilities")
    await desktop_page.locator("#merge-button").click()
    await desktop_page.wait_for_url("**/t/town-a/staff/projects/*")
    assert (await desktop_page.locator("#project-title").inner_text()).strip() == "东村路灯维修"
    assert code in await desktop_page.locator("#project-suggestions").inner_text()

    # The citizen follows the suggestion.
    await phone_page.locator("a.button--primary").tap()
    await phone_page.wait_for_url(f"**/t/town-a/suggestions/{code}")
    assert (await phone_page.locator("#suggestion-status").inner_text()).strip() == "已并入项目"
    assert "东村路灯维修" in await phone_page.locator("main").inner_text()
    assert dialogs == []


async def test_the_margin_verdict_follows_the_ticks_live_and_coverage_draws_its_charts(
    live_server: LiveServer, desktop_page: Any
) -> None:
    base, slug = live_server.url, "town-b"
    await live_server.create_tenant(slug, "province", name="乙镇", settings={"minsheng.defaults": {"places": ["南村"]}})
    # The office prepares the candidate list and, above a township, the standing committee fixes it (here
    # one person holds both); the government drafts projects.
    await live_server.add_member(slug, "chair", ["clerk", "standing_committee"])
    await live_server.add_member(slug, "gov", ["government"])
    for n in range(3):
        created = await live_server.client.post(
            f"/api/v1/t/{slug}/projects",
            json={"title": f"民生项目{n}", "content": "项目内容", "category": "health"},
            headers=await live_server.headers("gov"),
        )
        assert created.status_code == 201, created.text
        screened = await live_server.client.post(
            f"/api/v1/t/{slug}/projects/{created.json()['id']}/screening",
            json={"decision": "accepted"},
            headers=await live_server.headers("gov"),
        )
        assert screened.status_code == 200, screened.text

    await desktop_page.goto(f"{base}/login?next=/t/{slug}/staff/candidates")
    await desktop_page.fill("#login-username", "chair")
    await desktop_page.fill("#login-password", PASSWORD)
    await desktop_page.press("#login-password", "Enter")
    await desktop_page.wait_for_url(f"**/t/{slug}/staff/candidates/*")
    verdict = desktop_page.locator("#margin-verdict")
    assert await verdict.get_attribute("data-allowed") == "false"  # nothing ticked yet
    for box in await desktop_page.locator("input[name=project_ids]").all():
        await box.check()
    await desktop_page.fill("#planned-seats", "2")
    await desktop_page.locator('#margin-verdict[data-allowed="true"]').wait_for()  # swapped in by HTMX
    await desktop_page.fill("#planned-seats", "3")
    await desktop_page.locator("#planned-seats").dispatch_event("change")
    await desktop_page.locator('#margin-verdict[data-allowed="false"]').wait_for()
    await desktop_page.fill("#planned-seats", "2")
    await desktop_page.locator("button[value=fix]").click()
    await desktop_page.locator("#list-status").wait_for()
    listed = await live_server.client.get(
        f"/api/v1/t/{slug}/candidate-lists/{desktop_page.url.rsplit('/', 1)[1]}",
        headers=await live_server.headers("chair"),
    )
    assert listed.json()["status"] == "fixed" and len(listed.json()["candidates"]) == 3

    await desktop_page.goto(f"{base}/t/{slug}/staff/coverage")
    await desktop_page.locator("#chart-places canvas").wait_for()
    await desktop_page.locator("#chart-channels canvas").wait_for()
    assert (await desktop_page.locator("#silent-places").inner_text()).strip() == "南村"
