"""Voting rounds: the margin rule, candidates from the year's fixed list, ballot formats, the quorum and
the adopted voting method at opening, withdrawing a round created by mistake."""

from __future__ import annotations

import uuid

import pytest

from minsheng.projects.models import Project
from minsheng.testing import Api


@pytest.mark.parametrize(("candidates", "accepted"), [(11, False), (12, True), (15, True), (16, False)])
async def test_ten_seats_take_twelve_to_fifteen_candidates(api: Api, hall, candidates: int, accepted: bool) -> None:
    """The default margin rule through the API."""
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


async def test_candidates_come_from_the_fixed_list_of_the_year_the_session_decides(
    api: Api, hall, another_hall
) -> None:
    """A screened-in project that is not on the session year's fixed list is refused (422
    naming it), as is anything else that is not on the list; the list's projects make a round."""
    listed = await hall.add_projects(2)
    screened_unlisted = await hall.add_projects(1, listed=False)
    pooled = await hall.add_projects(1, status="pool")
    other = await another_hall()
    foreign = await other.add_projects(1)
    session_id = await hall.new_session()
    assert (await hall.new_round(session_id, listed, 1, "approve_up_to_seats")).status_code == 201
    for stranger in (screened_unlisted[0], pooled[0], foreign[0], uuid.uuid4()):
        response = await hall.new_round(session_id, [*listed, stranger], 2, "approve_up_to_seats")
        assert response.status_code == 422, response.text
        assert response.json()["rule"] == "candidate_list"
        assert str(stranger) in response.json()["detail"] and "2026" in response.json()["detail"]
    refused = await hall.new_round(session_id, [*listed, screened_unlisted[0]], 2, "approve_up_to_seats")
    assert "«项目0»" in refused.json()["detail"], "the project is named by its title too"
    twice = await hall.new_round(session_id, [listed[0], listed[0]], 1, "approve_up_to_seats")
    assert twice.status_code == 422

    # A session deciding 2027 finds no fixed list of 2027: nothing of 2026's list is put to its vote.
    later = await api.client.post(
        f"{hall.base}/sessions",
        json={"title": "第二次会议", "date": "2026-12-20", "year": 2027},
        headers=await hall.clerk(),
    )
    assert (
        later.status_code == 201
        and (await api.client.get(f"{hall.base}/sessions/{later.json()['id']}", headers=await hall.clerk())).json()[
            "year"
        ]
        == 2027
    )
    next_year = await hall.new_round(later.json()["id"], listed, 1, "approve_up_to_seats")
    assert next_year.status_code == 422 and next_year.json()["rule"] == "candidate_list"


async def test_a_listed_project_screened_out_since_is_not_put_to_the_vote(api: Api, hall) -> None:
    listed = await hall.add_projects(3)
    with hall.scope():
        async with api.services.database.session() as session:
            project = await session.get(Project, (hall.tenant_id, listed[2]))
            assert project is not None
            project.status = "rejected"
    session_id = await hall.new_session()
    refused = await hall.new_round(session_id, listed, 2, "approve_up_to_seats")
    assert refused.status_code == 422 and refused.json()["rule"] == "screening"
    assert str(listed[2]) in refused.json()["detail"]


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
    """30 deputies; 19 present is refused, exactly 20 (two thirds) opens the round."""
    await hall.add_deputies(30)
    projects = await hall.add_projects(2)
    session_id = await hall.new_session()
    await hall.check_in(session_id, hall.deputies[:19])
    round_id = (await hall.new_round(session_id, projects, 1, "approve_up_to_seats")).json()["id"]
    presidium = {**await hall.presidium(), "Accept-Language": "en"}
    refused = await api.client.post(f"{hall.base}/rounds/{round_id}/open", headers=presidium)
    assert refused.status_code == 409
    assert refused.json()["detail"] == "19 of 30 deputies present, fewer than the 20 required"
    assert refused.json()["rule"] == "quorum_rule"
    await hall.check_in(session_id, hall.deputies[19:20])
    opened = await api.client.post(f"{hall.base}/rounds/{round_id}/open", headers=presidium)
    assert opened.status_code == 200, opened.text
    assert opened.json()["status"] == "open"
    again = await api.client.post(f"{hall.base}/rounds/{round_id}/open", headers=presidium)
    assert again.status_code == 409
