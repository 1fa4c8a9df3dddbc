"""A tie at the cut-off and its runoff; paper ballots (entered twice, by two tellers): void rounds,
invalid ballots, figures that must add up. Double entry itself: test_paper_double_entry.py.
"""

from __future__ import annotations

from minsheng.testing import Api


async def test_a_tie_at_the_cut_off_requires_a_runoff_that_decides(api: Api, hall) -> None:
    """10 deputies, 2 seats; a has 8, b and c 6 each: a is chosen, b and c go to a runoff."""
    await hall.add_deputies(10)
    a, b, c = await hall.add_projects(3)
    round_id = await hall.open_round([a, b, c], 2)
    for deputy in range(10):
        selected = [a, b] if deputy < 4 else [a, c] if deputy < 8 else [b, c]
        assert (await hall.vote(round_id, deputy, {"selected": [str(p) for p in selected]})).status_code == 201
    body = (await hall.close(round_id)).json()
    assert body["status"] == "runoff_required"
    assert body["tied"] == [str(b), str(c)]
    assert body["remaining_seats"] == 1
    assert "2 candidates are tied at 6 approvals for 1 remaining seats" in body["reason"]
    chosen = [(row["project_id"], row["rank"]) for row in body["candidates"] if row["chosen"]]
    assert chosen == [(str(a), 1)]

    clerk = await hall.presidium()
    runoff = await api.client.post(f"{hall.base}/rounds/{round_id}/runoff", headers=clerk)
    assert runoff.status_code == 201, runoff.text
    runoff_id = runoff.json()["id"]
    assert (await api.client.post(f"{hall.base}/rounds/{round_id}/runoff", headers=clerk)).status_code == 409
    shown = (await api.client.get(f"{hall.base}/rounds/{runoff_id}", headers=clerk)).json()
    assert (shown["seats"], shown["candidates"], shown["runoff_of"]) == (1, [str(b), str(c)], round_id)
    original = (await api.client.get(f"{hall.base}/rounds/{round_id}", headers=clerk)).json()
    assert original["runoff"] == runoff_id

    assert (await api.client.post(f"{hall.base}/rounds/{runoff_id}/open", headers=clerk)).status_code == 200
    for deputy in range(10):
        choice = b if deputy < 7 else c
        assert (await hall.vote(runoff_id, deputy, {"selected": [str(choice)]})).status_code == 201
    decided = (await hall.close(runoff_id)).json()
    assert decided["status"] == "decided"
    assert [(row["project_id"], row["yes"], row["chosen"]) for row in decided["candidates"]] == [
        (str(b), 7, True),
        (str(c), 3, False),
    ]
    no_tie = await api.client.post(f"{hall.base}/rounds/{runoff_id}/runoff", headers=clerk)
    assert no_tie.status_code == 409


async def test_three_at_forty_of_sixty_for_two_seats_go_to_a_runoff_that_decides(api: Api, hall) -> None:
    """60 deputies, 2 seats, each ballot approves 2 of 3: all three at 40 approvals (more than
    half) tie at the cut-off: runoff_required; the runoff among the three for the 2 seats decides."""
    await hall.add_deputies(60)
    a, b, c = await hall.add_projects(3)
    round_id = await hall.open_round([a, b, c], 2)
    for deputy in range(60):
        pair = (a, b) if deputy < 20 else (a, c) if deputy < 40 else (b, c)
        assert (await hall.vote(round_id, deputy, {"selected": [str(p) for p in pair]})).status_code == 201
    body = (await hall.close(round_id)).json()
    assert body["status"] == "runoff_required", body
    assert [row["yes"] for row in body["candidates"]] == [40, 40, 40]
    assert (sorted(body["tied"]), body["remaining_seats"]) == (sorted([str(a), str(b), str(c)]), 2)
    assert not any(row["chosen"] for row in body["candidates"])

    runoff = await api.client.post(f"{hall.base}/rounds/{round_id}/runoff", headers=await hall.presidium())
    assert runoff.status_code == 201, runoff.text
    runoff_id = runoff.json()["id"]
    opened = await api.client.post(f"{hall.base}/rounds/{runoff_id}/open", headers=await hall.presidium())
    assert opened.status_code == 200, opened.text
    for deputy in range(60):
        pair = (a, b) if deputy < 35 else (a, c) if deputy < 50 else (b, c)
        assert (await hall.vote(runoff_id, deputy, {"selected": [str(p) for p in pair]})).status_code == 201
    decided = (await hall.close(runoff_id)).json()
    assert decided["status"] == "decided"
    assert [(row["project_id"], row["yes"], row["chosen"], row["rank"]) for row in decided["candidates"]] == [
        (str(a), 50, True, 1),
        (str(b), 45, True, 2),
        (str(c), 25, False, None),
    ]


async def test_a_runoff_is_not_subject_to_the_margin_rule(api: Api, hall) -> None:
    """5 tied for 3 remaining seats: a margin the default rule refuses for a new round, fine for a runoff.

    Each ballot says yes to at most the 4 seats (more would be invalid): the first project and 3 of the
    5 others in turn, so each of the 5 has 6 approvals of 10.
    """
    await hall.add_deputies(10)
    projects = await hall.add_projects(6)
    sure, tied = projects[0], projects[1:]
    round_id = await hall.open_round(projects, 4, "yes_no_abstain")
    for deputy in range(10):
        yes = {str(sure)} | {str(tied[(deputy + k) % 5]) for k in range(3)}
        choices = {str(p): "yes" if str(p) in yes else "no" for p in projects}
        assert (await hall.vote(round_id, deputy, {"choices": choices})).status_code == 201
    body = (await hall.close(round_id)).json()
    assert body["status"] == "runoff_required"
    assert body["tied"] == [str(p) for p in tied]
    assert body["remaining_seats"] == 3
    session_id = (await api.client.get(f"{hall.base}/rounds/{round_id}", headers=await hall.clerk())).json()[
        "session_id"
    ]
    fresh = await hall.new_round(session_id, tied, 3, "yes_no_abstain")
    assert fresh.status_code == 422
    assert fresh.json()["rule"] == "margin_rule"
    runoff = await api.client.post(f"{hall.base}/rounds/{round_id}/runoff", headers=await hall.presidium())
    assert runoff.status_code == 201


async def paper_round(hall, deputies: int = 5) -> tuple[str, list]:
    await hall.add_deputies(deputies)
    projects = await hall.add_projects(2)
    return await hall.open_round(projects, 1, method="paper"), projects


async def test_paper_ballots_over_marked_count_as_invalid(api: Api, hall) -> None:
    """Marking both candidates for one seat (多选作废) makes that ballot invalid, not refused."""
    round_id, (a, b) = await paper_round(hall)
    ballots = [[str(a)], [str(a)], [str(a)], [str(b)], [str(a), str(b)]]
    entered = await hall.enter_paper(round_id, ballots)
    assert entered.status_code == 201, entered.text
    assert {k: entered.json()[k] for k in ("entered", "valid", "invalid")} == {"entered": 5, "valid": 4, "invalid": 1}
    assert (await hall.enter_paper(round_id, ballots, teller=1)).status_code == 201
    body = (await hall.close(round_id, ballots_issued=5, ballots_returned=5)).json()
    assert body["status"] == "decided"
    assert (body["ballots_issued"], body["ballots_returned"], body["valid"], body["invalid"]) == (5, 5, 4, 1)
    assert [(row["project_id"], row["yes"], row["chosen"]) for row in body["candidates"]] == [
        (str(a), 3, True),
        (str(b), 1, False),
    ]
    assert body["receipts"] == [], "a paper ballot has no receipt"
    events = await api.client.get(f"{hall.base}/audit?action=round.paper_ballots_entered", headers=await hall.clerk())
    assert {item["actor"] for item in events.json()["items"]} == {f"teller-{hall.slug}", f"teller2-{hall.slug}"}


async def test_more_ballots_returned_than_issued_voids_the_round(api: Api, hall) -> None:
    """Returned above issued: void, and the reason says so."""
    round_id, (a, _b) = await paper_round(hall)
    await hall.enter_twice(round_id, [[str(a)]] * 5)
    body = (await hall.close(round_id, ballots_issued=4, ballots_returned=5)).json()
    assert body["status"] == "void"
    assert body["reason"] == "5 ballots returned but only 4 issued: the vote is void"
    assert not any(row["chosen"] for row in body["candidates"])
    assert (await hall.close(round_id, ballots_issued=5, ballots_returned=5)).status_code == 409


async def test_paper_figures_that_do_not_add_up_block_the_close(api: Api, hall) -> None:
    round_id, (a, _b) = await paper_round(hall)
    await hall.enter_twice(round_id, [[str(a)]] * 3)
    short = await hall.close(round_id, ballots_issued=5, ballots_returned=5)
    assert short.status_code == 409
    assert "3 valid and 0 invalid ballots were entered but 5 were returned" in short.json()["detail"]
    assert (await hall.close(round_id)).status_code == 422, "a paper round needs both counts"
    await hall.enter_twice(round_id, [[]] * 2)
    assert (await hall.close(round_id, ballots_issued=5, ballots_returned=5)).status_code == 200


async def test_paper_and_electronic_rounds_take_only_their_own_ballots(api: Api, hall) -> None:
    round_id, (a, _b) = await paper_round(hall)
    electronic = await hall.vote(round_id, 0, {"selected": [str(a)]})
    assert electronic.status_code == 409
    by_deputy = await api.client.post(
        f"{hall.base}/rounds/{round_id}/paper-ballots", json={"ballots": [[str(a)]]}, headers=hall.deputy_headers[0]
    )
    assert by_deputy.status_code == 403
    projects = await hall.add_projects(2)
    online = await hall.open_round(projects, 1)
    paper = await api.client.post(
        f"{hall.base}/rounds/{online}/paper-ballots",
        json={"ballots": [[str(projects[0])]]},
        headers=await hall.teller(),
    )
    assert paper.status_code == 409
    counts = await hall.close(online, ballots_issued=5, ballots_returned=5)
    assert counts.status_code == 422, "an electronic round counts its ballots itself"
