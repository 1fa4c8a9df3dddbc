"""A deputy checks on the phone that their receipt is in the closed round's list of receipts; the
page lists the receipts alone, never beside any marks (platform/docs/threat-model.md)."""

from __future__ import annotations

from congress.test_congress_pages import deputy_browser

from minsheng.testing import Api


async def test_a_deputy_finds_their_receipt_in_the_closed_rounds_list(api: Api, hall) -> None:
    await hall.add_deputies(3)
    projects = await hall.add_projects(3)
    round_id = await hall.open_round(projects, 2)
    receipts = []
    for deputy in range(3):
        cast = await hall.vote(round_id, deputy, {"selected": [str(projects[deputy])]})
        receipts.append(cast.json()["receipt"])
    phone = await deputy_browser(hall, 0)
    url = f"/t/{hall.slug}/vote/{round_id}"
    assert 'id="receipt-check"' not in (await phone.get(url)).text, "no list before the close"
    assert (await hall.close(round_id)).status_code == 200

    page = await phone.get(url)
    assert page.status_code == 200 and 'id="round-receipts"' in page.text
    assert all(f"<code>{code}</code>" in page.text for code in receipts)
    listed = page.text.split('id="round-receipts"')[1].split("</ol>")[0]
    assert listed.count("<li>") == 3 and str(projects[0]) not in listed

    typed = " " + receipts[0].upper() + " "
    found = await phone.get(url, params={"receipt": typed})
    assert 'data-found="yes"' in found.text and 'data-found="no"' not in found.text
    missing = await phone.get(url, params={"receipt": "0123456789ab"})
    assert 'data-found="no"' in missing.text and 'data-found="yes"' not in missing.text
