"""Electronic secret ballots: who may vote, when, once; the majority of all deputies; receipts."""

from __future__ import annotations

import asyncio

from minsheng.testing import Api


async def test_thirty_of_sixty_is_not_chosen_and_thirty_one_is(api: Api, hall) -> None:
    """Chosen needs more than half of all 60 deputies, through ballots end to end."""
    await hall.add_deputies(60)
    a, b, c = await hall.add_projects(3)
    round_id = await hall.open_round([a, b, c], 2)
    for deputy in range(60):
        selected = [str(a)] if deputy < 31 else []
        if deputy < 30:
            selected.append(str(b))
        response = await hall.vote(round_id, deputy, {"selected": selected})
        assert response.status_code == 201, response.text
    result = await hall.close(round_id)
    assert result.status_code == 200, result.text
    body = result.json()
    assert body["status"] == "decided"
    assert (body["entitled"], body["present"], body["ballots_issued"], body["ballots_returned"]) == (60, 60, 60, 60)
    assert (body["valid"], body["invalid"]) == (60, 0)
    rows = {row["project_id"]: row for row in body["candidates"]}
    assert rows[str(a)] == {
        "project_id": str(a),
        "yes": 31,
        "no": 29,
        "abstain": 0,
        "chosen": True,
        "rank": 1,
        "figures": {},
    }
    assert rows[str(b)] == {
        "project_id": str(b),
        "yes": 30,
        "no": 30,
        "abstain": 0,
        "chosen": False,
        "rank": None,
        "figures": {},
    }
    assert rows[str(c)]["yes"] == 0 and not rows[str(c)]["chosen"]
    assert body["reason"] == (
        "only 1 of 2 seats were filled: no other candidate won the approval of more than half of the 60 deputies"
    )
    stored = (await api.client.get(f"{hall.base}/rounds/{round_id}/result", headers=hall.deputy_headers[0])).json()
    assert {k: v for k, v in stored.items() if k != "reason"} == {k: v for k, v in body.items() if k != "reason"}


async def test_a_receipt_is_listed_in_the_result_and_the_chain_head_is_the_tenants(api: Api, hall) -> None:
    await hall.add_deputies(3)
    a, b = await hall.add_projects(2)
    round_id = await hall.open_round([a, b], 1, "yes_no_abstain")
    receipts = []
    for deputy, choice in enumerate(("yes", "no", "abstain")):
        response = await hall.vote(round_id, deputy, {"choices": {str(a): choice, str(b): "no"}})
        assert response.status_code == 201, response.text
        receipts.append(response.json()["receipt"])
    assert all(len(r) == 12 for r in receipts)
    body = (await hall.close(round_id)).json()
    assert body["receipts"] == sorted(receipts)
    rows = {row["project_id"]: row for row in body["candidates"]}
    assert (rows[str(a)]["yes"], rows[str(a)]["no"], rows[str(a)]["abstain"]) == (1, 1, 1)
    check = (await api.client.get(f"{hall.base}/audit/verify", headers=await hall.clerk())).json()
    assert check["ok"] is True
    assert check["head"] == body["chain_head"]
    events = (await api.client.get(f"{hall.base}/audit?action=round.closed", headers=await hall.clerk())).json()
    assert events["total"] == 1
    assert len(events["items"][0]["payload"]["ballot_hashes"]) == 3


async def test_a_second_ballot_is_refused_and_a_bad_ballot_is_422(api: Api, hall) -> None:
    await hall.add_deputies(2)
    a, b = await hall.add_projects(2)
    round_id = await hall.open_round([a, b], 1)
    too_many = await hall.vote(round_id, 0, {"selected": [str(a), str(b)]})
    assert too_many.status_code == 422
    assert too_many.json()["rule"] == "ballot_format"
    unknown = await hall.vote(round_id, 0, {"selected": ["not-a-candidate"]})
    assert unknown.status_code == 422
    wrong_shape = await hall.vote(round_id, 0, {"choices": {str(a): "yes", str(b): "no"}})
    assert wrong_shape.status_code == 422
    neither = await hall.vote(round_id, 0, {})
    assert neither.status_code == 422
    assert (await hall.vote(round_id, 0, {"selected": [str(a)]})).status_code == 201
    second = await hall.vote(round_id, 0, {"selected": [str(b)]})
    assert second.status_code == 409
    shown = (await api.client.get(f"{hall.base}/rounds/{round_id}", headers=await hall.clerk())).json()
    assert shown["ballots_received"] == 1


async def test_only_checked_in_deputies_of_the_tenant_vote_while_the_round_is_open(
    api: Api, hall, another_hall
) -> None:
    await hall.add_deputies(4)
    a, b = await hall.add_projects(2)
    session_id = await hall.new_session()
    await hall.check_in(session_id, hall.deputies[:3])
    round_id = (await hall.new_round(session_id, [a, b], 1, "approve_up_to_seats")).json()["id"]
    ballot = {"selected": [str(a)]}
    before = await hall.vote(round_id, 0, ballot)
    assert before.status_code == 409, "not open yet"
    opened = await api.client.post(f"{hall.base}/rounds/{round_id}/open", headers=await hall.presidium())
    assert opened.status_code == 200
    # Members without the deputy role are refused (403); so is staff: voting is the deputies' alone.
    for headers in (await hall.clerk(), await hall.teller()):
        refused = await api.client.post(f"{hall.base}/rounds/{round_id}/ballots", json=ballot, headers=headers)
        assert refused.status_code == 403
    # A deputy of another tenant is not a member here: 404, as if the tenant did not exist.
    other = await another_hall(1)
    stranger = await api.client.post(
        f"{hall.base}/rounds/{round_id}/ballots", json=ballot, headers=other.deputy_headers[0]
    )
    assert stranger.status_code == 404
    # A deputy who has not checked in: 409 (check in first).
    absent = await hall.vote(round_id, 3, ballot)
    assert absent.status_code == 409
    assert (await hall.vote(round_id, 0, ballot)).status_code == 201
    assert (await hall.vote(round_id, 1, ballot)).status_code == 201
    assert (await hall.close(round_id)).status_code == 200
    after = await hall.vote(round_id, 2, ballot)
    assert after.status_code == 409, "closed"
    assert (await hall.close(round_id)).status_code == 409


async def test_three_hundred_deputies_sending_three_ballots_each_store_exactly_three_hundred(
    api: Api, hall, backend: str
) -> None:
    """900 concurrent requests, one ballot per deputy stored, the rest answered 409.

    On PostgreSQL all 900 are in flight at once. The embedded SQLite has one writer that waits by
    polling, so there at most 60 are in flight; each deputy's three requests still race each other.
    A saturated database answers 503 (nothing saved, Retry-After): the phone sends the same ballot
    again, as a real client does, so the figures below hold however loaded the machine is.
    """
    await hall.add_deputies(300)
    projects = await hall.add_projects(12)
    round_id = await hall.open_round(projects, 10)
    ballot = {"selected": [str(p) for p in projects[:10]]}
    in_flight = asyncio.Semaphore(900 if backend == "postgres" else 60)

    async def vote(deputy: int):
        async with in_flight:
            for _ in range(20):
                response = await hall.vote(round_id, deputy, ballot)
                if response.status_code != 503:
                    return response
                await asyncio.sleep(0.2)
            return response

    responses = await asyncio.gather(*(vote(deputy) for deputy in range(300) for _ in range(3)))
    codes = sorted(r.status_code for r in responses)
    assert codes.count(201) == 300
    assert codes.count(409) == 600
    per_deputy = [sorted(r.status_code for r in responses[i * 3 : i * 3 + 3]) for i in range(300)]
    assert all(c == [201, 409, 409] for c in per_deputy)
    body = (await hall.close(round_id)).json()
    assert body["valid"] == 300
    assert len(body["receipts"]) == 300
    assert all(row["yes"] == 300 for row in body["candidates"][:10])
