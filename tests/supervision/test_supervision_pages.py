"""The supervision pages through a cookie session (CSRF-protected forms), as people use them."""

from __future__ import annotations

import re
from typing import Any

import httpx

from minsheng.testing import Api


def csrf(page: httpx.Response) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


async def _people(api: Api, office: Any) -> tuple[httpx.AsyncClient, httpx.AsyncClient, httpx.AsyncClient]:
    """A logged-in clerk (presidium), deputy (on the roster) and government officer, each a browser."""
    await api.add_member(office.slug, f"zhuxi-{office.slug}", ["tenant_admin", "presidium"])
    await api.add_member(office.slug, f"daibiao-{office.slug}", ["deputy"])
    await api.add_member(office.slug, f"zhengfu-{office.slug}", ["government"])
    listed = await api.client.post(
        f"{office.base}/deputies",
        json={"name": "张代表", "username": f"daibiao-{office.slug}"},
        headers=await office.clerk(),
    )
    assert listed.status_code == 201, listed.text
    browsers = []
    for name in ("zhuxi", "daibiao", "zhengfu"):
        browser = api.browser()
        assert (await api.page_login(browser, f"{name}-{office.slug}")).status_code == 303
        browsers.append(browser)
    return browsers[0], browsers[1], browsers[2]


async def test_the_presidium_runs_an_evaluation_and_a_deputy_rates_on_the_phone(api: Api, make_office: Any) -> None:
    office = await make_office()
    (project,) = await office.add_projects(1)
    clerk, deputy, officer = await _people(api, office)
    pages = f"/t/{office.slug}/supervision/evaluations"
    listing = await clerk.get(pages)
    assert listing.status_code == 200 and "项目0" in listing.text
    opened = await clerk.post(
        pages, data={"project_id": str(project), "title": "项目0满意度测评", "_csrf_token": csrf(listing)}
    )
    assert opened.status_code == 303, opened.text
    detail_url = opened.headers["location"]
    evaluation = detail_url.rsplit("/", 1)[1]
    detail = await clerk.get(detail_url)
    assert detail.status_code == 200 and "项目0满意度测评" in detail.text

    mine = await deputy.get(f"/t/{office.slug}/evaluations")
    assert mine.status_code == 200 and f"/evaluations/{evaluation}/rate" in mine.text
    form = await deputy.get(f"/t/{office.slug}/evaluations/{evaluation}/rate")
    assert form.status_code == 200 and 'name="rating"' in form.text
    rated = await deputy.post(
        f"/t/{office.slug}/evaluations/{evaluation}/rate", data={"rating": "satisfied", "_csrf_token": csrf(form)}
    )
    assert rated.status_code == 201, rated.text
    receipt = re.search(r'data-receipt="([0-9a-f]{12})"', rated.text)
    assert receipt
    again = await deputy.get(f"/t/{office.slug}/evaluations/{evaluation}/rate")
    assert 'name="rating"' not in again.text  # rated: the form is not offered again
    twice = await deputy.post(
        f"/t/{office.slug}/evaluations/{evaluation}/rate", data={"rating": "unsatisfied", "_csrf_token": csrf(again)}
    )
    assert twice.status_code == 409
    # Nobody but the presidium runs the evaluation; the officer's page has no close button.
    assert "/close" not in (await officer.get(detail_url)).text
    refused = await officer.post(f"{detail_url}/close", data={"_csrf_token": csrf(detail)})
    assert refused.status_code == 403

    closed = await clerk.post(f"{detail_url}/close", data={"_csrf_token": csrf(detail)})
    assert closed.status_code == 303
    result = await clerk.get(detail_url)
    assert 'id="outcome"' in result.text and receipt.group(1) in result.text
    api_view = (await api.client.get(f"{office.base}/evaluations/{evaluation}", headers=await office.clerk())).json()
    assert api_view["result"]["receipts"] == [receipt.group(1)] and api_view["outcome"] == "satisfied"


async def test_an_inquiry_and_its_commitments_on_the_pages(api: Api, make_office: Any) -> None:
    office = await make_office()
    (project,) = await office.add_projects(1)
    clerk, deputy, officer = await _people(api, office)
    inquiries = f"/t/{office.slug}/supervision/inquiries"
    page = await clerk.get(inquiries)
    created = await clerk.post(
        inquiries,
        data={
            "project_id": str(project),
            "held_on": "2026-06-18",
            "title": "义诊专题询问",
            "participants": "主席团\n卫健办",
            "_csrf_token": csrf(page),
        },
    )
    assert created.status_code == 303, created.text
    inquiry_url = created.headers["location"]
    page = await deputy.get(inquiry_url)
    asked = await deputy.post(
        f"{inquiry_url}/questions", data={"question": "义诊能否每月一次？", "_csrf_token": csrf(page)}
    )
    assert asked.status_code == 303
    page = await officer.get(inquiry_url)
    assert "张代表" in page.text and "义诊能否每月一次？" in page.text
    question = re.search(r"/supervision/inquiry-questions/([0-9a-f-]{36})/answer", page.text)
    assert question
    answered = await officer.post(
        f"/t/{office.slug}/supervision/inquiry-questions/{question.group(1)}/answer",
        data={
            "answered_by": "卫健办 王某",
            "answer": "可以。",
            "commitment": "每月义诊一次",
            "due_on": "2026-09-30",
            "responsible_unit": "卫健办",
            "_csrf_token": csrf(page),
        },
    )
    assert answered.status_code == 303, answered.text

    tracking = f"/t/{office.slug}/supervision/commitments"
    listing = await officer.get(f"{tracking}?status=open")
    assert listing.status_code == 200 and "每月义诊一次" in listing.text
    commitment = re.search(r"/supervision/commitments/([0-9a-f-]{36})/close", listing.text)
    assert commitment
    empty = await officer.post(
        f"{tracking}/{commitment.group(1)}/close", data={"evidence_text": " ", "_csrf_token": csrf(listing)}
    )
    assert empty.status_code == 422
    done = await officer.post(
        f"{tracking}/{commitment.group(1)}/close",
        data={"evidence_text": "七月起每月义诊", "_csrf_token": csrf(listing)},
    )
    assert done.status_code == 303
    closed = await deputy.get(f"{tracking}?status=closed")
    assert "七月起每月义诊" in closed.text and "/close" not in closed.text


async def test_a_visitor_is_sent_to_the_login_form(api: Api, make_office: Any) -> None:
    office = await make_office()
    async with api.browser() as visitor:
        response = await visitor.get(f"/t/{office.slug}/supervision/commitments")
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


async def test_the_plan_page_shows_the_methods_still_missing(api: Api, make_office: Any) -> None:
    office = await make_office(deputies=1, plugins=["henan-baofeng"])
    (project,) = await office.add_projects(1)
    plan = (
        await api.client.post(
            f"{office.base}/supervision/plans",
            json={"year": 2026, "title": "2026年监督计划"},
            headers=await office.clerk(),
        )
    ).json()["id"]
    await api.client.post(
        f"{office.base}/supervision/plans/{plan}/groups",
        json={"project_id": str(project), "name": "第一监督小组", "deputy_ids": [str(office.deputies[0])]},
        headers=await office.clerk(),
    )
    await api.client.post(
        f"{office.base}/projects/{project}/supervision-records",
        json={"method": "quarterly_meeting", "fields": {"held_on": "2026-04-01", "participants": ["主席团"]}},
        headers=await office.clerk(),
    )
    clerk, _deputy, _officer = await _people(api, office)
    page = await clerk.get(f"/t/{office.slug}/supervision/plan")
    assert page.status_code == 200
    assert "2026年监督计划" in page.text and "第一监督小组" in page.text
    missing = page.text.split('class="missing"')[1].split("</td>")[0]
    assert "回头看" in missing and "季度例会" not in missing
