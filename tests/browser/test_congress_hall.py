"""The hall during the vote, end to end on a real server: the big screen's server-sent events, a deputy
voting on a phone, the big screen updating without a reload, a deputy who took paper in a mixed round,
the phone refusing 多选 before sending, and the presidium preparing its session from the pages alone."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest

from minsheng.projects.models import CandidateEntry, CandidateList, Project
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.testing import PASSWORD, LiveServer, random_slug


async def _add_projects(live: LiveServer, tenant: TenantRef, count: int) -> list[str]:
    """``count`` screened-in projects of 2026 on 2026's fixed candidate list (written directly)."""

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
                fixed = CandidateList(year=2026, planned_seats=2, status="fixed", fixed_by="t")
                session.add(fixed)
                await session.flush()
                session.add_all(
                    CandidateEntry(list_id=fixed.id, project_id=p.id, position=n) for n, p in enumerate(rows)
                )
                return [str(p.id) for p in rows]

    return list(await live.on_server(add()))


async def staffed_county(live: LiveServer, deputies: int) -> dict[str, Any]:
    """A county with its office (``clerk``), its ``presidium`` and ``deputies`` deputies on the roster."""
    slug = random_slug("county")
    await live.create_tenant(f"{slug}-p", "province")
    tenant = await live.create_tenant(slug, "county", f"{slug}-p")
    base = f"/api/v1/t/{slug}"
    clerk, presidium = f"clerk-{slug}", f"presidium-{slug}"
    await live.add_member(slug, clerk, ["tenant_admin"])
    await live.add_member(slug, presidium, ["presidium"])
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
    return {
        "slug": slug,
        "base": base,
        "tenant": TenantRef(uuid.UUID(tenant["id"]), slug),
        "clerk": clerk,
        "presidium": presidium,
        "staff": staff,
        "chair": await live.headers(presidium),
        "deputies": names,
    }


async def open_hall(
    live: LiveServer,
    deputies: int = 3,
    *,
    open_round: bool = True,
    ballot_format: str = "approve_up_to_seats",
    method: str = "electronic",
) -> dict[str, Any]:
    """A county with ``deputies`` deputies checked in to a session that adopted its voting method, three
    candidates of the fixed list and a round for two seats (opened by the presidium)."""
    hall = await staffed_county(live, deputies)
    base, staff, chair = hall["base"], hall["staff"], hall["chair"]
    projects = await _add_projects(live, hall["tenant"], 3)
    session = await live.client.post(
        f"{base}/sessions", json={"title": "第一次会议", "date": "2026-01-10"}, headers=staff
    )
    session_id = session.json()["id"]
    adopted = await live.client.post(f"{base}/sessions/{session_id}/voting-method", headers=chair)
    assert adopted.status_code == 200, adopted.text
    roster = (await live.client.get(f"{base}/deputies", headers=staff)).json()["items"]
    for deputy in roster:
        checked = await live.client.post(
            f"{base}/sessions/{session_id}/checkins", json={"deputy_id": deputy["id"]}, headers=staff
        )
        assert checked.status_code == 201
    created = await live.client.post(
        f"{base}/sessions/{session_id}/rounds",
        json={
            "title": "民生实事项目票决",
            "seats": 2,
            "candidates": projects,
            "ballot_format": ballot_format,
            "method": method,
        },
        headers=staff,
    )
    assert created.status_code == 201, created.text
    round_id = created.json()["id"]
    if open_round:
        assert (await live.client.post(f"{base}/rounds/{round_id}/open", headers=chair)).status_code == 200
    return {
        **hall,
        "projects": projects,
        "roster": {row["username"]: row["id"] for row in roster},
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
        closed = await live_server.client.post(f"{hall['base']}/rounds/{hall['round_id']}/close", headers=hall["chair"])
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
    closed = await live_server.client.post(f"{hall['base']}/rounds/{hall['round_id']}/close", headers=hall["chair"])
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
    # Waited for through the locator: the page's CSP forbids the eval a string predicate would need.
    await desktop_page.locator("[data-figure=received]", has_text="2").wait_for()
    closed = await live_server.client.post(f"{hall['base']}/rounds/{hall['round_id']}/close", headers=hall["chair"])
    assert closed.status_code == 200
    outcome = desktop_page.locator("[data-figure=outcome]")
    await outcome.wait_for()
    assert "民生项目0" in await desktop_page.locator(".screen__result").inner_text()
    assert await desktop_page.evaluate("window.__sameDocument") == 42, "the page was not reloaded"


@pytest.mark.browser
async def test_a_deputy_who_took_paper_cannot_vote_on_the_phone_and_the_phone_refuses_too_many_yes(
    live_server: LiveServer, phone_page: Any
) -> None:
    """In a round on phones and paper, the deputy handed a paper ballot finds no ballot on the
    phone (and a ballot sent anyway is refused); another deputy marking yes for more candidates than
    seats is told so, and the phone sends nothing until the marks are within the seats."""
    hall = await open_hall(live_server, ballot_format="yes_no_abstain", method="mixed")
    base, round_id = hall["base"], hall["round_id"]
    taker = hall["deputies"][0]
    handed = await live_server.client.post(
        f"{base}/rounds/{round_id}/paper-issued", json={"deputy_id": hall["roster"][taker]}, headers=hall["staff"]
    )
    assert handed.status_code == 201, handed.text

    ballot_url = f"/t/{hall['slug']}/vote/{round_id}"
    await log_in(phone_page, live_server, taker, ballot_url)
    alert = phone_page.locator("[data-step=paper]")
    await alert.wait_for()
    assert "纸质" in (await alert.inner_text())
    assert await phone_page.locator("input[type=radio]").count() == 0, "no ballot on the phone after paper"
    refused = await live_server.client.post(
        f"{base}/rounds/{round_id}/ballots",
        json={"choices": {p: "no" for p in hall["projects"]}},
        headers=await live_server.headers(taker),
    )
    assert refused.status_code == 409
    await phone_page.goto(f"{live_server.url}/t/{hall['slug']}/vote")
    assert "你已领取纸质票" in await phone_page.locator("#taken-part").inner_text()

    await phone_page.context.clear_cookies()
    await log_in(phone_page, live_server, hall["deputies"][1], ballot_url)
    rows = phone_page.locator("fieldset.ballot__candidate")
    assert await rows.count() == 3
    for n in range(3):
        await rows.nth(n).locator("input[value=yes]").check()
    warning = phone_page.locator("#yes-limit")
    await warning.wait_for(state="visible")
    review = phone_page.locator("#ballot-marks button[type=submit]")
    assert await review.is_disabled()
    await review.click(force=True)  # a tap on the disabled button sends nothing
    assert phone_page.url.endswith(ballot_url)
    shown = (await live_server.client.get(f"{base}/rounds/{round_id}", headers=hall["staff"])).json()
    assert shown["ballots_received"] == 1, "only the paper ballot handed out: nothing came from this phone"
    await rows.nth(2).locator("input[value=no]").check()
    await warning.wait_for(state="hidden")
    assert not await review.is_disabled()
    await review.click()
    await phone_page.locator("input[name=confirm]").wait_for(state="attached")
    await phone_page.locator("form:has(input[name=confirm]) button[type=submit]").click()
    assert await phone_page.locator("[data-receipt]").get_attribute("data-receipt")
    shown = (await live_server.client.get(f"{base}/rounds/{round_id}", headers=hall["staff"])).json()
    assert (shown["ballots_received"], shown["paper_issued"]) == (2, 1)


@pytest.mark.browser
async def test_the_presidium_prepares_its_session_from_the_pages(live_server: LiveServer, desktop_page: Any) -> None:
    """A presidium member creates the session, fills in its agenda and shows the check-in QR code, all
    from the pages (the API only set up the users and the roster)."""
    hall = await staffed_county(live_server, 2)
    await log_in(desktop_page, live_server, hall["presidium"], f"/t/{hall['slug']}/congress")
    form = desktop_page.locator("#new-session")
    await form.locator("input[name=title]").fill("第十八届人民代表大会第一次会议")
    await form.locator("input[name=date]").fill("2026-12-28")
    await form.locator("input[name=year]").fill("2027")
    await form.locator("button[type=submit]").click()
    await desktop_page.locator("#session-year").wait_for()
    assert "2027" in await desktop_page.locator("#session-year").inner_text()
    desk = desktop_page.url

    await desktop_page.locator("#agenda-link").click()
    titles = desktop_page.locator("input[name=title]")
    assert await titles.nth(0).input_value(), "an empty agenda starts from the usual items"
    await titles.nth(0).fill("听取镇人民政府关于二〇二七年民生实事候选项目征集情况的报告")
    await desktop_page.locator("form button[type=submit]").last.click()
    await desktop_page.get_by_role("status").wait_for()
    await desktop_page.goto(desk)
    agenda = await desktop_page.locator("ol.agenda").inner_text()
    assert "二〇二七年民生实事候选项目征集情况" in agenda

    async with desktop_page.context.expect_page() as opened:
        await desktop_page.locator("#qr-link").click()
    qr = await opened.value
    await qr.wait_for_load_state()
    await qr.locator("svg").first.wait_for()
    assert "/check-in/" in await qr.content() or await qr.locator("svg path").count() > 0
    session_id = desk.rstrip("/").rsplit("/", 1)[-1]
    sessions = (await live_server.client.get(f"{hall['base']}/sessions", headers=hall["staff"])).json()["items"]
    assert [(s["id"], s["year"]) for s in sessions] == [(session_id, 2027)]
