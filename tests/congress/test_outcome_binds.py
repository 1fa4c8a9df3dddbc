"""The outcome of the vote binds: a project the congress chose changes only through an approved adjustment
(decided by the presidium of a township), never by a direct edit or a new screening; every change of a
project keeps its old and new values in the audit chain."""

from __future__ import annotations

from typing import Any

from congress.conftest import open_township_hall

from minsheng.collection.rules import china_day
from minsheng.db.base import utcnow
from minsheng.testing import Api


async def _audit(api: Api, hall: Any, action: str) -> list[dict[str, Any]]:
    events = await api.client.get(f"{hall.base}/audit?action={action}", headers=await hall.clerk())
    assert events.status_code == 200, events.text
    return list(events.json()["items"])


async def _adjustment(api: Api, hall: Any, project: Any, kind: str = "amend", decision: str = "approved") -> str:
    gov = await api.headers(f"gov-{hall.slug}")
    proposed = await api.client.post(
        f"{hall.base}/projects/{project}/adjustments",
        json={"kind": kind, "reason": "地质条件变化，需增加投资", "proposal": "投资额调整为200万元"},
        headers=gov,
    )
    assert proposed.status_code == 201, proposed.text
    decided = await api.client.post(
        f"{hall.base}/adjustments/{proposed.json()['id']}/decision",
        json={
            "decision": decision,
            "meeting_name": "镇人大主席团第五次会议",
            "meeting_date": china_day(utcnow()).isoformat(),
            "notes": "镇人大主席团第五次会议决定",
        },
        headers=await hall.presidium(),
    )
    assert decided.status_code == 200, decided.text
    return str(proposed.json()["id"])


async def test_a_chosen_project_changes_only_through_an_approved_adjustment(api: Api) -> None:
    """A chosen project's direct edit (and its re-screening) is 409; the adjustment path
    changes it, with the old and new values in the audit chain."""
    hall = await open_township_hall(api, deputies=3)
    chosen, other, lost = await hall.add_projects(3)
    round_id = await hall.open_round([chosen, other, lost], 2)
    for deputy in range(3):
        assert (await hall.vote(round_id, deputy, {"selected": [str(chosen), str(other)]})).status_code == 201
    assert (await hall.close(round_id)).json()["status"] == "decided"
    clerk = {**await hall.clerk(), "Accept-Language": "en"}
    url = f"{hall.base}/projects/{chosen}"

    direct = await api.client.patch(url, json={"budget": 2000000, "title": "新标题"}, headers=clerk)
    assert direct.status_code == 409 and direct.json()["rule"] == "outcome_binds", direct.text
    rescreened = await api.client.post(
        f"{url}/screening", json={"decision": "rejected"}, headers=await api.headers(f"gov-{hall.slug}")
    )
    assert rescreened.status_code == 409
    unchanged = await api.client.patch(url, json={"title": "项目0"}, headers=clerk)
    assert unchanged.status_code == 200, "saving the same values changes nothing and is allowed"

    rejected = await _adjustment(api, hall, chosen, decision="rejected")
    refused = await api.client.patch(url, json={"budget": 2000000, "adjustment_id": rejected}, headers=clerk)
    assert refused.status_code == 409, "a rejected proposal changes nothing"
    elsewhere = await _adjustment(api, hall, other)
    refused = await api.client.patch(url, json={"budget": 2000000, "adjustment_id": elsewhere}, headers=clerk)
    assert refused.status_code == 409, "an adjustment of another project does not change this one"

    approved = await _adjustment(api, hall, chosen)
    amended = await api.client.patch(url, json={"budget": 2000000, "adjustment_id": approved}, headers=clerk)
    assert amended.status_code == 200, amended.text
    assert amended.json()["budget"] == 2000000
    again = await api.client.patch(url, json={"budget": 2500000, "adjustment_id": approved}, headers=clerk)
    assert again.status_code == 409, "one adjustment changes the project once"
    (event,) = await _audit(api, hall, "project.amended")
    assert event["subject"] == str(chosen)
    assert event["payload"]["changes"] == {"budget": {"old": None, "new": "2000000.00"}}
    assert event["payload"]["adjustment"] == approved
    assert event["payload"]["decision_notes"] == "镇人大主席团第五次会议决定"

    not_chosen = await api.client.patch(
        f"{hall.base}/projects/{lost}", json={"adjustment_id": approved, "budget": 1}, headers=clerk
    )
    assert not_chosen.status_code == 422, "only a chosen project is changed through an adjustment"


async def test_every_change_of_a_project_keeps_the_old_and_new_values(api: Api, hall) -> None:
    (project,) = await hall.add_projects(1, status="pool")
    url = f"{hall.base}/projects/{project}"
    changed = await api.client.patch(
        url, json={"title": "村道硬化", "budget": 1200.5, "deadline": "2026-10-01"}, headers=await hall.clerk()
    )
    assert changed.status_code == 200, changed.text
    (event,) = await _audit(api, hall, "project.updated")
    assert event["payload"]["changes"] == {
        "budget": {"old": None, "new": "1200.50"},
        "deadline": {"old": None, "new": "2026-10-01"},
        "title": {"old": "项目0", "new": "村道硬化"},
    }


async def test_a_projects_year_follows_the_collection_and_stays_once_its_list_is_fixed(api: Api, hall) -> None:
    """实施年度: staff state the year the collection is for; new projects are carried out in it; a
    project's year changes until it is on a fixed list; a list takes only its own year's projects."""
    clerk = await hall.clerk()
    assert (await api.client.put(f"{hall.base}/collection-year", json={"year": 2027}, headers=clerk)).status_code == 200
    assert (await api.client.get(f"{hall.base}/collection-year", headers=clerk)).json() == {"year": 2027}
    refused = await api.client.put(f"{hall.base}/collection-year", json={"year": 2027}, headers=await hall.presidium())
    assert refused.status_code == 403
    made = await api.client.post(
        f"{hall.base}/projects", json={"title": "卫生室", "content": "新建卫生室", "category": "health"}, headers=clerk
    )
    assert made.status_code == 201 and made.json()["year"] == 2027
    explicit = await api.client.post(
        f"{hall.base}/projects",
        json={"title": "路灯", "content": "安装路灯", "category": "utilities", "year": 2028},
        headers=clerk,
    )
    assert explicit.json()["year"] == 2028

    listed, unlisted = await hall.add_projects(2)
    moved = await api.client.patch(f"{hall.base}/projects/{unlisted}", json={"year": 2027}, headers=clerk)
    assert moved.status_code == 409, "on 2026's fixed list"
    (pool,) = await hall.add_projects(1, listed=False)
    assert (await api.client.patch(f"{hall.base}/projects/{pool}", json={"year": 2027}, headers=clerk)).json()[
        "year"
    ] == 2027
    lists = f"{hall.base}/candidate-lists/2027"
    other_year = await api.client.put(
        lists, json={"planned_seats": 1, "project_ids": [str(pool), str(listed)]}, headers=clerk
    )
    assert other_year.status_code == 422 and other_year.json()["errors"][0]["key"] == "project_ids[1]"
    own_year = await api.client.put(lists, json={"planned_seats": 1, "project_ids": [str(pool)]}, headers=clerk)
    assert own_year.status_code == 200, own_year.text
    # A draft does not hold a project's year; fixing the list checks it again (the standing committee fixes).
    assert (await api.client.patch(f"{hall.base}/projects/{pool}", json={"year": 2028}, headers=clerk)).json()[
        "year"
    ] == 2028
    committee = await hall.add_member(f"committee-{hall.slug}", ["standing_committee"])
    aged = await api.client.post(f"{lists}/fix", headers=committee)
    assert aged.status_code == 422 and aged.json()["errors"][0]["key"] == "project_ids[0]", aged.text
