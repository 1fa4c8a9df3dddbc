"""Roster, sessions, check-in and attendance (platform/docs/api.md: roster, session, check-in)."""

from __future__ import annotations

from minsheng.testing import Api


async def test_a_deputy_is_added_with_a_linked_account_and_found_by_search(api: Api, hall) -> None:
    await api.add_member(hall.slug, f"wang-{hall.slug}", ["deputy"])
    clerk = await hall.clerk()
    linked = await api.client.post(
        f"{hall.base}/deputies", json={"name": "王代表", "username": f"wang-{hall.slug}"}, headers=clerk
    )
    assert linked.status_code == 201, linked.text
    plain = await api.client.post(f"{hall.base}/deputies", json={"name": "李代表"}, headers=clerk)
    assert plain.status_code == 201
    again = await api.client.post(
        f"{hall.base}/deputies", json={"name": "王二", "username": f"wang-{hall.slug}"}, headers=clerk
    )
    assert again.status_code == 409
    listing = (await api.client.get(f"{hall.base}/deputies?q=王", headers=clerk)).json()
    assert listing["total"] == 1
    assert listing["items"][0] == {
        "id": linked.json()["id"],
        "name": "王代表",
        "username": f"wang-{hall.slug}",
        "active": True,
    }
    page = (await api.client.get(f"{hall.base}/deputies?per_page=1&page=2", headers=clerk)).json()
    assert page["total"] == 2 and len(page["items"]) == 1


async def test_a_deputy_account_must_be_a_member_with_the_deputy_role(api: Api, hall) -> None:
    await api.add_member(hall.slug, f"gov-{hall.slug}", ["government"])
    clerk = {**await hall.clerk(), "Accept-Language": "en"}
    for username in (f"gov-{hall.slug}", "nobody-here"):
        response = await api.client.post(
            f"{hall.base}/deputies", json={"name": "x", "username": username}, headers=clerk
        )
        assert response.status_code == 422
        assert username in response.json()["detail"]
    teller = await hall.teller()
    assert (await api.client.post(f"{hall.base}/deputies", json={"name": "x"}, headers=teller)).status_code == 403


async def test_sessions_are_created_listed_and_read(api: Api, hall) -> None:
    clerk = await hall.clerk()
    session_id = await hall.new_session()
    listing = (await api.client.get(f"{hall.base}/sessions", headers=clerk)).json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == session_id
    one = (await api.client.get(f"{hall.base}/sessions/{session_id}", headers=clerk)).json()
    assert one["title"] == "第一次会议" and one["date"] == "2026-01-10"
    missing = await api.client.get(f"{hall.base}/sessions/{'0' * 8}-0000-0000-0000-{'0' * 12}", headers=clerk)
    assert missing.status_code == 404


async def test_check_in_is_idempotent_and_attendance_follows_the_quorum_rule(api: Api, hall) -> None:
    await hall.add_deputies(3)
    session_id = await hall.new_session()
    clerk = await hall.clerk()
    url = f"{hall.base}/sessions/{session_id}/checkins"
    first = await api.client.post(url, json={"deputy_id": str(hall.deputies[0])}, headers=clerk)
    assert first.status_code == 201, first.text
    assert first.json()["already"] is False
    second = await api.client.post(url, json={"deputy_id": str(hall.deputies[0])}, headers=clerk)
    assert second.status_code == 200
    assert second.json()["already"] is True
    attendance = (await api.client.get(f"{hall.base}/sessions/{session_id}/attendance", headers=clerk)).json()
    assert attendance == {"entitled": 3, "present": 1, "quorum_met": False, "required": 2}
    # A deputy checks themself in (QR code on the phone) but nobody else.
    code = (await api.client.get(f"{hall.base}/sessions/{session_id}/checkin-code", headers=clerk)).json()["code"]
    own = await api.client.post(url, json={"code": code}, headers=hall.deputy_headers[1])
    assert own.status_code == 201
    assert own.json()["deputy_id"] == str(hall.deputies[1])
    other = await api.client.post(url, json={"deputy_id": str(hall.deputies[2])}, headers=hall.deputy_headers[1])
    assert other.status_code == 403
    attendance = (await api.client.get(f"{hall.base}/sessions/{session_id}/attendance", headers=clerk)).json()
    assert attendance == {"entitled": 3, "present": 2, "quorum_met": True, "required": 2}


async def test_another_tenants_deputy_and_session_are_not_found(api: Api, hall, another_hall) -> None:
    await hall.add_deputies(1)
    other = await another_hall(1)
    session_id = await hall.new_session()
    clerk = await hall.clerk()
    foreign = await api.client.post(
        f"{hall.base}/sessions/{session_id}/checkins", json={"deputy_id": str(other.deputies[0])}, headers=clerk
    )
    assert foreign.status_code == 404
    # A deputy of the other tenant is not a member here: 404 as if the tenant did not exist.
    stranger = await api.client.get(f"{hall.base}/sessions/{session_id}", headers=other.deputy_headers[0])
    assert stranger.status_code == 404
    assert (await api.client.get(f"{other.base}/sessions/{session_id}", headers=await other.clerk())).status_code == 404
    roster = (await api.client.get(f"{hall.base}/deputies", headers=clerk)).json()
    assert roster["total"] == 1
