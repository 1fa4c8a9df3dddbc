"""The implementation pages through a cookie session (CSRF-checked forms), as people use them: each
form shows only to those who may send it, a refusal comes back on the page with the API's message
(translated) beside its field and everything typed kept, and a success is followed by the page."""

from __future__ import annotations

import re
from typing import Any

import httpx
from sqlalchemy import func, select

from minsheng.collection.rules import china_day
from minsheng.db.base import utcnow
from minsheng.files.models import StoredFile
from minsheng.testing import Api

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
PLAN = {
    "responsible_unit": "镇教育办",
    "targets": "改造教室 6 间",
    "budget": "1200000",
    "funding_source": "县级财政",
    "deadline": "2026-11-30",
    "safeguards": "每月调度",
}


async def logged_in(api: Api, town: Any, who: str, roles: list[str]) -> httpx.AsyncClient:
    """A browser logged in through the login form as a new member of the town with ``roles``."""
    username = f"{who}-page-{town.slug}"
    await api.add_member(town.slug, username, roles)
    browser = api.browser()
    assert (await api.page_login(browser, username)).status_code == 303
    return browser


def token(page: httpx.Response) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert found, page.text[:400]
    return found.group(1)


def plan_form(page: httpx.Response, milestones: list[tuple[str, str]], **changes: str) -> dict[str, Any]:
    """The work plan form's fields as a browser sends them (milestone rows in order)."""
    return {
        **PLAN,
        "milestone_due": [due for _title, due in milestones],
        "milestone_title": [title for title, _due in milestones],
        "_csrf_token": token(page),
        **changes,
    }


async def stored_files(api: Api, town: Any) -> int:
    with town.scope():
        async with api.services.database.session() as session:
            return int((await session.execute(select(func.count()).select_from(StoredFile))).scalar_one())


async def test_the_officer_files_a_plan_with_milestones_and_changes_it_on_the_pages(api: Api, town: Any) -> None:
    (project,) = await town.choose(["学校改造"])
    officer = await logged_in(api, town, "officer", ["government"])
    deputy = await logged_in(api, town, "deputy", ["deputy"])
    url = f"/t/{town.slug}/implementation/projects/{project}"
    page = await officer.get(url)
    assert page.status_code == 200 and 'id="plan-form"' in page.text
    assert 'id="plan-form"' not in (await deputy.get(url)).text  # a deputy reads, and files nothing

    # A milestone after the deadline: the service's message beside its row, everything typed kept.
    late = plan_form(page, [("开工", "2026-03-31"), ("竣工验收", "2026-12-31")])
    refused = await officer.post(f"{url}/work-plan", data=late)
    assert refused.status_code == 422
    assert "节点时间不能晚于完成时限" in refused.text
    assert 'value="镇教育办"' in refused.text and 'value="竣工验收"' in refused.text and "每月调度" in refused.text
    not_a_date = plan_form(page, [("开工", "三月底")])
    refused = await officer.post(f"{url}/work-plan", data=not_a_date)
    assert refused.status_code == 422 and "日期格式不正确" in refused.text and 'value="三月底"' in refused.text
    by_deputy = await deputy.post(f"{url}/work-plan", data=plan_form(page, [("开工", "2026-03-31")]))
    assert by_deputy.status_code == 403

    filed = await officer.post(
        f"{url}/work-plan",
        data=plan_form(page, [("开工", "2026-03-31"), ("主体完工", "2026-08-31"), ("竣工验收", "2026-11-20")]),
    )
    assert filed.status_code == 303 and filed.headers["location"].endswith("?done=plan")
    plan = (
        await api.client.get(f"{town.base}/projects/{project}/work-plan", headers=await town.headers("deputy"))
    ).json()
    assert [m["title"] for m in plan["milestones"]] == ["开工", "主体完工", "竣工验收"]

    page = await officer.get(url)
    assert 'id="change-plan"' in page.text and 'id="plan-form"' not in page.text
    assert 'id="change-plan"' not in (await deputy.get(url)).text
    edit = await officer.get(f"{url}/work-plan/edit")
    assert edit.status_code == 200 and 'value="主体完工"' in edit.text and 'value="县级财政"' in edit.text
    assert (await deputy.get(f"{url}/work-plan/edit")).status_code == 403
    untitled = plan_form(edit, [("开工", "2026-03-31"), ("", "2026-09-30")])
    refused = await officer.post(f"{url}/work-plan/edit", data=untitled)
    assert refused.status_code == 422 and "此项必填" in refused.text and 'value="2026-09-30"' in refused.text
    changed = await officer.post(
        f"{url}/work-plan/edit",
        data=plan_form(edit, [("开工", "2026-03-31"), ("竣工验收", "2026-10-31")], budget="1300000"),
    )
    assert changed.status_code == 303 and changed.headers["location"].endswith("?done=plan_changed")
    plan = (
        await api.client.get(f"{town.base}/projects/{project}/work-plan", headers=await town.headers("deputy"))
    ).json()
    assert [m["title"] for m in plan["milestones"]] == ["开工", "竣工验收"]
    for client in (officer, deputy):
        await client.aclose()


async def test_the_officer_reports_progress_with_photos_and_a_refusal_keeps_no_file(api: Api, town: Any) -> None:
    (project,) = await town.choose(["学校改造"])
    assert (await town.file_plan(project)).status_code == 201
    officer = await logged_in(api, town, "officer", ["government"])
    url = f"/t/{town.slug}/implementation/projects/{project}"
    page = await officer.get(url)
    assert 'id="progress-form"' in page.text and "multiple" in page.text
    milestone = re.findall(r'<option value="([0-9a-f-]{36})"', page.text)[0]
    two_photos = [("photos", ("site.png", PNG, "image/png")), ("photos", ("gate.png", PNG, "image/png"))]
    reported = await officer.post(
        f"{url}/progress",
        data={
            "percent_done": "30",
            "spent": "360000",
            "text": "地基完成",
            "milestone_id": milestone,
            "_csrf_token": token(page),
        },
        files=two_photos,
    )
    assert reported.status_code == 303, reported.text
    (report,) = (
        await api.client.get(f"{town.base}/projects/{project}/progress", headers=await town.headers("deputy"))
    ).json()["items"]
    assert report["milestone_id"] == milestone and len(report["photo_ids"]) == 2
    before = await stored_files(api, town)

    # Percent done going down is refused with the API's message; the text typed stays, the photo goes.
    backwards = await officer.post(
        f"{url}/progress",
        data={"percent_done": "20", "spent": "400000", "text": "门窗安装中", "_csrf_token": token(page)},
        files=[("photos", ("site.png", PNG, "image/png"))],
    )
    assert backwards.status_code == 422
    assert "完成进度不能从 30% 降为 20%" in backwards.text and "门窗安装中" in backwards.text
    not_a_photo = await officer.post(
        f"{url}/progress",
        data={"percent_done": "40", "spent": "1", "text": "见附件", "_csrf_token": token(page)},
        files=[("photos", ("notes.txt", b"plain text, not a photo", "image/png"))],
    )
    assert not_a_photo.status_code == 422 and "见附件" in not_a_photo.text
    assert await stored_files(api, town) == before
    await officer.aclose()


async def test_an_adjustment_is_proposed_and_decided_at_a_meeting_on_the_pages(api: Api, town: Any) -> None:
    (project,) = await town.choose(["学校改造"])
    assert (await town.file_plan(project)).status_code == 201
    officer = await logged_in(api, town, "officer", ["government"])
    presidium = await logged_in(api, town, "presidium", ["presidium"])
    clerk = await logged_in(api, town, "clerk", ["tenant_admin"])
    url = f"/t/{town.slug}/implementation/projects/{project}"
    page = await officer.get(url)
    assert 'id="adjustment-form"' in page.text and "decision-form" not in page.text
    no_deadline = await officer.post(
        f"{url}/adjustments", data={"kind": "postpone", "reason": "雨季无法施工", "_csrf_token": token(page)}
    )
    assert no_deadline.status_code == 422 and "暂缓须给出新的完成时限" in no_deadline.text
    assert "雨季无法施工" in no_deadline.text and '<option value="postpone" selected' in no_deadline.text
    proposed = await officer.post(
        f"{url}/adjustments",
        data={"kind": "postpone", "reason": "雨季无法施工", "new_deadline": "2027-03-31", "_csrf_token": token(page)},
    )
    assert proposed.status_code == 303

    page = await presidium.get(url)
    assert "decision-form" in page.text and 'id="adjustment-form"' not in page.text
    assert "decision-form" not in (await clerk.get(url)).text  # the office prepares, it does not decide
    adjustment = re.search(r"/implementation/adjustments/([0-9a-f-]+)/decision", page.text)
    assert adjustment
    decision_url = f"/t/{town.slug}/implementation/adjustments/{adjustment.group(1)}/decision"
    today = china_day(utcnow()).isoformat()
    decision = {"decision": "approved", "meeting_date": today, "notes": "同意暂缓", "_csrf_token": token(page)}
    for who in (officer, clerk):
        assert (await who.post(decision_url, data={**decision, "meeting_name": "会议"})).status_code == 403
    unnamed = await presidium.post(decision_url, data=decision)
    assert unnamed.status_code == 422 and "请写明作出决定的会议" in unnamed.text and "同意暂缓" in unnamed.text
    decided = await presidium.post(decision_url, data={**decision, "meeting_name": "镇人大主席团第三次会议"})
    assert decided.status_code == 303 and decided.headers["location"].endswith("?done=decision")
    page = await officer.get(url)
    assert "镇人大主席团第三次会议" in page.text and "批准" in page.text
    for client in (officer, presidium, clerk):
        await client.aclose()


async def test_quarterly_meetings_and_the_report_to_the_session_on_the_overview_page(api: Api, town: Any) -> None:
    (project,) = await town.choose(["学校改造"])
    presidium = await logged_in(api, town, "presidium", ["presidium"])
    officer = await logged_in(api, town, "officer", ["government"])
    overview_url = f"/t/{town.slug}/implementation"
    page = await presidium.get(overview_url)
    assert page.status_code == 200 and 'id="meeting-form"' in page.text
    assert 'id="meeting-form"' not in (await officer.get(overview_url)).text
    form = {
        "held_on": "2027-01-08",
        "quarter": "4",
        "attendees": "镇长\n人大主席",
        "conclusions": "全年任务完成",
        "project_ids": str(project),
        "_csrf_token": token(page),
    }
    meetings_url = f"{overview_url}/quarterly-meetings"
    empty = await presidium.post(meetings_url, data={**form, "attendees": ""})
    assert empty.status_code == 422 and "例会须填写参会人员" in empty.text
    assert "全年任务完成" in empty.text and '<option value="4" selected' in empty.text and "checked" in empty.text
    assert (await officer.post(meetings_url, data=form)).status_code == 403
    recorded = await presidium.post(meetings_url, data=form)
    assert recorded.status_code == 303
    (meeting,) = (await api.client.get(f"{town.base}/quarterly-meetings", headers=await town.headers("deputy"))).json()[
        "items"
    ]
    assert (meeting["year"], meeting["quarter"], meeting["project_ids"]) == (2026, 4, [str(project)])

    # A decided adjustment waits for the next session; the office reports it from the overview.
    assert (await town.file_plan(project)).status_code == 201
    proposal = await api.client.post(
        f"{town.base}/projects/{project}/adjustments",
        json={"kind": "amend", "reason": "增加操场"},
        headers=await town.headers("officer"),
    )
    assert (await town.decide(proposal.json()["id"], "approved")).status_code == 200
    clerk = await logged_in(api, town, "clerk", ["tenant_admin"])
    congress = await api.client.post(
        f"{town.base}/sessions", json={"title": "第二次会议", "date": "2027-01-12"}, headers=await town.headers("clerk")
    )
    page = await clerk.get(overview_url)
    assert 'id="report-form"' in page.text and 'id="report-form"' not in (await officer.get(overview_url)).text
    unchosen = await clerk.post(f"{overview_url}/adjustments/reported-to-session", data={"_csrf_token": token(page)})
    assert unchosen.status_code == 422 and "请选择代表大会会议" in unchosen.text
    reported = await clerk.post(
        f"{overview_url}/adjustments/reported-to-session",
        data={"session_id": congress.json()["id"], "_csrf_token": token(page)},
    )
    assert reported.status_code == 303 and reported.headers["location"].endswith("?done=reported")
    assert 'id="to-report"' not in (await clerk.get(overview_url)).text
    anonymous = api.browser()  # the pages need a login
    assert (await anonymous.get(overview_url)).status_code in (401, 303)
    for client in (presidium, officer, clerk, anonymous):
        await client.aclose()
