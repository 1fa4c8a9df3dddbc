"""A close refused on the desk (inside a savepoint, after the sealed ballots were opened) keeps the
round's key: the ballots stay sealed, and the close that follows counts them."""

from __future__ import annotations

from congress.test_congress_pages import form_token, presidium_browser
from congress.test_mixed_rounds import issue

from minsheng.testing import Api


async def test_a_refused_close_leaves_the_sealed_ballots_countable(api: Api, hall) -> None:
    await hall.add_deputies(3)
    projects = await hall.add_projects(3)
    round_id = await hall.open_round(projects, 2, method="mixed")
    for deputy in range(2):
        assert (await hall.vote(round_id, deputy, {"selected": [str(projects[deputy])]})).status_code == 201
    assert (await issue(api, hall, round_id, 2)).status_code == 201

    # The box holds one paper ballot, which no teller has entered: the close is refused on the page.
    presidium = await presidium_browser(hall)
    url = f"/t/{hall.slug}/congress/rounds/{round_id}/close"
    token = await form_token(presidium, url)
    refused = await presidium.post(url, data={"ballots_returned": "1", "_csrf_token": token})
    assert refused.status_code == 409 and 'role="alert"' in refused.text
    status = await api.client.get(f"{hall.base}/rounds/{round_id}", headers=await hall.clerk())
    assert status.json()["status"] == "open"

    await hall.enter_twice(round_id, [[str(projects[2])]])
    closed = await hall.close(round_id, ballots_returned=1)
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert (body["valid"], len(body["receipts"])) == (3, 2)
    assert sorted(row["yes"] for row in body["candidates"]) == [1, 1, 1]


async def test_deleting_a_tenant_destroys_the_keys_of_its_open_rounds(api: Api, hall) -> None:
    await hall.add_deputies(2)
    projects = await hall.add_projects(3)
    await hall.open_round(projects, 2)
    store = api.services.store
    kept = await store.list(f"ballot-keys/{hall.tenant_id}/")
    assert len(kept) == 1
    deleted = await api.client.delete(
        f"/api/v1/admin/tenants/{hall.slug}", params={"confirm": hall.slug}, headers=await api.operator()
    )
    assert deleted.status_code == 200, deleted.text
    assert await store.list(f"ballot-keys/{hall.tenant_id}/") == []
