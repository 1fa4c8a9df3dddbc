"""Ballots as a 票决办法 writes them: more yes than seats makes a yes/no/abstain ballot invalid (refused on
the phone, counted invalid on paper), an unmarked candidate is treated alike on both, a ballot names each
candidate once and only candidates, and a retried ballot with the same Idempotency-Key gets its receipt.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from minsheng.testing import Api


def choices(projects: list[uuid.UUID], yes: int) -> dict[str, str]:
    """A yes/no/abstain ballot saying yes to the first ``yes`` candidates and no to the others."""
    return {str(p): "yes" if n < yes else "no" for n, p in enumerate(projects)}


async def test_more_yes_than_seats_is_refused_on_the_phone_and_counted_invalid_on_paper(api: Api, hall) -> None:
    """With 2 seats, a phone ballot with three yes is 422 (two are fine); a paper ballot so
    marked is counted invalid."""
    await hall.add_deputies(4)
    projects = await hall.add_projects(3)
    phone = await hall.open_round(projects, 2, "yes_no_abstain")
    three = await api.client.post(
        f"{hall.base}/rounds/{phone}/ballots",
        json={"choices": choices(projects, 3)},
        headers={**hall.deputy_headers[0], "Accept-Language": "en"},
    )
    assert three.status_code == 422, three.text
    assert three.json()["rule"] == "ballot_format"
    assert "3 candidates are marked yes, more than the 2 to be chosen" in three.json()["detail"]
    assert (await hall.vote(phone, 0, {"choices": choices(projects, 2)})).status_code == 201, "refused, not spent"
    shown = (await api.client.get(f"{hall.base}/rounds/{phone}", headers=await hall.clerk())).json()
    assert shown["ballots_received"] == 1, "an electronic ballot is never stored invalid"

    paper = await hall.open_round(projects, 2, "yes_no_abstain", method="paper")
    box = [choices(projects, 3), choices(projects, 2), choices(projects, 0), choices(projects, 1)]
    await hall.enter_twice(paper, box)
    result = await hall.close(paper, ballots_issued=4, ballots_returned=4)
    assert result.status_code == 200, result.text
    body = result.json()
    assert (body["ballots_returned"], body["valid"], body["invalid"]) == (4, 3, 1)
    assert [
        row["yes"] for row in sorted(body["candidates"], key=lambda r: projects.index(uuid.UUID(r["project_id"])))
    ] == [
        2,
        1,
        0,
    ], "the invalid ballot's three yes count for nobody"


async def test_the_rule_is_a_setting_of_the_tenant(api: Api, another_hall) -> None:
    """A tenant whose 票决办法 does not have the rule turns it off: three yes for two seats are counted."""
    hall = await another_hall(deputies=1, settings={"minsheng.defaults": {"yes_within_seats": False}})
    projects = await hall.add_projects(3)
    round_id = await hall.open_round(projects, 2, "yes_no_abstain")
    assert (await hall.vote(round_id, 0, {"choices": choices(projects, 3)})).status_code == 201


async def test_an_unmarked_candidate_is_refused_on_the_phone_as_on_paper(api: Api, hall) -> None:
    """The ballot paper says a candidate left unmarked makes the ballot invalid, and the phone asks for a
    mark on each: the same ballot is refused on the phone and counted invalid on paper."""
    await hall.add_deputies(2)
    projects = await hall.add_projects(3)
    unmarked = {str(projects[0]): "yes", str(projects[1]): "no"}
    phone = await hall.open_round(projects, 2, "yes_no_abstain")
    refused = await api.client.post(
        f"{hall.base}/rounds/{phone}/ballots",
        json={"choices": unmarked},
        headers={**hall.deputy_headers[0], "Accept-Language": "en"},
    )
    assert refused.status_code == 422 and "no choice is marked for candidate" in refused.json()["detail"]
    paper = await hall.open_round(projects, 2, "yes_no_abstain", method="paper")
    await hall.enter_twice(paper, [unmarked, choices(projects, 1)])
    body = (await hall.close(paper, ballots_issued=2, ballots_returned=2)).json()
    assert (body["valid"], body["invalid"]) == (1, 1)


async def test_a_candidate_named_twice_or_a_stranger_is_422_never_dropped(api: Api, hall) -> None:
    await hall.add_deputies(2)
    projects = await hall.add_projects(3)
    a, b, c = (str(p) for p in projects)
    round_id = await hall.open_round(projects, 2, "yes_no_abstain")
    en = {**hall.deputy_headers[0], "Accept-Language": "en"}
    for ballot in (
        {"choices": {a: "yes", a.upper(): "no", b: "no", c: "no"}},
        {"choices": {a: "yes", b: "no", c: "no", str(uuid.uuid4()): "yes"}},
    ):
        refused = await api.client.post(f"{hall.base}/rounds/{round_id}/ballots", json=ballot, headers=en)
        assert refused.status_code == 422, refused.text
        assert "named twice" in refused.json()["detail"] or "is not a candidate" in refused.json()["detail"]
    upper = await hall.vote(round_id, 0, {"choices": {a.upper(): "yes", b: "no", c: "abstain"}})
    assert upper.status_code == 201, "one spelling in capitals names the candidate"
    approval = await hall.open_round(projects, 2)
    twice = await hall.vote(approval, 1, {"selected": [a, a.upper()]})
    assert twice.status_code == 422
    paper = await hall.open_round(projects, 2, method="paper")
    entered = await hall.enter_paper(paper, [[a], [b, b.upper()]])
    assert entered.status_code == 422 and entered.json()["ballot"] == 2
    assert (await api.client.get(f"{hall.base}/rounds/{paper}/paper-entries", headers=await hall.teller())).json()[
        "entries"
    ] == [], "nothing of a refused batch is written"


async def _ballot(api: Api, hall: Any, round_id: str, deputy: int, ballot: dict[str, Any], key: str | None) -> Any:
    headers = {**hall.deputy_headers[deputy], "Accept-Language": "en"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return await api.client.post(f"{hall.base}/rounds/{round_id}/ballots", json=ballot, headers=headers)


async def test_a_retried_ballot_gets_the_same_receipt_and_another_ballot_409(api: Api, hall) -> None:
    """The same key and ballot answer the first receipt (201); another ballot under the key,
    or any ballot under another key or none, is 409; the round counts one ballot."""
    await hall.add_deputies(2)
    a, b = await hall.add_projects(2)
    round_id = await hall.open_round([a, b], 1)
    key = str(uuid.uuid4())
    first = await _ballot(api, hall, round_id, 0, {"selected": [str(a)]}, key)
    assert first.status_code == 201, first.text
    again = await _ballot(api, hall, round_id, 0, {"selected": [str(a)]}, key)
    assert again.status_code == 201 and again.json() == first.json()
    upper = await _ballot(api, hall, round_id, 0, {"selected": [str(a).upper()]}, key)
    assert upper.json() == first.json(), "the same ballot in another spelling is the same ballot"
    other = await _ballot(api, hall, round_id, 0, {"selected": [str(b)]}, key)
    assert other.status_code == 409 and "another ballot" in other.json()["detail"]
    for fresh in (str(uuid.uuid4()), None):
        assert (await _ballot(api, hall, round_id, 0, {"selected": [str(a)]}, fresh)).status_code == 409
    # Another deputy's key of the same spelling is another deputy's: no receipt crosses over.
    own = await _ballot(api, hall, round_id, 1, {"selected": [str(a)]}, key)
    assert own.status_code == 201 and own.json() != first.json()
    short = await _ballot(api, hall, round_id, 1, {"selected": [str(a)]}, "x" * 15)
    assert short.status_code == 422
    body = (await hall.close(round_id)).json()
    assert body["ballots_returned"] == 2 and first.json()["receipt"] in body["receipts"]
    late = await _ballot(api, hall, round_id, 0, {"selected": [str(a)]}, key)
    assert late.status_code == 409, "a closed round forgets its keys"


async def test_concurrent_retries_with_one_key_store_one_ballot_and_share_its_receipt(
    api: Api, hall, backend: str
) -> None:
    """Five copies of one deputy's ballot with one key, sent at once: one ballot, five equal receipts."""
    await hall.add_deputies(3)
    a, b = await hall.add_projects(2)
    round_id = await hall.open_round([a, b], 1)
    keys = [str(uuid.uuid4()) for _ in range(3)]

    async def send(deputy: int) -> Any:
        for _ in range(20):
            response = await _ballot(api, hall, round_id, deputy, {"selected": [str(a)]}, keys[deputy])
            if response.status_code != 503:
                return response
            await asyncio.sleep(0.2)
        return response

    responses = await asyncio.gather(*(send(deputy) for deputy in range(3) for _ in range(5)))
    assert [r.status_code for r in responses] == [201] * 15, [r.text for r in responses if r.status_code != 201]
    for deputy in range(3):
        assert len({r.json()["receipt"] for r in responses[deputy * 5 : deputy * 5 + 5]}) == 1
    body = (await hall.close(round_id)).json()
    assert body["ballots_returned"] == 3 and len(set(body["receipts"])) == 3
