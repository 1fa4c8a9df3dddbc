"""Mixed rounds: deputies vote on phones, and those who ask for it are handed a paper ballot; each deputy
votes once, either way, and the result counts both (platform/docs/domain.md, "Mixed voting")."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from congress.test_ballots_as_written import choices
from congress.test_congress_pages import form_token, presidium_browser, signed_in
from sqlalchemy import update

from minsheng.congress.models import Deputy
from minsheng.testing import Api, verify_round_export


async def issue(api: Api, hall: Any, round_id: str, deputy: int) -> Any:
    return await api.client.post(
        f"{hall.base}/rounds/{round_id}/paper-issued",
        json={"deputy_id": str(hall.deputies[deputy])},
        headers={**await hall.clerk(), "Accept-Language": "en"},
    )


async def test_sixty_present_fifty_five_on_phones_five_on_paper(api: Api, hall) -> None:
    """60 present, 55 phone ballots, 5 paper ballots handed out and entered by two tellers;
    paper after a phone ballot and a phone ballot after paper are 409; the result counts 60 issued, 60
    returned, 60 valid, and per candidate the sum of both."""
    await hall.add_deputies(60)
    projects = await hall.add_projects(3)
    round_id = await hall.open_round(projects, 2, "yes_no_abstain", method="mixed")
    phone_ballots = [
        choices(projects, 2) if d % 3 else {**choices(projects, 1), str(projects[2]): "abstain"} for d in range(55)
    ]
    for deputy, ballot in enumerate(phone_ballots):
        assert (await hall.vote(round_id, deputy, {"choices": ballot})).status_code == 201
    for deputy in range(55, 60):
        handed = await issue(api, hall, round_id, deputy)
        assert handed.status_code == 201, handed.text
    assert handed.json()["paper_issued"] == 5

    voted_on_phone = await issue(api, hall, round_id, 0)
    assert voted_on_phone.status_code == 409 and "voted on the phone" in voted_on_phone.json()["detail"]
    took_paper = await api.client.post(
        f"{hall.base}/rounds/{round_id}/ballots",
        json={"choices": choices(projects, 1)},
        headers={**hall.deputy_headers[55], "Accept-Language": "en"},
    )
    assert took_paper.status_code == 409 and "paper" in took_paper.json()["detail"]
    assert (await issue(api, hall, round_id, 55)).status_code == 409, "one paper ballot per deputy"

    shown = (await api.client.get(f"{hall.base}/rounds/{round_id}", headers=await hall.clerk())).json()
    assert (shown["ballots_received"], shown["paper_issued"]) == (60, 5)
    paper_ballots = [
        choices(projects, 2),
        choices(projects, 1),
        choices(projects, 0),
        choices(projects, 2),
        choices(projects, 1),
    ]
    await hall.enter_twice(round_id, paper_ballots)
    missing = await hall.close(round_id)
    assert missing.status_code == 422, "a mixed round needs the paper ballots returned"
    closed = await hall.close(round_id, ballots_returned=5)
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert (body["present"], body["ballots_issued"], body["ballots_returned"], body["valid"], body["invalid"]) == (
        60,
        60,
        60,
        60,
        0,
    )
    assert body["by_method"] == {
        "electronic": {"ballots_issued": 55, "ballots_returned": 55, "valid": 55, "invalid": 0},
        "paper": {"ballots_issued": 5, "ballots_returned": 5, "valid": 5, "invalid": 0},
    }
    expected: dict[str, Counter[str]] = {str(p): Counter() for p in projects}
    for ballot in phone_ballots + paper_ballots:
        for project, choice in ballot.items():
            expected[project][choice] += 1
    for row in body["candidates"]:
        counts = expected[row["project_id"]]
        assert (row["yes"], row["no"], row["abstain"]) == (counts["yes"], counts["no"], counts["abstain"])
    # Only the phone ballots have receipts; the paper ones were dropped in the box.
    assert len(body["receipts"]) == 55
    exported = await api.client.get(f"{hall.base}/rounds/{round_id}/export", headers=await hall.clerk())
    report = verify_round_export(exported.json())
    assert report.ok, report.summary


async def test_more_paper_returned_than_handed_out_voids_the_round(api: Api, hall) -> None:
    await hall.add_deputies(4)
    projects = await hall.add_projects(3)
    round_id = await hall.open_round(projects, 2, method="mixed")
    assert (await hall.vote(round_id, 0, {"selected": [str(projects[0])]})).status_code == 201
    assert (await issue(api, hall, round_id, 1)).status_code == 201
    body = (await hall.close(round_id, ballots_returned=2)).json()
    assert body["status"] == "void" and (body["ballots_issued"], body["ballots_returned"]) == (2, 3)
    assert "3 ballots returned but only 2 issued" in body["reason"]


async def test_a_mixed_round_without_paper_closes_on_the_phone_ballots(api: Api, hall) -> None:
    await hall.add_deputies(3)
    projects = await hall.add_projects(3)
    round_id = await hall.open_round(projects, 2, method="mixed")
    for deputy in range(3):
        assert (await hall.vote(round_id, deputy, {"selected": [str(projects[0])]})).status_code == 201
    body = (await hall.close(round_id, ballots_returned=0)).json()
    assert (body["status"], body["ballots_issued"], body["valid"]) == ("decided", 3, 3)


async def test_paper_and_phone_racing_for_one_deputy_let_exactly_one_through(api: Api, hall, backend: str) -> None:
    """Twenty deputies, each handed paper while their phone sends a ballot, at once: each takes part once."""
    await hall.add_deputies(20)
    projects = await hall.add_projects(3)
    round_id = await hall.open_round(projects, 2, method="mixed")

    async def retrying(send: Any) -> Any:
        for _ in range(20):
            response = await send()
            if response.status_code != 503:
                return response
            await asyncio.sleep(0.2)
        return response

    async def both(deputy: int) -> tuple[int, int]:
        phone, paper = await asyncio.gather(
            retrying(lambda: hall.vote(round_id, deputy, {"selected": [str(projects[0])]})),
            retrying(lambda: issue(api, hall, round_id, deputy)),
        )
        return phone.status_code, paper.status_code

    outcomes = await asyncio.gather(*(both(deputy) for deputy in range(20)))
    assert all(sorted(pair) in ([201, 409],) for pair in outcomes), outcomes
    phones = sum(1 for phone, _paper in outcomes if phone == 201)
    shown = (await api.client.get(f"{hall.base}/rounds/{round_id}", headers=await hall.clerk())).json()
    assert (shown["ballots_received"], shown["paper_issued"]) == (20, 20 - phones)


async def test_paper_is_handed_out_in_mixed_rounds_to_deputies_present_and_in_office(api: Api, hall) -> None:
    await hall.add_deputies(4)
    projects = await hall.add_projects(3)
    electronic = await hall.open_round(projects, 2)
    assert (await issue(api, hall, electronic, 0)).status_code == 409, "an electronic round hands out no paper"
    session_id = await hall.new_session()
    await hall.check_in(session_id, hall.deputies[:3])
    created = await hall.new_round(session_id, projects, 2, "approve_up_to_seats", method="mixed")
    round_id = created.json()["id"]
    assert (await issue(api, hall, round_id, 0)).status_code == 409, "not open yet"
    opened = await api.client.post(f"{hall.base}/rounds/{round_id}/open", headers=await hall.presidium())
    assert opened.status_code == 200
    absent = await issue(api, hall, round_id, 3)
    assert absent.status_code == 409 and "has not checked in" in absent.json()["detail"]
    with hall.scope():
        async with api.services.database.session() as session:
            await session.execute(update(Deputy).where(Deputy.id == hall.deputies[2]).values(active=False))
    gone = await issue(api, hall, round_id, 2)
    assert gone.status_code == 409 and "no longer in office" in gone.json()["detail"]
    assert (await issue(api, hall, round_id, 1)).status_code == 201
    for headers in (hall.deputy_headers[0], await hall.teller()):
        refused = await api.client.post(
            f"{hall.base}/rounds/{round_id}/paper-issued", json={"deputy_id": str(hall.deputies[0])}, headers=headers
        )
        assert refused.status_code == 403


async def test_the_teller_page_after_the_close_shows_what_was_counted(api: Api, hall) -> None:
    await hall.add_deputies(3)
    projects = await hall.add_projects(3)
    round_id = await hall.open_round(projects, 2, "yes_no_abstain", method="mixed")
    assert (await hall.vote(round_id, 0, {"choices": choices(projects, 2)})).status_code == 201
    for deputy in (1, 2):
        assert (await issue(api, hall, round_id, deputy)).status_code == 201
    await hall.enter_twice(round_id, [choices(projects, 1), choices(projects, 3)])
    teller = await signed_in(hall, f"teller-{hall.slug}")
    url = f"/t/{hall.slug}/paper-ballots/{round_id}"
    live = await teller.get(url)
    assert 'id="double-entry"' in live.text and 'data-agreement="agree"' in live.text
    presidium = await presidium_browser(hall)
    close_url = f"/t/{hall.slug}/congress/rounds/{round_id}/close"
    token = await form_token(presidium, close_url)
    confirm = await presidium.get(close_url)
    assert 'name="ballots_returned"' in confirm.text and 'name="ballots_issued"' not in confirm.text
    closed = await presidium.post(close_url, data={"_csrf_token": token, "ballots_returned": "2"})
    assert closed.status_code == 303, closed.text
    after = await teller.get(url)
    assert after.status_code == 200
    assert (
        'id="counted"' in after.text and 'id="double-entry"' not in after.text and 'id="ballot-form"' not in after.text
    )
    counted = after.text.split('id="counted"')[1]
    # Paper: 2 handed out, 2 returned, 1 valid, 1 invalid (three yes for two seats); with the phone: 3, 3, 2, 1.
    assert 'data-counted="paper" data-figures="2 2 1 1"' in counted
    assert 'data-counted="total" data-figures="3 3 2 1"' in counted
    assert f"teller-{hall.slug}" in counted
