"""The hall during the vote, end to end on a real server: the big screen's
server-sent events, a deputy voting on a phone, the big screen updating without a reload."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from minsheng.projects.models import Project
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.testing import PASSWORD, LiveServer, random_slug


async def _add_projects(live: LiveServer, tenant: TenantRef, count: int) -> list[str]:
    async def add() -> list[str]:
        with tenant_scope(tenant):
            async with live.services.database.session() as session:
                rows = [
                    Project(
                        year=2026,
                        title=f"民生项目{n}",
                        content="内容",
                        category="education",
                        status="accepted",
                        created_by="t",
                    )
                    for n in range(count)
                ]
                session.add_all(rows)
                await session.flush()
                return [str(p.id) for p in rows]

    return list(await live.on_server(add()))


async def open_hall(live: LiveServer, deputies: int = 3, *, open_round: bool = True) -> dict[str, Any]:
    """A county with a clerk, ``deputies`` deputies checked in, three candidates and a round for two seats."""
    slug = random_slug("county")
    await live.create_tenant(f"{slug}-p", "province")
    tenant = await live.create_tenant(slug, "county", f"{slug}-p")
    base = f"/api/v1/t/{slug}"
    clerk = f"clerk-{slug}"
    await live.add_member(slug, clerk, ["tenant_admin", "presidium"])
    staff = await live.headers(clerk)
    names = []
    for n in range(deputies):
        username = f"dep{n}-{slug}"
        await live.add_member(slug, username, ["deputy"])
        added = await live.client.post(
            f"{base}/deputies", json={"name": f"代表{n}", "username": username}, headers=staff
        )
        assert added.status_code == 201, added.text
        names.append(username)
    import uuid

    projects = await _add_projects(live, TenantRef(uuid.UUID(tenant["id"]), slug), 3)
    session = await live.client.post(
        f"{base}/sessions", json={"title": "第一次会议", "date": "2026-01-10"}, headers=staff
    )
    session_id = session.json()["id"]
    roster = (await live.client.get(f"{base}/deputies", headers=staff)).json()["items"]
    for deputy in roster:
        checked = await live.client.post(
            f"{base}/sessions/{session_id}/checkins", json={"deputy_id": deputy["id"]}, headers=staff
        )
        assert checked.status_code == 201
    created = await live.client.post(
        f"{base}/sessions/{session_id}/rounds",
        json={"title": "民生实事项目票决", "seats": 2, "candidates": projects, "ballot_format": "approve_up_to_seats"},
        headers=staff,
    )
    assert created.status_code == 201, created.text
    round_id = created.json()["id"]
    if open_round:
        assert (await live.client.post(f"{base}/rounds/{round_id}/open", headers=staff)).status_code == 200
    return {
        "slug": slug,
        "base": base,
        "clerk": clerk,
        "staff": staff,
        "deputies": names,
        "projects": projects,
        "session_id": session_id,
        "round_id": round_id,
    }


async def next_event(lines: Any) -> dict[str, Any]:
    """The next ``screen`` event of an SSE stream, its data parsed as JSON (comments are skipped)."""
    event, data = None, []
    async for line in lines:
        if line.startswith("event:"):
            event = line.partition(":")[2].strip()
        elif line.startswith("data:"):
            data.append(line.partition(":")[2].strip())
        elif line == "" and data:
            if event == "screen":
                return dict(json.loads("\n".join(data)))
            event, data = None, []
    raise AssertionError("the stream ended")


async def test_the_screen_stream_sends_the_picture_then_each_change(live_server: LiveServer) -> None:
    hall = await open_hall(live_server)
    url = f"{live_server.url}{hall['base']}/sessions/{hall['session_id']}/screen/events"
    async with httpx.AsyncClient(timeout=30) as client, client.stream("GET", url, headers=hall["staff"]) as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.aiter_lines()
        first = await asyncio.wait_for(next_event(lines), 10)
        assert (first["present"], first["round"]["status"], first["round"]["ballots_received"]) == (3, "open", 0)
        voter = await live_server.headers(hall["deputies"][0])
        ballot = {"selected": hall["projects"][:2]}
        cast = await live_server.client.post(
            f"{hall['base']}/rounds/{hall['round_id']}/ballots", json=ballot, headers=voter
        )
        assert cast.status_code == 201
        second = await asyncio.wait_for(next_event(lines), 10)
        assert second["round"]["ballots_received"] == 1
        closed = await live_server.client.post(f"{hall['base']}/rounds/{hall['round_id']}/close", headers=hall["staff"])
        assert closed.status_code == 200
        third = await asyncio.wait_for(next_event(lines), 10)
        assert third["round"]["status"] == "closed"
        assert [c["yes"] for c in third["round"]["result"]["candidates"]] == [1, 1, 0]
        assert all(name not in json.dumps(third, ensure_ascii=False) for name in ("代表0", hall["deputies"][0]))


async def log_in(page: Any, live: LiveServer, username: str, target: str) -> None:
    await page.goto(f"{live.url}/login?next={target}")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.locator("form button[type=submit]").last.click()
    await page.wait_for_url(f"**{target}")


@pytest.mark.browser
async def test_a_deputy_votes_on_a_phone(live_server: LiveServer, phone_page: Any) -> None:
    hall = await open_hall(live_server)
    await log_in(phone_page, live_server, hall["deputies"][0], f"/t/{hall['slug']}/vote")
    await phone_page.get_by_role("link", name="民生实事项目票决").click()
    boxes = phone_page.locator("input[name=selected]")
    assert await boxes.count() == 3
    await boxes.nth(0).check()
    await boxes.nth(2).check()
    assert await phone_page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling"
    await phone_page.locator("form button[type=submit]").last.click()
    await phone_page.locator("input[name=confirm]").wait_for(state="attached")
    await phone_page.locator("form:has(input[name=confirm]) button[type=submit]").click()
    receipt = await phone_page.locator("[data-receipt]").get_attribute("data-receipt")
    assert receipt
    view = (await live_server.client.get(f"{hall['base']}/rounds/{hall['round_id']}", headers=hall["staff"])).json()
    assert view["ballots_received"] == 1
    await phone_page.goto(f"{live_server.url}/t/{hall['slug']}/vote/{hall['round_id']}")
    assert await phone_page.locator("input[name=selected]").count() == 0, "no second ballot"
    await phone_page.get_by_role("alert").wait_for()
    closed = await live_server.client.post(f"{hall['base']}/rounds/{hall['round_id']}/close", headers=hall["staff"])
    assert receipt in closed.json()["receipts"]


@pytest.mark.browser
async def test_the_big_screen_updates_without_a_reload(live_server: LiveServer, desktop_page: Any) -> None:
    hall = await open_hall(live_server)
    screen = f"/t/{hall['slug']}/congress/sessions/{hall['session_id']}/screen"
    await log_in(desktop_page, live_server, hall["clerk"], screen)
    received = desktop_page.locator("[data-figure=received]")
    assert (await received.text_content() or "").strip() == "0"
    await desktop_page.evaluate("window.__sameDocument = 42")
    # Readable from the back of the hall: the count is a quarter of the screen's height.
    huge = await desktop_page.evaluate("parseFloat(getComputedStyle(document.querySelector('.screen__huge')).fontSize)")
    assert huge > 200
    for number in range(2):
        voter = await live_server.headers(hall["deputies"][number])
        ballot = {"selected": hall["projects"][:2]}
        cast = await live_server.client.post(
            f"{hall['base']}/rounds/{hall['round_id']}/ballots", json=ballot, headers=voter
        )
        assert cast.status_code == 201
    await desktop_page.wait_for_function("document.querySelector('[data-figure=received]').textContent.trim() === '2'")
    closed = await live_server.client.post(f"{hall['base']}/rounds/{hall['round_id']}/close", headers=hall["staff"])
    assert closed.status_code == 200
    outcome = desktop_page.locator("[data-figure=outcome]")
    await outcome.wait_for()
    assert "民生项目0" in await desktop_page.locator(".screen__result").inner_text()
    assert await desktop_page.evaluate("window.__sameDocument") == 42, "the page was not reloaded"
