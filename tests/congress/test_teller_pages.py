"""The tellers' desktop pages: paper ballots entered one by one, the running count, the double-entry
comparison (agreement or the differing markings), undo, permissions, CSRF and escaping."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import httpx
from congress.test_congress_pages import XSS, clerk_browser, deputy_browser, form_token, signed_in
from sqlalchemy import update

from minsheng.congress.hall.reading import CandidateLine
from minsheng.congress.voting.teller_pages import marks, paper_content, quick_content
from minsheng.errors import InvalidInput
from minsheng.projects.models import Project
from minsheng.testing import Api


async def teller_browser(hall: Any, second: bool = False) -> httpx.AsyncClient:
    browser = await signed_in(hall, f"{'teller2' if second else 'teller'}-{hall.slug}")
    browser.headers["Accept-Language"] = "en"  # the count line is asserted in English, whatever the catalogs
    return browser


async def enter(browser: httpx.AsyncClient, url: str, selected: list[Any], **extra: str) -> httpx.Response:
    token = await form_token(browser, url)
    data: dict[str, Any] = {"_csrf_token": token, "selected": [str(p) for p in selected], **extra}
    return await browser.post(url, data=data)


def count_line(html: str) -> str:
    found = re.search(r'id="teller-count">\s*([^<]+)<', html)
    assert found, html
    return found.group(1).strip()


async def test_two_tellers_who_agree_let_the_staff_close_the_round(api: Api, hall) -> None:
    await hall.add_deputies(3)
    a, b, c = await hall.add_projects(3)
    round_id = await hall.open_round([a, b, c], 2, method="paper")
    first, second = await teller_browser(hall), await teller_browser(hall, second=True)
    listing = await first.get(f"/t/{hall.slug}/paper-ballots")
    assert listing.status_code == 200 and f'data-round="{round_id}"' in listing.text
    url = f"/t/{hall.slug}/paper-ballots/{round_id}"
    box = [[a, b], [c], [a, b, c]]  # the last one has too many marks: invalid, but entered
    for teller, order in ((first, box), (second, list(reversed(box)))):
        for marked in order:
            entered = await enter(teller, url, marked)
            assert entered.status_code == 303, entered.text
            assert entered.headers["location"].startswith(f"{url}?last=")
    page = await first.get(url)
    assert count_line(page.text) == "You have entered 3 ballots: 2 valid, 1 invalid."
    assert 'data-agreement="agree"' in page.text and 'id="differences"' not in page.text
    assert (await first.get(f"/t/{hall.slug}/paper-ballots")).text.count("<td>3</td>") == 1

    clerk = await clerk_browser(hall)
    close_url = f"/t/{hall.slug}/congress/rounds/{round_id}/close"
    token = await form_token(clerk, close_url)
    closed = await clerk.post(close_url, data={"_csrf_token": token, "ballots_issued": "3", "ballots_returned": "3"})
    assert closed.status_code == 303, closed.text
    result = await api.client.get(f"{hall.base}/rounds/{round_id}/result", headers=await hall.clerk())
    assert (result.json()["valid"], result.json()["invalid"]) == (2, 1), result.text
    after = await first.get(url)
    assert 'id="ballot-form"' not in after.text, "a closed round takes no more ballots"
    late = await enter(first, url, [a])
    assert late.status_code == 409


async def test_a_mismatch_lists_the_differing_markings_and_undo_fixes_it(api: Api, hall) -> None:
    await hall.add_deputies(2)
    a, b, c = await hall.add_projects(3)
    round_id = await hall.open_round([a, b, c], 2, method="paper")
    first, second = await teller_browser(hall), await teller_browser(hall, second=True)
    url = f"/t/{hall.slug}/paper-ballots/{round_id}"
    assert (await enter(first, url, [c])).status_code == 303
    waiting = await first.get(url)
    assert 'data-agreement="waiting"' in waiting.text
    slip = await enter(first, url, [a])
    assert (await enter(second, url, [c])).status_code == 303
    assert (await enter(second, url, [b])).status_code == 303
    page = await second.get(url)
    assert 'data-agreement="differ"' in page.text
    assert page.text.count('class="difference"') == 2
    assert f"teller-{hall.slug}" in page.text and f"teller2-{hall.slug}" in page.text
    api_view = await api.client.get(f"{hall.base}/rounds/{round_id}/paper-entries", headers=await hall.teller())
    assert len(api_view.json()["differences"]) == 2, "the page shows the service's differences"

    # The recount: the first teller undoes the slip and types the ballot again.
    just_entered = await first.get(slip.headers["location"])
    entry = re.search(r'name="entry" value="([^"]+)"', just_entered.text)
    assert entry, "the undo is offered for the ballot just entered"
    token = await form_token(first, url)
    by_other = await second.post(
        f"{url}/undo", data={"_csrf_token": await form_token(second, url), "entry": entry.group(1)}
    )
    assert by_other.status_code == 403, "only the teller who entered a ballot can undo it"
    undone = await first.post(f"{url}/undo", data={"_csrf_token": token, "entry": entry.group(1)})
    assert undone.status_code == 303, undone.text
    assert (await enter(first, url, [b])).status_code == 303
    agreed = await first.get(url)
    assert 'data-agreement="agree"' in agreed.text
    assert count_line(agreed.text) == "You have entered 2 ballots: 2 valid, 0 invalid."


async def test_deputies_and_staff_get_403_and_another_tenant_404(api: Api, hall, another_hall) -> None:
    await hall.add_deputies(1)
    a, b = await hall.add_projects(2)
    round_id = await hall.open_round([a, b], 1, method="paper")
    pages = (f"/t/{hall.slug}/paper-ballots", f"/t/{hall.slug}/paper-ballots/{round_id}")
    deputy = await deputy_browser(hall, 0)
    clerk = await clerk_browser(hall)
    for url in pages:
        assert (await deputy.get(url)).status_code == 403, url
        assert (await clerk.get(url)).status_code == 403, url
    stranger = await teller_browser(await another_hall())
    for url in pages:
        assert (await stranger.get(url)).status_code == 404, url
    other = await another_hall()
    own_teller = await teller_browser(other)
    assert (await own_teller.get(f"/t/{other.slug}/paper-ballots/{round_id}")).status_code == 404
    visitor = api.browser()
    assert (await visitor.get(pages[0], headers={"Accept": "text/html"})).status_code == 303


async def test_titles_are_escaped_and_posts_without_the_csrf_token_are_refused(api: Api, hall) -> None:
    await hall.add_deputies(1)
    a, b = await hall.add_projects(2)
    with hall.scope():
        async with api.services.database.session() as session:
            await session.execute(update(Project).where(Project.id == a).values(title=XSS))
            await session.commit()
    round_id = await hall.open_round([a, b], 1, method="paper", title=XSS)
    first, second = await teller_browser(hall), await teller_browser(hall, second=True)
    url = f"/t/{hall.slug}/paper-ballots/{round_id}"
    refused = await first.post(url, data={"selected": [str(a)]})
    assert refused.status_code == 403
    assert (await enter(first, url, [a])).status_code == 303
    assert (await enter(second, url, [b])).status_code == 303
    for page in (await first.get(f"/t/{hall.slug}/paper-ballots"), await first.get(url)):
        assert XSS not in page.text and "&lt;script&gt;" in page.text
    api_view = await api.client.get(f"{hall.base}/rounds/{round_id}/paper-entries", headers=await hall.teller())
    assert [e["ballots"] for e in api_view.json()["entries"]] == [1, 1], "the refused post entered nothing"


async def test_a_yes_no_ballot_is_entered_as_marked_and_a_blank_one_counts_as_entered(api: Api, hall) -> None:
    await hall.add_deputies(2)
    a, b = await hall.add_projects(2)
    round_id = await hall.open_round([a, b], 1, "yes_no_abstain", method="paper")
    first, second = await teller_browser(hall), await teller_browser(hall, second=True)
    url = f"/t/{hall.slug}/paper-ballots/{round_id}"
    form = await first.get(url)
    assert form.text.count('type="radio"') == 6 and "autofocus" in form.text
    token = await form_token(first, url)
    full = await first.post(url, data={"_csrf_token": token, f"choice-{a}": "yes", f"choice-{b}": "no"})
    assert full.status_code == 303, full.text
    blank = await first.post(url, data={"_csrf_token": token, f"choice-{a}": "yes", "blank": "1"})
    assert blank.status_code == 303, "the blank button ignores stray marks"
    token = await form_token(second, url)
    # The second teller misses the mark beside b: entered as marked, the format decides its validity.
    partial = await second.post(url, data={"_csrf_token": token, f"choice-{a}": "yes"})
    assert partial.status_code == 303, partial.text
    assert (await second.post(url, data={"_csrf_token": token, "blank": "1"})).status_code == 303
    api_view = await api.client.get(f"{hall.base}/rounds/{round_id}/paper-entries", headers=await hall.teller())
    entries = api_view.json()["entries"]
    page = await first.get(url)
    mine = entries[0]
    assert count_line(page.text) == (f"You have entered 2 ballots: {mine['valid']} valid, {mine['invalid']} invalid.")
    assert 'data-agreement="differ"' in page.text and page.text.count('class="difference"') == 2
    first_name, second_name = f"teller-{hall.slug}", f"teller2-{hall.slug}"
    differences = {
        (json.dumps(d["content"], sort_keys=True), d["counts"][first_name], d["counts"][second_name])
        for d in api_view.json()["differences"]
    }
    assert differences == {
        (json.dumps({str(a): "yes", str(b): "no"}, sort_keys=True), 1, 0),
        (json.dumps({str(a): "yes"}), 0, 1),
    }, "the blank ballots agree; the missed mark is the difference"
    table = re.search(r'id="differences".*?</table>', page.text, re.S)
    assert table, page.text
    assert table.group(0).count("In favour") == 2 and table.group(0).count("Against") == 1
    assert table.group(0).count("<b>—</b>") == 1, "the mark the second teller missed shows as no mark"


def test_paper_content_keeps_the_marks_as_they_are_on_the_paper() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    lines = [CandidateLine(a, "A"), CandidateLine(b, "B")]
    assert paper_content("choices", lines, {f"choice-{a}": "yes"}, blank=False) == {str(a): "yes"}
    assert paper_content("selection", lines, {"selected": [str(a), str(b), "x"]}, blank=False) == [str(a), str(b)]
    assert paper_content("ranking", lines, {f"rank-{b}": "1", f"rank-{a}": "2"}, blank=False) == [str(b), str(a)]
    assert paper_content("choices", lines, {f"choice-{a}": "yes"}, blank=True) == {}
    assert paper_content("selection", lines, {"selected": str(a)}, blank=True) == []
    try:
        paper_content("ranking", lines, {f"rank-{b}": "1", f"rank-{a}": "1"}, blank=False)
    except InvalidInput as error:
        assert "one candidate only" in error.message
    else:
        raise AssertionError("two candidates with one rank cannot be read")


def test_marks_show_a_marking_in_ballot_paper_order() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    lines = [CandidateLine(a, "A"), CandidateLine(b, "B")]
    assert marks({str(b): "no"}, lines, ranked=False) == [("A", None), ("B", "no")]
    assert marks([str(b), str(a)], lines, ranked=True) == [("A", 2), ("B", 1)]
    assert marks([str(b)], lines, ranked=False) == [("A", None), ("B", "x")]


async def test_quick_entry_types_a_ballot_on_one_line_and_a_slip_is_shown_on_the_form(api: Api, hall) -> None:
    await hall.add_deputies(1)
    a, b, c = await hall.add_projects(3)
    round_id = await hall.open_round([a, b, c], 2, method="paper")
    first = await teller_browser(hall)
    url = f"/t/{hall.slug}/paper-ballots/{round_id}"
    token = await form_token(first, url)
    assert (await first.post(url, data={"_csrf_token": token, "quick": "3, 1"})).status_code == 303
    slip = await first.post(url, data={"_csrf_token": token, "quick": "1 4"})
    assert slip.status_code == 422
    assert "Type candidate numbers from 1 to 3" in slip.text and 'value="1 4"' in slip.text
    api_view = await api.client.get(f"{hall.base}/rounds/{round_id}/paper-entries", headers=await hall.teller())
    assert api_view.json()["entries"][0]["ballots"] == 1, "the slip entered nothing"


def test_quick_entry_reads_numbers_and_letters() -> None:
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    lines = [CandidateLine(a, "A"), CandidateLine(b, "B"), CandidateLine(c, "C")]
    assert quick_content("selection", lines, " 1 3 ") == [str(a), str(c)]
    assert quick_content("ranking", lines, "3,1") == [str(c), str(a)]
    assert quick_content("choices", lines, "Y-a") == {str(a): "yes", str(c): "abstain"}
    assert quick_content("choices", lines, "y n a") == {str(a): "yes", str(b): "no", str(c): "abstain"}
    for kind, text in (
        ("selection", "0"),
        ("selection", "4"),
        ("ranking", "1 1"),
        ("selection", "x"),
        ("choices", "yn"),
        ("choices", "ynaa"),
        ("choices", "ynq"),
    ):
        try:
            quick_content(kind, lines, text)
        except InvalidInput:
            continue
        raise AssertionError((kind, text))
