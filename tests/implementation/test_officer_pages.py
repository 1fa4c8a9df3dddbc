"""The officer's and the presidium's pages (cookie login, CSRF-checked forms): file a plan, report
progress with a photo, propose and decide an adjustment; errors come back on the page, translated."""

from __future__ import annotations

import re
from typing import Any

import httpx

from minsheng.testing import Api

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


async def _logged_in(api: Api, town: Any, who: str, roles: list[str]) -> httpx.AsyncClient:
    username = f"{who}-page-{town.slug}"
    await api.add_member(town.slug, username, roles)
    browser = api.browser()
    response = await api.page_login(browser, username)
    assert response.status_code == 303
    return browser


def _token(html: str) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


async def test_the_officer_and_the_presidium_work_from_their_pages(api: Api, town: Any) -> None:
    (project,) = await town.choose(["学校改造"])
    officer = await _logged_in(api, town, "officer", ["government"])
    page_url = f"/t/{town.slug}/implementation/projects/{project}"
    page = await officer.get(page_url)
    assert page.status_code == 200 and 'id="plan-form"' in page.text
    plan = {
        "responsible_unit": "镇教育办",
        "targets": "改造教室 6 间",
        "budget": "1200000",
        "funding_source": "县级财政",
        "deadline": "2026-11-30",
        "milestones": "2026-03-31 开工\n2026-10-31 竣工",
        "_csrf_token": _token(page.text),
    }
    wrong = await officer.post(f"{page_url}/work-plan", data={**plan, "milestones": "三月 开工"})
    assert wrong.status_code == 422
    assert "每个节点写作日期加名称" in wrong.text or "Write each milestone" in wrong.text
    filed = await officer.post(f"{page_url}/work-plan", data=plan)
    assert filed.status_code == 303 and filed.headers["location"].endswith("?done=plan")

    page = await officer.get(page_url)
    assert 'id="progress-form"' in page.text
    reported = await officer.post(
        f"{page_url}/progress",
        data={
            "percent_done": "30",
            "spent": "360000",
            "text": "地基完成",
            "milestone_id": re.findall(r'<option value="([0-9a-f-]{36})"', page.text)[0],
            "_csrf_token": _token(page.text),
        },
        files={"photo": ("site.png", PNG, "image/png")},
    )
    assert reported.status_code == 303, reported.text
    page = await officer.get(page_url)
    assert "地基完成" in page.text and f"/t/{town.slug}/files/" in page.text
    reports = await api.client.get(f"{town.base}/projects/{project}/progress", headers=await town.headers("deputy"))
    (report,) = reports.json()["items"]
    assert report["milestone_id"] is not None and len(report["photo_ids"]) == 1
    not_a_photo = await officer.post(
        f"{page_url}/progress",
        data={"percent_done": "40", "spent": "1", "text": "x", "_csrf_token": _token(page.text)},
        files={"photo": ("notes.txt", b"plain text, not a photo", "image/png")},
    )
    assert not_a_photo.status_code == 422

    proposed = await officer.post(
        f"{page_url}/adjustments",
        data={"kind": "terminate", "reason": "规划调整", "_csrf_token": _token(page.text)},
    )
    assert proposed.status_code == 303
    presidium = await _logged_in(api, town, "presidium", ["presidium"])
    overview = await presidium.get(f"/t/{town.slug}/implementation")
    assert "待决定的项目调整" in overview.text or "Adjustments waiting for a decision" in overview.text
    page = await presidium.get(page_url)
    adjustment_id = re.search(r"/implementation/adjustments/([0-9a-f-]+)/decision", page.text)
    assert adjustment_id
    forbidden = await officer.post(
        f"/t/{town.slug}/implementation/adjustments/{adjustment_id.group(1)}/decision",
        data={"decision": "approved", "_csrf_token": _token(page.text)},
    )
    assert forbidden.status_code == 403
    decided = await presidium.post(
        f"/t/{town.slug}/implementation/adjustments/{adjustment_id.group(1)}/decision",
        data={"decision": "approved", "notes": "同意", "_csrf_token": _token(page.text)},
    )
    assert decided.status_code == 303
    page = await presidium.get(page_url)
    assert 'id="progress-form"' not in page.text  # terminated: nothing more is filed
    assert "status--terminated" in page.text
    for client in (officer, presidium):
        await client.aclose()


async def test_quarterly_meetings_are_recorded_from_the_overview_page_after_login(api: Api, town: Any) -> None:
    await town.choose(["学校改造"])
    officer = await _logged_in(api, town, "officer", ["government"])
    page = await officer.get(f"/t/{town.slug}/implementation")
    assert page.status_code == 200 and 'id="meeting-form"' in page.text
    form = {
        "held_on": "2027-01-08",
        "quarter": "4",
        "attendees": "镇长\n人大主席",
        "conclusions": "全年任务完成",
        "_csrf_token": _token(page.text),
    }
    empty = await officer.post(f"/t/{town.slug}/implementation/quarterly-meetings", data={**form, "attendees": ""})
    assert empty.status_code == 422
    recorded = await officer.post(f"/t/{town.slug}/implementation/quarterly-meetings", data=form)
    assert recorded.status_code == 303
    listed = await api.client.get(f"{town.base}/quarterly-meetings", headers=await town.headers("deputy"))
    (meeting,) = listed.json()["items"]
    assert (meeting["year"], meeting["quarter"], meeting["attendees"]) == (2026, 4, ["镇长", "人大主席"])
    deputy = await _logged_in(api, town, "deputy", ["deputy"])
    seen = await deputy.get(f"/t/{town.slug}/implementation")
    assert "全年任务完成" in seen.text and 'id="meeting-form"' not in seen.text
    anonymous = api.browser()  # the staff pages need a login
    assert (await anonymous.get(f"/t/{town.slug}/implementation")).status_code in (401, 303)
    for client in (officer, deputy, anonymous):
        await client.aclose()
