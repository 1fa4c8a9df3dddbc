"""Voting rounds: the margin rule, screened-in candidates, ballot formats, the quorum at opening."""

from __future__ import annotations

import uuid

import pytest

from minsheng.testing import Api


@pytest.mark.parametrize(("candidates", "accepted"), [(11, False), (12, True), (15, True), (16, False)])
async def test_ten_seats_take_twelve_to_fifteen_candidates(api: Api, hall, candidates: int, accepted: bool) -> None:
    """Must show 1: the default margin rule through the API."""
    projects = await hall.add_projects(candidates)
    session_id = await hall.new_session()
    response = await hall.new_round(session_id, projects, 10, "approve_up_to_seats")
    if accepted:
        assert response.status_code == 201, response.text
        round_id = response.json()["id"]
        shown = (await api.client.get(f"{hall.base}/rounds/{round_id}", headers=await hall.clerk())).json()
        assert shown["status"] == "draft"
        assert shown["candidates"] == [str(p) for p in projects]
    else:
        assert response.status_code == 422
        problem = response.json()
        assert problem["rule"] == "margin_rule"
        assert "margin" in problem["detail"]


async def test_the_margin_rules_reason_is_translated(api: Api, hall) -> None:
    projects = await hall.add_projects(11)
    session_id = await hall.new_session()
    response = await api.client.post(
        f"{hall.base}/sessions/{session_id}/rounds",
        json={"title": "t", "seats": 10, "candidates": [str(p) for p in projects], "ballot_format": "yes_no_abstain"},
        headers=await hall.clerk(),
    )
    assert response.status_code == 422
    assert response.json()["detail"] != "margin 1 is below the required minimum of 2"


async def test_a_candidate_must_be_a_screened_in_project_of_the_tenant(api: Api, hall, another_hall) -> None:
    accepted = await hall.add_projects(2)
    pooled = await hall.add_projects(1, status="pool")
    other = await another_hall()
    foreign = await other.add_projects(1)
    session_id = await hall.new_session()
    for stranger in (pooled[0], foreign[0], uuid.uuid4()):
        response = await hall.new_round(session_id, [*accepted, stranger], 1, "approve_up_to_seats")
        assert response.status_code == 422
        assert response.json()["rule"] == "screening"
        assert str(stranger) in response.json()["detail"]
    twice = await hall.new_round(session_id, [accepted[0], accepted[0]], 1, "approve_up_to_seats")
    assert twice.status_code == 422


async def test_an_unknown_ballot_format_is_refused(api: Api, hall) -> None:
    projects = await hall.add_projects(2)
    session_id = await hall.new_session()
    response = await hall.new_round(session_id, projects, 1, "rank_by_urgency")
    assert response.status_code == 422
    assert "rank_by_urgency" in response.json()["detail"]


async def test_only_staff_and_presidium_create_rounds(api: Api, hall) -> None:
    await hall.add_deputies(1)
    projects = await hall.add_projects(2)
    session_id = await hall.new_session()
    response = await api.client.post(
        f"{hall.base}/sessions/{session_id}/rounds",
        json={"title": "t", "seats": 1, "candidates": [str(p) for p in projects], "ballot_format": "yes_no_abstain"},
        headers=hall.deputy_headers[0],
    )
    assert response.status_code == 403


async def test_opening_needs_two_thirds_present_and_happens_once(api: Api, hall) -> None:
    """Must show 2: 30 deputies; 19 present is refused, exactly 20 (two thirds) opens the round."""
    await hall.add_deputies(30)
    projects = await hall.add_projects(2)
    session_id = await hall.new_session()
    await hall.check_in(session_id, hall.deputies[:19])
    round_id = (await hall.new_round(session_id, projects, 1, "approve_up_to_seats")).json()["id"]
    clerk = {**await hall.clerk(), "Accept-Language": "en"}
    refused = await api.client.post(f"{hall.base}/rounds/{round_id}/open", headers=clerk)
    assert refused.status_code == 409
    assert refused.json()["detail"] == "19 of 30 deputies present, fewer than the 20 required"
    assert refused.json()["rule"] == "quorum_rule"
    await hall.check_in(session_id, hall.deputies[19:20])
    opened = await api.client.post(f"{hall.base}/rounds/{round_id}/open", headers=clerk)
    assert opened.status_code == 200, opened.text
    assert opened.json()["status"] == "open"
    again = await api.client.post(f"{hall.base}/rounds/{round_id}/open", headers=clerk)
    assert again.status_code == 409
