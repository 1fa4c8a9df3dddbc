"""The session's pages: staff desk, agenda, check-in, confirmations, the deputy's phone pages;
permissions (404/403), the login redirect and escaping. (The roster's pages: ``test_roster_pages``.)"""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx

from minsheng.accounts import services as accounts
from minsheng.http.dependencies import SESSION_COOKIE
from minsheng.testing import Api

HTML = {"Accept": "text/html"}
XSS = "<script>alert(1)</script>"


async def signed_in(hall: Any, username: str) -> httpx.AsyncClient:
    """A browser with a cookie session of ``username`` (opened directly: these users have no password)."""
    client = hall.api.browser()
    async with hall.api.services.database.session() as session:
        user = await accounts.find_user(session, username)
        assert user is not None
        secret, _row = await accounts.open_session(session, hall.api.services.settings, user, "web")
    client.cookies.set(SESSION_COOKIE, secret)
    client.headers.update(HTML)
    return client


async def form_token(client: httpx.AsyncClient, url: str) -> str:
    page = await client.get(url)
    assert page.status_code in (200, 409), page.text
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert found, "the page carries a form with the CSRF token"
    return found.group(1)


async def clerk_browser(hall: Any) -> httpx.AsyncClient:
    return await signed_in(hall, f"clerk-{hall.slug}")


async def deputy_browser(hall: Any, number: int) -> httpx.AsyncClient:
    return await signed_in(hall, f"d{number}-{hall.slug}")


async def test_visitors_log_in_first_strangers_get_404_and_deputies_403(api: Api, hall, another_hall) -> None:
    await hall.add_deputies(1)
    session_id = await hall.new_session()
    desk = f"/t/{hall.slug}/congress/sessions/{session_id}"
    visitor = api.browser()
    answer = await visitor.get(desk, headers=HTML)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/login?next=%2Ft%2F{hall.slug}%2Fcongress%2Fsessions%2F{session_id}"
    other = await another_hall()
    stranger = await clerk_browser(other)
    for url in (desk, f"/t/{hall.slug}/congress/roster", f"/t/{hall.slug}/vote", f"{desk}/screen"):
        assert (await stranger.get(url)).status_code == 404, url
    deputy = await deputy_browser(hall, 0)
    for url in (desk, f"{desk}/checkins", f"{desk}/qr", f"{desk}/screen", f"/t/{hall.slug}/congress/roster"):
        assert (await deputy.get(url)).status_code == 403, url
    clerk = await clerk_browser(hall)
    assert (await clerk.get(f"/t/{hall.slug}/vote")).status_code == 403, "staff are not deputies"


async def test_titles_and_agenda_items_are_escaped(api: Api, hall) -> None:
    clerk = await clerk_browser(hall)
    token = await form_token(clerk, f"/t/{hall.slug}/congress")
    created = await clerk.post(
        f"/t/{hall.slug}/congress/sessions", data={"title": XSS, "date": "2026-01-10", "_csrf_token": token}
    )
    assert created.status_code == 303
    desk_url = created.headers["location"]
    agenda_url = desk_url + "/agenda"
    empty_agenda = await clerk.get(agenda_url)
    assert "政府关于民生实事项目征集情况的报告" in empty_agenda.text or "collection of livelihood" in empty_agenda.text
    token = await form_token(clerk, agenda_url)
    saved = await clerk.post(
        agenda_url,
        data={
            "order": ["2", "1", ""],
            "title": ["<b>第二</b>", "第一", ""],
            "presenter": ["", XSS, ""],
            "_csrf_token": token,
        },
    )
    assert saved.status_code == 200
    desk = await clerk.get(desk_url)
    assert XSS not in desk.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in desk.text
    assert desk.text.index("第一") < desk.text.index("&lt;b&gt;第二&lt;/b&gt;")
    session_id = desk_url.rsplit("/", 1)[1]
    items = (await api.client.get(f"{hall.base}/sessions/{session_id}/agenda", headers=await hall.clerk())).json()
    assert [(i["title"], i["presenter"]) for i in items["items"]] == [("第一", XSS), ("<b>第二</b>", "")]
    bad = await clerk.post(agenda_url, data={"title": ["x" * 201], "presenter": [""], "_csrf_token": token})
    assert bad.status_code == 422
    assert (
        len(
            (await api.client.get(f"{hall.base}/sessions/{session_id}/agenda", headers=await hall.clerk())).json()[
                "items"
            ]
        )
        == 2
    )


async def test_staff_check_deputies_in_from_the_list_with_htmx(api: Api, hall) -> None:
    await hall.add_deputies(3)
    session_id = await hall.new_session()
    clerk = await clerk_browser(hall)
    url = f"/t/{hall.slug}/congress/sessions/{session_id}/checkins"
    page = await clerk.get(url)
    assert page.status_code == 200 and page.text.count('hx-post="') == 3
    token = await form_token(clerk, url)
    row = await clerk.post(f"{url}/{hall.deputies[1]}", headers={"HX-Request": "true", "X-CSRF-Token": token})
    assert row.status_code == 200
    assert row.text.lstrip().startswith(f'<tr id="deputy-{hall.deputies[1]}"') and "<html" not in row.text
    assert f"d1-{hall.slug}" in row.text and 'class="is-present"' in row.text
    again = await clerk.post(f"{url}/{hall.deputies[1]}", data={"_csrf_token": token})
    assert again.status_code == 303, "without htmx, back to the list; a repeat is harmless"
    attendance = (
        await api.client.get(f"{hall.base}/sessions/{session_id}/attendance", headers=await hall.clerk())
    ).json()
    assert attendance["present"] == 1
    searched = await clerk.get(url, params={"q": "代表002"})
    assert searched.text.count('hx-post="') == 1
    unknown = await clerk.post(f"{url}/{uuid.uuid4()}", data={"_csrf_token": token})
    assert unknown.status_code == 404


async def test_the_qr_code_checks_a_signed_in_deputy_in_only_while_fresh(api: Api, hall) -> None:
    await hall.add_deputies(2)
    session_id = await hall.new_session()
    code = (await api.client.get(f"{hall.base}/sessions/{session_id}/checkin-code", headers=await hall.clerk())).json()
    path = f"/t/{hall.slug}/check-in/{session_id}?code={code['code']}"
    visitor = await api.browser().get(path, headers=HTML)
    assert (
        visitor.status_code == 303
        and "next=" in visitor.headers["location"]
        and code["code"] in visitor.headers["location"]
    )
    deputy = await deputy_browser(hall, 0)
    stale = await deputy.get(f"/t/{hall.slug}/check-in/{session_id}?code=1-abcdef123456")
    assert stale.status_code == 403
    assert (await api.client.get(f"{hall.base}/sessions/{session_id}/attendance", headers=await hall.clerk())).json()[
        "present"
    ] == 0
    checked = await deputy.get(path)
    assert checked.status_code == 200 and "代表000" in checked.text
    again = await deputy.get(path)
    assert again.status_code == 200
    assert (await api.client.get(f"{hall.base}/sessions/{session_id}/attendance", headers=await hall.clerk())).json()[
        "present"
    ] == 1
    qr = await (await clerk_browser(hall)).get(f"/t/{hall.slug}/congress/sessions/{session_id}/qr")
    assert qr.status_code == 200 and "<svg" in qr.text and 'hx-trigger="every 30s"' in qr.text
    # Until a vote opens, the big screen shows the QR code too (to tenant admins' screens only).
    screen = await (await clerk_browser(hall)).get(f"/t/{hall.slug}/congress/sessions/{session_id}/screen")
    assert screen.status_code == 200 and 'data-figure="qr"' in screen.text and "<svg" in screen.text
    await hall.add_member(f"presidium-{hall.slug}", ["presidium"])
    presidium = await signed_in(hall, f"presidium-{hall.slug}")
    figures_only = await presidium.get(f"/t/{hall.slug}/congress/sessions/{session_id}/screen")
    assert figures_only.status_code == 200 and 'data-figure="qr"' not in figures_only.text


async def test_opening_and_closing_ask_first_and_show_the_refusal(api: Api, hall) -> None:
    await hall.add_deputies(3)
    projects = await hall.add_projects(3)
    session_id = await hall.new_session()
    created = await hall.new_round(session_id, projects, 2, "approve_up_to_seats")
    round_id = created.json()["id"]
    clerk = await clerk_browser(hall)
    confirm_url = f"/t/{hall.slug}/congress/rounds/{round_id}/open"
    confirm = await clerk.get(confirm_url)
    assert confirm.status_code == 200 and 'class="warning"' in confirm.text
    assert (await api.client.get(f"{hall.base}/rounds/{round_id}", headers=await hall.clerk())).json()[
        "status"
    ] == "draft"
    token = await form_token(clerk, confirm_url)
    refused = await clerk.post(confirm_url, data={"_csrf_token": token})
    assert refused.status_code == 409 and 'role="alert"' in refused.text
    await hall.check_in(session_id, hall.deputies)
    opened = await clerk.post(confirm_url, data={"_csrf_token": token})
    assert opened.status_code == 303
    assert (await api.client.get(f"{hall.base}/rounds/{round_id}", headers=await hall.clerk())).json()[
        "status"
    ] == "open"
    desk = await clerk.get(f"/t/{hall.slug}/congress/sessions/{session_id}")
    assert f"/congress/rounds/{round_id}/close" in desk.text
    closed = await clerk.post(f"/t/{hall.slug}/congress/rounds/{round_id}/close", data={"_csrf_token": token})
    assert closed.status_code == 303
    result = await api.client.get(f"{hall.base}/rounds/{round_id}/result", headers=await hall.clerk())
    assert result.status_code == 200


async def test_a_deputy_votes_on_the_phone_confirms_and_gets_the_receipt_once(api: Api, hall) -> None:
    await hall.add_deputies(3)
    projects = await hall.add_projects(3)
    round_id = await hall.open_round(projects, 2, "yes_no_abstain", title=XSS)
    phone = await deputy_browser(hall, 0)
    listing = await phone.get(f"/t/{hall.slug}/vote")
    assert f"/t/{hall.slug}/vote/{round_id}" in listing.text and XSS not in listing.text
    url = f"/t/{hall.slug}/vote/{round_id}"
    form = await phone.get(url)
    assert form.status_code == 200 and form.text.count('type="radio"') == 9
    token = await form_token(phone, url)
    marks = {f"choice-{pid}": choice for pid, choice in zip(projects, ("yes", "no", "abstain"), strict=True)}
    incomplete = await phone.post(url, data={f"choice-{projects[0]}": "yes", "_csrf_token": token})
    assert incomplete.status_code == 422
    review = await phone.post(url, data={**marks, "_csrf_token": token})
    assert review.status_code == 200 and 'name="confirm"' in review.text
    clerk_view = (await api.client.get(f"{hall.base}/rounds/{round_id}", headers=await hall.clerk())).json()
    assert clerk_view["ballots_received"] == 0, "reviewing casts nothing"
    cast = await phone.post(url, data={**marks, "confirm": "1", "_csrf_token": token})
    assert cast.status_code == 200
    receipt = re.search(r'data-receipt="([^"]+)"', cast.text)
    assert receipt
    assert cast.headers["cache-control"] == "no-store" and review.headers["cache-control"] == "no-store"
    other = await hall.vote(round_id, 1, {"choices": {str(p): "yes" for p in projects}})
    assert other.status_code == 201
    second = await phone.post(url, data={**marks, "confirm": "1", "_csrf_token": token})
    assert second.status_code == 409 and 'role="alert"' in second.text
    assert other.json()["receipt"] not in second.text and "ballots_received" not in second.text
    assert (await phone.get(url)).status_code == 200  # the page says the deputy has voted, without a form
    assert 'type="radio"' not in (await phone.get(url)).text
    assert (await hall.close(round_id)).status_code == 200
    result = (await api.client.get(f"{hall.base}/rounds/{round_id}/result", headers=await hall.clerk())).json()
    assert receipt.group(1) in result["receipts"]


async def test_an_approval_ballot_with_too_many_marks_is_refused_before_confirmation(api: Api, hall) -> None:
    await hall.add_deputies(2)
    projects = await hall.add_projects(3)
    round_id = await hall.open_round(projects, 2, "approve_up_to_seats")
    phone = await deputy_browser(hall, 0)
    url = f"/t/{hall.slug}/vote/{round_id}"
    token = await form_token(phone, url)
    too_many = await phone.post(url, data={"selected": [str(p) for p in projects], "_csrf_token": token})
    assert too_many.status_code == 422 and 'role="alert"' in too_many.text
    assert 'name="confirm"' not in too_many.text


async def test_a_plugin_ranking_format_is_drawn_as_ranks_and_cast_in_rank_order(api: Api, hall) -> None:
    enabled = await api.client.patch(
        f"/api/v1/admin/tenants/{hall.slug}", json={"plugins": ["zhejiang"]}, headers=await api.operator()
    )
    assert enabled.status_code == 200, enabled.text
    await hall.add_deputies(2)
    projects = await hall.add_projects(3)
    round_id = await hall.open_round(projects, 2, "priority_ranking")
    phone = await deputy_browser(hall, 0)
    url = f"/t/{hall.slug}/vote/{round_id}"
    form = await phone.get(url)
    assert form.status_code == 200 and form.text.count("<select") == 3 and 'type="checkbox"' not in form.text
    token = await form_token(phone, url)
    ranks = {f"rank-{projects[2]}": "1", f"rank-{projects[0]}": "2", f"rank-{projects[1]}": ""}
    repeated = await phone.post(url, data={**ranks, f"rank-{projects[1]}": "1", "_csrf_token": token})
    assert repeated.status_code == 422
    cast = await phone.post(url, data={**ranks, "confirm": "1", "_csrf_token": token})
    assert cast.status_code == 200 and "data-receipt" in cast.text
    assert (await hall.close(round_id)).status_code == 200
    export = (await api.client.get(f"{hall.base}/rounds/{round_id}/export", headers=await hall.clerk())).json()
    assert [b["content"] for b in export["ballots"]] == [[str(projects[2]), str(projects[0])]]


async def test_a_tie_offers_the_runoff_after_confirmation(api: Api, hall) -> None:
    await hall.add_deputies(3)
    projects = await hall.add_projects(3)
    round_id = await hall.open_round(projects, 2, "approve_up_to_seats")
    for deputy, pair in enumerate(((0, 1), (0, 2), (1, 2))):
        voted = await hall.vote(round_id, deputy, {"selected": [str(projects[i]) for i in pair]})
        assert voted.status_code == 201
    closed = await hall.close(round_id)
    assert closed.json()["status"] == "runoff_required", closed.text
    clerk = await clerk_browser(hall)
    session_id = (
        closed
        and (await api.client.get(f"{hall.base}/rounds/{round_id}", headers=await hall.clerk())).json()["session_id"]
    )
    desk = await clerk.get(f"/t/{hall.slug}/congress/sessions/{session_id}")
    step = f"/t/{hall.slug}/congress/rounds/{round_id}/runoff"
    assert step in desk.text
    token = await form_token(clerk, step)
    started = await clerk.post(step, data={"_csrf_token": token})
    assert started.status_code == 303
    listed = await api.client.get(f"{hall.base}/sessions/{session_id}/rounds", headers=hall.deputy_headers[0])
    assert listed.status_code == 200
    runoff = listed.json()["items"][-1]
    assert (runoff["runoff_of"], runoff["status"], listed.json()["total"]) == (round_id, "draft", 2)
    assert step not in (await clerk.get(f"/t/{hall.slug}/congress/sessions/{session_id}")).text, "one runoff only"
    again = await clerk.post(step, data={"_csrf_token": token})
    assert again.status_code == 409
