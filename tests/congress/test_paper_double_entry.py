"""Double entry of paper ballots by two tellers; mismatches block the close.

Each teller enters the whole box; the entries are compared as multisets of normalised markings,
the order of entry and of the marks on a ballot do not matter; agreeing ballots count once.
"""

from __future__ import annotations

from minsheng.testing import Api


async def _paper_round(hall, deputies: int = 5) -> tuple[str, list]:
    await hall.add_deputies(deputies)
    projects = await hall.add_projects(3)
    return await hall.open_round(projects, 2, method="paper"), projects


async def test_two_tellers_who_agree_count_each_ballot_once(api: Api, hall) -> None:
    round_id, (a, b, c) = await _paper_round(hall)
    first = [[str(a), str(b)], [str(a)], [str(b), str(c)], [str(a), str(b), str(c)], [str(a), str(c)]]
    # The second teller reads the box in another order and the marks in another order.
    second = [[str(c), str(a)], [str(a), str(b), str(c)], [str(c), str(b)], [str(a)], [str(b), str(a)]]
    assert (await hall.enter_paper(round_id, first[:2])).status_code == 201
    assert (await hall.enter_paper(round_id, first[2:])).status_code == 201, "one teller, two batches"
    assert (await hall.enter_paper(round_id, second, teller=1)).status_code == 201

    shown = await api.client.get(f"{hall.base}/rounds/{round_id}/paper-entries", headers=await hall.teller())
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert body["agree"] is True and body["differences"] == []
    assert [(e["teller"], len(e["batches"]), e["ballots"], e["valid"], e["invalid"]) for e in body["entries"]] == [
        (f"teller-{hall.slug}", 2, 5, 4, 1),
        (f"teller2-{hall.slug}", 1, 5, 4, 1),
    ]
    assert [e["counted"] for e in body["entries"]] == [True, False]

    result = await hall.close(round_id, ballots_issued=5, ballots_returned=5)
    assert result.status_code == 200, result.text
    closed = result.json()
    assert (closed["ballots_returned"], closed["valid"], closed["invalid"]) == (5, 4, 1)
    assert {row["project_id"]: row["yes"] for row in closed["candidates"]} == {str(a): 3, str(b): 2, str(c): 2}
    # A paper ballot has no receipt: nobody took one away from the ballot box.
    assert closed["receipts"] == []
    export = await api.client.get(f"{hall.base}/rounds/{round_id}/export", headers=await hall.clerk())
    assert len(export.json()["ballots"]) == 5, "each paper ballot counts once, not once per teller"


async def test_entries_that_differ_block_the_close_and_list_the_differences(api: Api, hall) -> None:
    round_id, (a, b, c) = await _paper_round(hall)
    await hall.enter_paper(round_id, [[str(a)], [str(a), str(b)], [str(c)], [str(b)], [str(b)]])
    await hall.enter_paper(round_id, [[str(a)], [str(a), str(c)], [str(c)], [str(b)], [str(b)]], teller=1)

    refused = await hall.close(round_id, ballots_issued=5, ballots_returned=5)
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert "The tellers' entries differ for 2 marking(s)" in problem["detail"]
    first, second = f"teller-{hall.slug}", f"teller2-{hall.slug}"
    assert sorted(problem["differences"], key=lambda d: d["content"]) == sorted(
        [
            {"content": sorted([str(a), str(b)]), "counts": {first: 1, second: 0}},
            {"content": sorted([str(a), str(c)]), "counts": {first: 0, second: 1}},
        ],
        key=lambda d: d["content"],
    )
    shown = await api.client.get(f"{hall.base}/rounds/{round_id}/paper-entries", headers=await hall.teller())
    assert shown.json()["agree"] is False and len(shown.json()["differences"]) == 2
    status = await api.client.get(f"{hall.base}/rounds/{round_id}", headers=await hall.clerk())
    assert status.json()["status"] == "open", "the round stays open for the recount"

    # The recount shows the second teller was right: the first withdraws the batch and enters it again.
    batch = shown.json()["entries"][0]["batches"][0]
    by_other = await api.client.delete(
        f"{hall.base}/rounds/{round_id}/paper-entries/{batch}", headers=await hall.second_teller()
    )
    assert by_other.status_code == 403, "only the teller who entered a batch can withdraw it"
    withdrawn = await api.client.delete(
        f"{hall.base}/rounds/{round_id}/paper-entries/{batch}", headers=await hall.teller()
    )
    assert withdrawn.status_code == 204, withdrawn.text
    await hall.enter_paper(round_id, [[str(a)], [str(a), str(c)], [str(c)], [str(b)], [str(b)]])
    closed = await hall.close(round_id, ballots_issued=5, ballots_returned=5)
    assert closed.status_code == 200, closed.text
    assert {row["project_id"]: row["yes"] for row in closed.json()["candidates"]} == {
        str(a): 2,
        str(b): 2,
        str(c): 2,
    }


async def test_one_teller_entering_twice_is_not_double_entry(api: Api, hall) -> None:
    round_id, (a, _b, _c) = await _paper_round(hall)
    ballots = [[str(a)]] * 5
    assert (await hall.enter_paper(round_id, ballots)).status_code == 201
    assert (await hall.enter_paper(round_id, ballots)).status_code == 201
    refused = await hall.close(round_id, ballots_issued=5, ballots_returned=5)
    assert refused.status_code == 409
    assert "must be entered by 2 different tellers" in refused.json()["detail"]
    assert refused.json()["tellers"] == [f"teller-{hall.slug}"]
    shown = (await api.client.get(f"{hall.base}/rounds/{round_id}/paper-entries", headers=await hall.teller())).json()
    assert len(shown["entries"]) == 1 and shown["entries"][0]["ballots"] == 10
    assert shown["agree"] is False


async def test_paper_entries_are_for_the_tellers_the_session_approved(api: Api, hall) -> None:
    """Only the scrutineers and tellers the session approved enter and compare its paper ballots: a
    teller by role whom this session did not approve is refused, a deputy it approved as scrutineer is
    not (platform/docs/domain.md, "Paper ballots")."""
    round_id, (a, b, _c) = await _paper_round(hall)
    url = f"{hall.base}/rounds/{round_id}/paper-entries"
    await hall.add_member(f"teller3-{hall.slug}", ["teller"])
    unapproved = await api.headers(f"teller3-{hall.slug}")
    for headers in (hall.deputy_headers[0], await hall.clerk(), await hall.presidium(), unapproved):
        assert (await api.client.get(url, headers=headers)).status_code == 403
        entered = await api.client.post(
            f"{hall.base}/rounds/{round_id}/paper-ballots", json={"ballots": [[str(a)]]}, headers=headers
        )
        assert entered.status_code == 403
    assert (await api.client.get(url, headers=await hall.teller())).status_code == 200

    session_id = (await api.client.get(f"{hall.base}/rounds/{round_id}", headers=await hall.clerk())).json()[
        "session_id"
    ]
    approved = await api.client.post(
        f"{hall.base}/sessions/{session_id}/scrutineers",
        json={"username": f"d0-{hall.slug}", "role": "scrutineer"},
        headers=await hall.presidium(),
    )
    assert approved.status_code == 201, approved.text
    assert approved.json()["role"] == "scrutineer"
    assert (await api.client.get(url, headers=hall.deputy_headers[0])).status_code == 200
    entered = await api.client.post(
        f"{hall.base}/rounds/{round_id}/paper-ballots", json={"ballots": [[str(b)]]}, headers=hall.deputy_headers[0]
    )
    assert entered.status_code == 201, entered.text
