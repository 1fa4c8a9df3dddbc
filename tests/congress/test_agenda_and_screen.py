"""The session's agenda, the hall's check-in code and the big screen's JSON."""

from __future__ import annotations

from typing import Any

from minsheng.testing import Api


async def test_the_agenda_is_replaced_as_a_list_and_read_in_order(api: Api, hall) -> None:
    await hall.add_deputies(1)
    session_id = await hall.new_session()
    url = f"{hall.base}/sessions/{session_id}/agenda"
    clerk = await hall.clerk()
    items = [
        {"title": "政府关于民生实事项目征集情况的报告", "presenter": "县政府"},
        {"title": "候选项目的说明"},
        {"title": "<b>票决</b>", "presenter": ""},
    ]
    saved = await api.client.put(url, json={"items": items}, headers=clerk)
    assert saved.status_code == 200, saved.text
    read = await api.client.get(url, headers=hall.deputy_headers[0])  # deputies may read it
    assert read.status_code == 200
    assert [(i["position"], i["title"], i["presenter"]) for i in read.json()["items"]] == [
        (1, "政府关于民生实事项目征集情况的报告", "县政府"),
        (2, "候选项目的说明", ""),
        (3, "<b>票决</b>", ""),
    ]
    shorter = await api.client.put(url, json={"items": [{"title": "  只有一项  "}]}, headers=clerk)
    assert [i["title"] for i in shorter.json()["items"]] == ["只有一项"]


async def test_a_bad_agenda_item_is_named_and_nothing_changes(api: Api, hall) -> None:
    await hall.add_deputies(1)
    session_id = await hall.new_session()
    url = f"{hall.base}/sessions/{session_id}/agenda"
    clerk = {**await hall.clerk(), "Accept-Language": "en"}
    await api.client.put(url, json={"items": [{"title": "第一项"}]}, headers=clerk)
    bad = await api.client.put(
        url, json={"items": [{"title": "好"}, {"title": "  "}, {"title": "x" * 201}]}, headers=clerk
    )
    assert bad.status_code == 422
    assert [(e["row"], e["key"]) for e in bad.json()["errors"]] == [(1, "title"), (2, "title")]
    assert [i["title"] for i in (await api.client.get(url, headers=clerk)).json()["items"]] == ["第一项"]
    too_many = await api.client.put(url, json={"items": [{"title": f"{n}"} for n in range(51)]}, headers=clerk)
    assert too_many.status_code == 422
    denied = await api.client.put(url, json={"items": []}, headers=hall.deputy_headers[0])
    assert denied.status_code == 403


async def test_a_deputy_checks_in_only_with_a_fresh_code_of_that_session(api: Api, hall) -> None:
    await hall.add_deputies(2)
    session_id, other_session = await hall.new_session(), await hall.new_session()
    clerk = await hall.clerk()
    code = await api.client.get(f"{hall.base}/sessions/{session_id}/checkin-code", headers=clerk)
    assert code.status_code == 200
    assert code.json()["url"].endswith(f"/t/{hall.slug}/check-in/{session_id}?code={code.json()['code']}")
    url = f"{hall.base}/sessions/{session_id}/checkins"
    real = code.json()["code"]
    altered = real[:-1] + ("1" if real[-1] == "0" else "0")  # one character off, never the real code
    for refused in ({}, {"code": "zz-123"}, {"code": altered}):
        answer = await api.client.post(url, json=refused, headers=hall.deputy_headers[0])
        assert answer.status_code == 403, refused
    elsewhere = await api.client.post(
        f"{hall.base}/sessions/{other_session}/checkins",
        json={"code": code.json()["code"]},
        headers=hall.deputy_headers[0],
    )
    assert elsewhere.status_code == 403, "a code checks in to its own session only"
    ok = await api.client.post(url, json={"code": code.json()["code"]}, headers=hall.deputy_headers[0])
    assert ok.status_code == 201
    denied = await api.client.get(f"{hall.base}/sessions/{session_id}/checkin-code", headers=hall.deputy_headers[0])
    assert denied.status_code == 403, "the code is for the hall's screen, not for deputies"


async def screen(api: Api, hall: Any, session_id: str) -> dict[str, Any]:
    answer = await api.client.get(f"{hall.base}/sessions/{session_id}/screen", headers=await hall.clerk())
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def test_the_screen_shows_attendance_ballots_received_then_the_result(api: Api, hall) -> None:
    await hall.add_deputies(3)
    projects = await hall.add_projects(3)
    round_id = await hall.open_round(projects, 2, "approve_up_to_seats")
    voting_round = (await api.client.get(f"{hall.base}/rounds/{round_id}", headers=await hall.clerk())).json()
    session_id = voting_round["session_id"]
    before = await screen(api, hall, session_id)
    assert (before["entitled"], before["present"], before["quorum_met"]) == (3, 3, True)
    assert before["round"]["status"] == "open" and before["round"]["ballots_received"] == 0
    assert before["round"]["result"] is None
    for deputy in range(3):
        voted = await hall.vote(round_id, deputy, {"selected": [str(projects[0]), str(projects[1])]})
        assert voted.status_code == 201
    during = await screen(api, hall, session_id)
    assert during["round"]["ballots_received"] == 3
    assert (await hall.close(round_id)).status_code == 200
    after = await screen(api, hall, session_id)
    result = after["round"]["result"]
    assert result["status"] == "decided"
    assert [(c["title"], c["yes"], c["chosen"]) for c in result["candidates"]][:2] == [
        ("项目0", 3, True),
        ("项目1", 3, True),
    ]
    text = str(after)
    assert not any(str(d) in text for d in hall.deputies), "the screen names no deputy"


async def test_the_screen_is_for_staff_of_the_tenant(api: Api, hall, another_hall) -> None:
    await hall.add_deputies(1)
    session_id = await hall.new_session()
    other = await another_hall()
    url = f"{hall.base}/sessions/{session_id}/screen"
    assert (await api.client.get(url, headers=hall.deputy_headers[0])).status_code == 403
    assert (await api.client.get(url, headers=await other.clerk())).status_code == 404
    assert (await api.client.get(url + "/events", headers=await other.clerk())).status_code == 404
    assert (await api.client.get(url + "/events")).status_code == 401


async def test_the_stream_reads_each_change_from_the_database_under_the_tenant(api: Api, hall) -> None:
    """The stream's own transactions (one per tick) see the tenant's rows, PostgreSQL's RLS included."""
    import uuid

    import msgspec

    from minsheng.congress.hall import big_screen
    from minsheng.tenancy.context import TenantRef

    await hall.add_deputies(2)
    projects = await hall.add_projects(2)
    round_id = await hall.open_round(projects, 1, "approve_up_to_seats")
    view = (await api.client.get(f"{hall.base}/rounds/{round_id}", headers=await hall.clerk())).json()
    messages = big_screen.screen_messages(
        api.services.database,
        TenantRef(hall.tenant_id, hall.slug),
        uuid.UUID(view["session_id"]),
        "en",
        lambda v: msgspec.json.encode(v).decode(),
        poll_seconds=0.05,
    )
    first = msgspec.json.decode(str((await anext(messages)).data))
    assert (first["present"], first["round"]["ballots_received"]) == (2, 0)
    assert (await hall.vote(round_id, 0, {"selected": [str(projects[0])]})).status_code == 201
    second = msgspec.json.decode(str((await anext(messages)).data))
    assert second["round"]["ballots_received"] == 1
    await messages.aclose()
