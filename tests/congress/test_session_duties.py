"""What the session does before it votes, and who does it (platform/docs/roles.md): it states the year it
decides, adopts its voting method (no round opens before), approves its scrutineers and tellers; a round
created by mistake is withdrawn before it opens; deputies no longer in office neither count nor check in."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from minsheng.congress.models import Deputy
from minsheng.testing import Api


async def _session(api: Api, hall: Any, **fields: Any) -> Any:
    return await api.client.post(
        f"{hall.base}/sessions",
        json={"title": "第二次会议", "date": "2026-12-28", **fields},
        headers=await hall.clerk(),
    )


async def test_a_session_decides_the_year_of_its_date_unless_it_says_otherwise(api: Api, hall) -> None:
    plain = await _session(api, hall)
    shown = (await api.client.get(f"{hall.base}/sessions/{plain.json()['id']}", headers=await hall.clerk())).json()
    assert (shown["year"], shown["voting_method_adopted_at"]) == (2026, None)
    ahead = await _session(api, hall, year=2027)
    assert (await api.client.get(f"{hall.base}/sessions/{ahead.json()['id']}", headers=await hall.clerk())).json()[
        "year"
    ] == 2027
    for year in (1999, 2101):
        assert (await _session(api, hall, year=year)).status_code == 422


async def test_no_round_opens_before_the_session_adopts_its_voting_method(api: Api, hall) -> None:
    await hall.add_deputies(3)
    projects = await hall.add_projects(3)
    session_id = await hall.new_session(adopt=False)
    await hall.check_in(session_id, hall.deputies)
    round_id = (await hall.new_round(session_id, projects, 2, "approve_up_to_seats")).json()["id"]
    presidium = {**await hall.presidium(), "Accept-Language": "en"}
    early = await api.client.post(f"{hall.base}/rounds/{round_id}/open", headers=presidium)
    assert early.status_code == 409 and early.json()["rule"] == "voting_method", early.text
    url = f"{hall.base}/sessions/{session_id}/voting-method"
    for headers in (await hall.clerk(), hall.deputy_headers[0], await hall.teller()):
        assert (await api.client.post(url, headers=headers)).status_code == 403
    adopted = await api.client.post(url, headers=presidium)
    assert adopted.status_code == 200 and adopted.json()["voting_method_adopted_at"]
    assert (await api.client.post(url, headers=presidium)).status_code == 409
    assert (await api.client.post(f"{hall.base}/rounds/{round_id}/open", headers=presidium)).status_code == 200
    events = await api.client.get(f"{hall.base}/audit?action=session.voting_method_adopted", headers=await hall.clerk())
    assert events.json()["total"] == 1 and events.json()["items"][0]["actor"] == f"presidium-{hall.slug}"


async def test_the_presidium_approves_scrutineers_and_tellers_from_the_deputies_and_staff(api: Api, hall) -> None:
    await hall.add_deputies(3)
    session_id = await hall.new_session(adopt=False)
    url = f"{hall.base}/sessions/{session_id}/scrutineers"
    presidium = {**await hall.presidium(), "Accept-Language": "en"}

    async def approve(username: str, role: str, headers: dict[str, str] = presidium) -> Any:
        return await api.client.post(url, json={"username": username, "role": role}, headers=headers)

    assert (await approve(f"d0-{hall.slug}", "scrutineer", await hall.clerk())).status_code == 403
    assert (await approve(f"d0-{hall.slug}", "chief_scrutineer")).status_code == 201
    assert (await approve(f"d1-{hall.slug}", "chief_scrutineer")).status_code == 409, "one chief scrutineer"
    assert (await approve(f"d1-{hall.slug}", "scrutineer")).status_code == 201
    assert (await approve(f"d1-{hall.slug}", "teller")).status_code == 409, "one duty per person"
    assert (await approve(f"teller-{hall.slug}", "teller")).status_code == 201
    stranger = await approve("nobody-here", "teller")
    assert stranger.status_code == 422 and "not a member" in stranger.json()["detail"]
    assert (await approve(f"d2-{hall.slug}", "auditor")).status_code == 422
    with hall.scope():
        async with api.services.database.session() as session:
            await session.execute(update(Deputy).where(Deputy.id == hall.deputies[2]).values(active=False))
    gone = await approve(f"d2-{hall.slug}", "scrutineer")
    assert gone.status_code == 409 and "no longer in office" in gone.json()["detail"]
    listed = (await api.client.get(url, headers=hall.deputy_headers[0])).json()
    assert [(row["username"], row["role"]) for row in listed["items"]] == [
        (f"d0-{hall.slug}", "chief_scrutineer"),
        (f"d1-{hall.slug}", "scrutineer"),
        (f"teller-{hall.slug}", "teller"),
    ]


async def test_a_round_created_by_mistake_is_withdrawn_before_it_opens(api: Api, hall) -> None:
    await hall.add_deputies(3)
    projects = await hall.add_projects(3)
    session_id = await hall.new_session()
    await hall.check_in(session_id, hall.deputies)
    mistaken = (await hall.new_round(session_id, projects[:2], 1, "approve_up_to_seats")).json()["id"]
    for headers in (hall.deputy_headers[0], await hall.teller()):
        assert (await api.client.delete(f"{hall.base}/rounds/{mistaken}", headers=headers)).status_code == 403
    withdrawn = await api.client.delete(f"{hall.base}/rounds/{mistaken}", headers=await hall.clerk())
    assert withdrawn.status_code == 204, withdrawn.text
    assert (await api.client.get(f"{hall.base}/rounds/{mistaken}", headers=await hall.clerk())).status_code == 404
    events = (await api.client.get(f"{hall.base}/audit?action=round.withdrawn", headers=await hall.clerk())).json()[
        "items"
    ]
    assert [(e["subject"], e["payload"]["seats"], e["payload"]["candidates"]) for e in events] == [
        (mistaken, 1, [str(p) for p in projects[:2]])
    ]
    listed = (await api.client.get(f"{hall.base}/sessions/{session_id}/rounds", headers=await hall.clerk())).json()
    assert listed["total"] == 0
    opened = (await hall.new_round(session_id, projects, 2, "approve_up_to_seats")).json()["id"]
    assert (
        await api.client.post(f"{hall.base}/rounds/{opened}/open", headers=await hall.presidium())
    ).status_code == 200
    assert (await api.client.delete(f"{hall.base}/rounds/{opened}", headers=await hall.clerk())).status_code == 409


async def test_deputies_no_longer_in_office_are_not_entitled_and_cannot_check_in_or_vote(api: Api, hall) -> None:
    await hall.add_deputies(4)
    projects = await hall.add_projects(3)
    session_id = await hall.new_session()
    with hall.scope():
        async with api.services.database.session() as session:
            await session.execute(update(Deputy).where(Deputy.id == hall.deputies[3]).values(active=False))
    clerk = {**await hall.clerk(), "Accept-Language": "en"}
    checkins = f"{hall.base}/sessions/{session_id}/checkins"
    refused = await api.client.post(checkins, json={"deputy_id": str(hall.deputies[3])}, headers=clerk)
    assert refused.status_code == 409 and "no longer in office" in refused.json()["detail"]
    for deputy in hall.deputies[:3]:
        assert (await api.client.post(checkins, json={"deputy_id": str(deputy)}, headers=clerk)).status_code == 201
    figures = (await api.client.get(f"{hall.base}/sessions/{session_id}/attendance", headers=clerk)).json()
    assert (figures["entitled"], figures["present"], figures["quorum_met"]) == (3, 3, True)
    round_id = (await hall.new_round(session_id, projects, 2, "approve_up_to_seats")).json()["id"]
    assert (
        await api.client.post(f"{hall.base}/rounds/{round_id}/open", headers=await hall.presidium())
    ).status_code == 200
    assert (await hall.vote(round_id, 3, {"selected": [str(projects[0])]})).status_code == 403
    assert (await hall.vote(round_id, 0, {"selected": [str(projects[0])]})).status_code == 201
