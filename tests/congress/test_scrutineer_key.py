"""The scrutineers' custody of a round's key (``ballot_key_custody: scrutineers``): the key is split
among the session's scrutineers, the round cannot be counted until enough shares are entered, and a
wrong share is refused with a message naming the scrutineer's number (platform/docs/threat-model.md)."""

from __future__ import annotations

import re
from typing import Any

from congress.test_congress_pages import deputy_browser, form_token

from minsheng.testing import Api

SCRUTINEERS = {"minsheng.defaults": {"ballot_key_custody": "scrutineers", "ballot_key_shares_needed": 2}}


async def _round_held_by_scrutineers(api: Api, hall: Any) -> str:
    """A round whose key is split among deputies 0, 1 and 2, approved as the session's scrutineers."""
    session_id = await hall.new_session()
    presidium = await hall.presidium()
    for number, role in enumerate(("chief_scrutineer", "scrutineer", "scrutineer")):
        approved = await api.client.post(
            f"{hall.base}/sessions/{session_id}/scrutineers",
            json={"username": f"d{number}-{hall.slug}", "role": role},
            headers=presidium,
        )
        assert approved.status_code == 201, approved.text
    await hall.check_in(session_id, hall.deputies)
    projects = await hall.add_projects(3)
    created = await hall.new_round(session_id, projects, 2, "approve_up_to_seats")
    round_id = str(created.json()["id"])
    opened = await api.client.post(f"{hall.base}/rounds/{round_id}/open", headers=presidium)
    assert opened.status_code == 200, opened.text
    for deputy in range(4):
        assert (await hall.vote(round_id, deputy, {"selected": [str(projects[deputy % 3])]})).status_code == 201
    return round_id


async def test_a_round_is_counted_only_once_enough_scrutineers_entered_their_shares(api: Api, another_hall) -> None:
    hall = await another_hall(deputies=4, settings=SCRUTINEERS)
    round_id = await _round_held_by_scrutineers(api, hall)
    url = f"{hall.base}/rounds/{round_id}"
    shares = []
    for deputy in range(3):
        collected = await api.client.get(f"{url}/key-share", headers=hall.deputy_headers[deputy])
        assert collected.status_code == 200, collected.text
        body = collected.json()
        assert (body["number"], body["needed"], body["holders"]) == (deputy + 1, 2, 3)
        shares.append(body["share"])
    # Handed out once; never to anyone but its scrutineer.
    assert (await api.client.get(f"{url}/key-share", headers=hall.deputy_headers[0])).status_code == 409
    assert (await api.client.get(f"{url}/key-share", headers=hall.deputy_headers[3])).status_code == 403

    refused = await hall.close(round_id)
    assert refused.status_code == 409 and "0 of the 2 key shares" in refused.json()["detail"]
    entered = await api.client.post(f"{url}/key-shares", json={"share": shares[0]}, headers=hall.deputy_headers[0])
    assert entered.status_code == 200 and entered.json() == {"entered": 1, "needed": 2}
    still = await hall.close(round_id)
    assert still.status_code == 409 and "1 of the 2 key shares" in still.json()["detail"]

    # A share typed by people: case and spaces forgiven.
    typed = shares[2].lower().replace("-", " - ")
    entered = await api.client.post(f"{url}/key-shares", json={"share": typed}, headers=hall.deputy_headers[2])
    assert entered.json() == {"entered": 2, "needed": 2}
    closed = await hall.close(round_id)
    assert closed.status_code == 200, closed.text
    assert closed.json()["valid"] == 4 and len(closed.json()["receipts"]) == 4
    assert sorted(row["yes"] for row in closed.json()["candidates"]) == [1, 1, 2]


async def test_a_wrong_share_is_refused_naming_the_scrutineer(api: Api, another_hall) -> None:
    hall = await another_hall(deputies=4, settings=SCRUTINEERS)
    round_id = await _round_held_by_scrutineers(api, hall)
    url = f"{hall.base}/rounds/{round_id}"
    share = (await api.client.get(f"{url}/key-share", headers=hall.deputy_headers[1])).json()["share"]
    # One character of the share's first group mistyped (the number before it kept).
    at = share.index("-") + 1
    wrong = share[:at] + ("A" if share[at] != "A" else "B") + share[at + 1 :]
    headers = {**hall.deputy_headers[1], "Accept-Language": "zh-CN"}
    refused = await api.client.post(f"{url}/key-shares", json={"share": wrong}, headers=headers)
    assert refused.status_code == 422
    assert "这不是第2号监票人的密钥份额" in refused.json()["detail"]
    garbled = await api.client.post(f"{url}/key-shares", json={"share": "密钥"}, headers=headers)
    assert garbled.status_code == 422
    # Someone who holds no share enters none.
    stranger = await api.client.post(f"{url}/key-shares", json={"share": share}, headers=hall.deputy_headers[3])
    assert stranger.status_code == 403
    assert (await hall.close(round_id)).status_code == 409


async def test_a_scrutineer_collects_and_enters_a_share_on_the_page(api: Api, another_hall) -> None:
    hall = await another_hall(deputies=4, settings=SCRUTINEERS)
    round_id = await _round_held_by_scrutineers(api, hall)
    phone = await deputy_browser(hall, 1)
    assert f'data-key-round="{round_id}"' in (await phone.get(f"/t/{hall.slug}/vote")).text
    url = f"/t/{hall.slug}/rounds/{round_id}/key-share"
    page = await phone.get(url)
    assert page.status_code == 200 and 'data-entered="0" data-needed="2"' in page.text
    token = await form_token(phone, url)
    collected = await phone.post(f"{url}/collect", data={"_csrf_token": token})
    assert collected.status_code == 200 and collected.headers["cache-control"] == "no-store"
    share = re.search(r'data-share="([^"]+)"', collected.text)
    assert share and share.group(1).startswith("2-")
    again = await phone.post(f"{url}/collect", data={"_csrf_token": token})
    assert again.status_code == 409 and "data-share" not in again.text

    at = share.group(1).index("-") + 1
    wrong = share.group(1)[:at] + ("A" if share.group(1)[at] != "A" else "B") + share.group(1)[at + 1 :]
    refused = await phone.post(url, data={"share": wrong, "_csrf_token": token})
    assert refused.status_code == 422 and "这不是第2号监票人的密钥份额" in refused.text
    entered = await phone.post(url, data={"share": share.group(1), "_csrf_token": token})
    assert entered.status_code == 303
    assert 'data-entered="1" data-needed="2"' in (await phone.get(url)).text
    # A deputy who holds no share is shown nothing.
    other = await deputy_browser(hall, 3)
    assert (await other.get(url)).status_code == 403
