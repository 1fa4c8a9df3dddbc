"""Satisfaction evaluations through the API, on SQLite and PostgreSQL (platform/docs/api.md: satisfaction)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from minsheng.notifications.testing import capture_channel
from minsheng.testing import Api


async def test_with_29_members_15_satisfied_is_satisfied_14_and_1_basically_is_basically_and_14_is_not(
    api: Api, make_office: Any
) -> None:
    """The three outcomes at the boundary of 29 members (more than half is 15)."""
    office = await make_office(deputies=29)
    first, second, third = await office.add_projects(3)

    satisfied = await office.open_evaluation(first)
    await office.rate_many(satisfied, ["satisfied"] * 15 + ["unsatisfied"] * 14)
    body = (await office.close(satisfied)).json()
    assert body["outcome"] == "satisfied"
    assert body["counts"] == {"satisfied": 15, "basically_satisfied": 0, "unsatisfied": 14, "abstain": 0}
    assert body["rectification_required"] is False
    assert body["members"] == 29
    assert body["reason"] == "15 of 29 members are satisfied, more than half"

    basically = await office.open_evaluation(second)
    await office.rate_many(basically, ["satisfied"] * 14 + ["basically_satisfied"])
    body = (await office.close(basically)).json()
    assert (body["outcome"], body["rectification_required"]) == ("basically_satisfied", False)
    assert body["counts"]["satisfied"] == 14 and body["counts"]["basically_satisfied"] == 1
    assert body["rectification_id"] is None and body["reevaluation_id"] is None

    unsatisfied = await office.open_evaluation(third)
    await office.rate_many(unsatisfied, ["satisfied"] * 14 + ["unsatisfied"] * 3 + ["abstain"])
    response = await office.close(unsatisfied)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["outcome"], body["rectification_required"]) == ("unsatisfied", True)
    assert body["counts"] == {"satisfied": 14, "basically_satisfied": 0, "unsatisfied": 3, "abstain": 1}
    # A rectification (整改) with a deadline (90 days by default) and a scheduled re-evaluation.
    today = datetime.now(UTC).date()
    assert body["rectification_deadline"] in {str(today + timedelta(days=90)), str(today + timedelta(days=91))}
    again = await api.client.get(f"{office.base}/evaluations/{body['reevaluation_id']}", headers=await office.clerk())
    assert again.json()["status"] == "scheduled"
    assert again.json()["reevaluation_of"] == unsatisfied
    listed = (await api.client.get(f"{office.base}/rectifications?status=open", headers=await office.officer())).json()
    assert listed["total"] == 1
    assert listed["items"][0]["id"] == body["rectification_id"]
    assert listed["items"][0]["reevaluation_id"] == body["reevaluation_id"]
    # The project cannot get another evaluation while the re-evaluation waits; the presidium opens it.
    refused = await api.client.post(
        f"{office.base}/projects/{third}/evaluations", json={}, headers=await office.committee()
    )
    assert refused.status_code == 409
    reported = await api.client.post(
        f"{office.base}/rectifications/{body['rectification_id']}/report",
        json={"report": "已增设两个义诊点"},
        headers=await office.officer(),
    )
    assert reported.status_code == 200 and reported.json()["status"] == "reported"
    by_clerk = await api.client.post(
        f"{office.base}/evaluations/{body['reevaluation_id']}/open", headers=await office.clerk()
    )
    assert by_clerk.status_code == 403  # the office prepares; the standing committee runs evaluations
    opened = await api.client.post(
        f"{office.base}/evaluations/{body['reevaluation_id']}/open", headers=await office.committee()
    )
    assert opened.status_code == 200 and opened.json()["status"] == "open" and opened.json()["members"] == 29
    assert (await office.rate(body["reevaluation_id"], 0, "satisfied")).status_code == 201


async def test_receipts_are_listed_and_the_close_is_in_the_audit_chain(api: Api, make_office: Any) -> None:
    office = await make_office(deputies=3)
    (project,) = await office.add_projects(1)
    evaluation = await office.open_evaluation(project)
    receipts = []
    for deputy, rating in enumerate(("satisfied", "basically_satisfied", "abstain")):
        response = await office.rate(evaluation, deputy, rating)
        assert response.status_code == 201, response.text
        receipts.append(response.json()["receipt"])
    assert all(len(r) == 12 for r in receipts)
    view = (await api.client.get(f"{office.base}/evaluations/{evaluation}", headers=office.deputy_headers[0])).json()
    assert (view["ratings_received"], view["members"], view["rated"], view["result"]) == (3, 3, True, None)
    body = (await office.close(evaluation)).json()
    assert body["receipts"] == sorted(receipts)
    assert body["outcome"] == "basically_satisfied"  # 1 + 1 of 3 is more than half
    check = (await api.client.get(f"{office.base}/audit/verify", headers=await office.clerk())).json()
    assert check["ok"] is True and check["head"] == body["chain_head"]
    events = (
        await api.client.get(f"{office.base}/audit?action=evaluation.closed", headers=await office.clerk())
    ).json()
    assert events["total"] == 1
    payload = events["items"][0]["payload"]
    assert len(payload["rating_hashes"]) == 3 and payload["participations"] == 3
    stored = (await api.client.get(f"{office.base}/evaluations/{evaluation}", headers=await office.clerk())).json()
    assert stored["result"]["receipts"] == sorted(receipts) and stored["status"] == "closed"


async def test_who_may_rate_and_when(api: Api, make_office: Any) -> None:
    office = await make_office(deputies=2)
    project, not_chosen = await office.add_projects(1) + await office.add_projects(1, chosen=False)
    refused = await api.client.post(
        f"{office.base}/projects/{not_chosen}/evaluations", headers=await office.committee()
    )
    assert refused.status_code == 409
    assert "was not chosen by a vote" in refused.json()["detail"]
    as_deputy = await api.client.post(f"{office.base}/projects/{project}/evaluations", headers=office.deputy_headers[0])
    assert as_deputy.status_code == 403
    public = await api.client.post(
        f"{office.base}/projects/{project}/evaluations", json={"public": True}, headers=await office.committee()
    )
    assert public.status_code == 422
    assert public.json()["detail"] == "This tenant does not hold online public evaluations"

    evaluation = await office.open_evaluation(project)
    assert (
        await api.client.post(f"{office.base}/projects/{project}/evaluations", headers=await office.committee())
    ).status_code == 409
    clerk_rates = await api.client.post(
        f"{office.base}/evaluations/{evaluation}/ratings", json={"rating": "satisfied"}, headers=await office.clerk()
    )
    assert clerk_rates.status_code == 403
    officer = await api.client.post(
        f"{office.base}/evaluations/{evaluation}/ratings", json={"rating": "satisfied"}, headers=await office.officer()
    )
    assert officer.status_code == 403
    bad = await office.rate(evaluation, 0, "very_satisfied")
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert (await office.rate(evaluation, 0, "unsatisfied")).status_code == 201
    second = await office.rate(evaluation, 0, "satisfied")
    assert second.status_code == 409
    assert second.json()["detail"] == "You have already rated in this evaluation"
    assert (await office.close(evaluation)).status_code == 200
    late = await office.rate(evaluation, 1, "satisfied")
    assert late.status_code == 409
    assert (await office.close(evaluation)).status_code == 409
    # A deputy added to the roster after the evaluation opened is not among its members.
    other = await office.open_evaluation((await office.add_projects(1))[0])
    await office.add_deputies(1)
    assert (await office.rate(other, 2, "satisfied")).status_code == 409


async def test_lists_are_paginated_and_filtered(api: Api, make_office: Any) -> None:
    office = await make_office(deputies=1)
    projects = await office.add_projects(3)
    ids = [await office.open_evaluation(p) for p in projects]
    await office.rate_many(ids[0], ["satisfied"])
    await office.close(ids[0])
    page = (await api.client.get(f"{office.base}/evaluations?per_page=2&page=1", headers=await office.clerk())).json()
    assert page["total"] == 3 and len(page["items"]) == 2
    closed = (await api.client.get(f"{office.base}/evaluations?status=closed", headers=await office.clerk())).json()
    assert [e["id"] for e in closed["items"]] == [ids[0]]
    per_project = (
        await api.client.get(f"{office.base}/projects/{projects[1]}/evaluations", headers=office.deputy_headers[0])
    ).json()
    assert per_project["total"] == 1 and per_project["items"][0]["rated"] is False


async def test_one_deputy_sending_several_ratings_at_once_stores_exactly_one(
    api: Api, make_office: Any, backend: str
) -> None:
    """Concurrency: each deputy's concurrent ratings give exactly one 201; the rest are 409."""
    office = await make_office(deputies=12)
    (project,) = await office.add_projects(1)
    evaluation = await office.open_evaluation(project)

    async def rate(deputy: int):
        for _ in range(30):
            response = await office.rate(evaluation, deputy, "satisfied")
            if response.status_code != 503:  # a saturated database: the phone sends it again
                return response
            await asyncio.sleep(0.1)
        return response

    responses = await asyncio.gather(*(rate(deputy) for deputy in range(12) for _ in range(4)))
    per_deputy = [sorted(r.status_code for r in responses[i * 4 : i * 4 + 4]) for i in range(12)]
    assert all(codes == [201, 409, 409, 409] for codes in per_deputy), per_deputy
    body = (await office.close(evaluation)).json()
    assert body["counts"]["satisfied"] == 12 and len(body["receipts"]) == 12


async def test_zhejiang_reports_abstentions_apart(api: Api, make_office: Any) -> None:
    """The tenant's satisfaction rule decides: Zhejiang's words the abstentions as a figure of their own."""
    office = await make_office(deputies=29, plugins=["zhejiang"])
    (project,) = await office.add_projects(1)
    evaluation = await office.open_evaluation(project)
    await office.rate_many(evaluation, ["satisfied"] * 14 + ["unsatisfied"] * 2 + ["abstain"] * 10)
    body = (await office.close(evaluation)).json()
    assert body["outcome"] == "unsatisfied" and body["rectification_required"] is True
    assert "10 abstained" in body["reason"] and "3 did not rate" in body["reason"]


async def test_the_government_is_told_of_a_rectification_once(api: Api, make_office: Any) -> None:
    office = await make_office(deputies=2)
    (project,) = await office.add_projects(1)
    evaluation = await office.open_evaluation(project, title="孤寡老人义诊测评")
    await office.rate_many(evaluation, ["unsatisfied", "abstain"])
    with capture_channel() as sent:
        body = (await office.close(evaluation)).json()
        await api.services.dispatcher.drain()
    assert body["rectification_required"] is True
    (message,) = [m for m in sent if "孤寡老人义诊测评" in m.subject]
    assert body["rectification_deadline"] in message.body
    officer = (await api.client.get("/api/v1/me", headers=await office.officer())).json()
    assert message.recipients == [officer["id"]]
