"""The supervision pages through a cookie session (CSRF-protected forms), as people use them: each form
shows only to those who may send it (the others get 403), a refusal comes back on the page with the
API's message (translated) and everything typed kept."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx

from minsheng.testing import Api

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def csrf(page: httpx.Response) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


@dataclass
class People:
    """Browsers logged in through the login form, one per role of a county (platform/docs/roles.md)."""

    clerk: httpx.AsyncClient  # the congress office (tenant_admin)
    committee: httpx.AsyncClient  # the standing committee
    deputy: httpx.AsyncClient  # on the roster as 张代表
    officer: httpx.AsyncClient  # the government

    async def close(self) -> None:
        for browser in (self.clerk, self.committee, self.deputy, self.officer):
            await browser.aclose()


async def _people(api: Api, office: Any) -> People:
    names = {"clerk": "tenant_admin", "committee": "standing_committee", "deputy": "deputy", "officer": "government"}
    for name, role in names.items():
        await office.add_person(f"page-{name}-{office.slug}", [role])
    listed = await api.client.post(
        f"{office.base}/deputies",
        json={"name": "张代表", "username": f"page-deputy-{office.slug}"},
        headers=await office.clerk(),
    )
    assert listed.status_code == 201, listed.text
    browsers = {}
    for name in names:
        browser = api.browser()
        assert (await api.page_login(browser, f"page-{name}-{office.slug}")).status_code == 303
        browsers[name] = browser
    return People(**browsers)


async def test_the_standing_committee_runs_an_evaluation_and_a_deputy_rates_on_the_phone(
    api: Api, make_office: Any
) -> None:
    office = await make_office()
    (project,) = await office.add_projects(1)
    people = await _people(api, office)
    pages = f"/t/{office.slug}/supervision/evaluations"
    listing = await people.committee.get(pages)
    assert listing.status_code == 200 and 'id="open-form"' in listing.text
    assert 'id="open-form"' not in (await people.clerk.get(pages)).text  # the office prepares, it does not run
    form = {"project_id": str(project), "title": "项目0满意度测评", "_csrf_token": csrf(listing)}
    assert (await people.clerk.post(pages, data=form)).status_code == 403
    opened = await people.committee.post(pages, data=form)
    assert opened.status_code == 303, opened.text
    detail_url = opened.headers["location"]
    evaluation = detail_url.rsplit("/", 1)[1]
    twice = await people.committee.post(pages, data={**form, "title": "第二次测评"})
    assert twice.status_code == 409 and "该项目已有进行中或待进行的测评" in twice.text
    assert 'value="第二次测评"' in twice.text

    mine = await people.deputy.get(f"/t/{office.slug}/evaluations")
    assert mine.status_code == 200 and f"/evaluations/{evaluation}/rate" in mine.text
    form_page = await people.deputy.get(f"/t/{office.slug}/evaluations/{evaluation}/rate")
    assert form_page.status_code == 200 and 'name="rating"' in form_page.text
    rate_url = f"/t/{office.slug}/evaluations/{evaluation}/rate"
    rated = await people.deputy.post(rate_url, data={"rating": "satisfied", "_csrf_token": csrf(form_page)})
    assert rated.status_code == 201, rated.text
    receipt = re.search(r'data-receipt="([0-9a-f]{12})"', rated.text)
    assert receipt
    again = await people.deputy.get(rate_url)
    assert 'name="rating"' not in again.text  # rated: the form is not offered again
    twice = await people.deputy.post(rate_url, data={"rating": "unsatisfied", "_csrf_token": csrf(again)})
    assert twice.status_code == 409
    assert (await people.officer.get(rate_url)).status_code == 403  # only deputies rate

    # Nobody but the standing committee runs the evaluation: no close button, and 403 when sent anyway.
    for other in (people.officer, people.clerk):
        assert "/close" not in (await other.get(detail_url)).text
        assert (await other.post(f"{detail_url}/close", data={"_csrf_token": csrf(listing)})).status_code == 403
    detail = await people.committee.get(detail_url)
    not_scheduled = await people.committee.post(f"{detail_url}/open", data={"_csrf_token": csrf(detail)})
    assert not_scheduled.status_code == 409 and "只有待整改后重新测评的测评才能开启" in not_scheduled.text
    assert f'href="{rate_url}"' not in detail.text and rate_url in detail.text  # shown, not a link it may not use
    closed = await people.committee.post(f"{detail_url}/close", data={"_csrf_token": csrf(detail)})
    assert closed.status_code == 303
    result = await people.committee.get(detail_url)
    assert 'id="outcome"' in result.text and receipt.group(1) in result.text
    api_view = (await api.client.get(f"{office.base}/evaluations/{evaluation}", headers=await office.clerk())).json()
    assert api_view["result"]["receipts"] == [receipt.group(1)] and api_view["outcome"] == "satisfied"
    await people.close()


async def test_the_government_reports_its_rectification_on_the_page(api: Api, make_office: Any) -> None:
    office = await make_office(deputies=3)
    (project,) = await office.add_projects(1)
    evaluation = await office.open_evaluation(project)
    await office.rate_many(evaluation, ["unsatisfied"] * 3)
    assert (await office.close(evaluation)).status_code == 200
    people = await _people(api, office)
    url = f"/t/{office.slug}/supervision/rectifications"
    page = await people.officer.get(url)
    assert page.status_code == 200 and "rectification-form" in page.text
    assert "rectification-form" not in (await people.committee.get(url)).text
    rectification = re.search(r"/supervision/rectifications/([0-9a-f-]{36})/report", page.text)
    assert rectification
    report_url = f"{url}/{rectification.group(1)}/report"
    blank = await people.officer.post(report_url, data={"report": "  ", "_csrf_token": csrf(page)})
    assert blank.status_code == 422 and "请说明整改情况" in blank.text
    assert (await people.committee.post(report_url, data={"report": "x", "_csrf_token": csrf(page)})).status_code == 403
    reported = await people.officer.post(report_url, data={"report": "已增设两个义诊点", "_csrf_token": csrf(page)})
    assert reported.status_code == 303
    after = await people.committee.get(url)
    assert "已增设两个义诊点" in after.text and "rectification-form" not in after.text
    await people.close()


async def test_an_inquiry_its_answers_and_commitments_on_the_pages(api: Api, make_office: Any) -> None:
    office = await make_office()
    (project,) = await office.add_projects(1)
    people = await _people(api, office)
    inquiries = f"/t/{office.slug}/supervision/inquiries"
    page = await people.clerk.get(inquiries)
    assert 'id="hold-form"' in page.text and 'id="hold-form"' not in (await people.officer.get(inquiries)).text
    hold = {
        "project_id": str(project),
        "title": "义诊专题询问",
        "participants": "主席团\n卫健办",
        "_csrf_token": csrf(page),
    }
    undated = await people.clerk.post(inquiries, data=hold)
    assert undated.status_code == 422 and "此项必填" in undated.text
    assert 'value="义诊专题询问"' in undated.text and "卫健办" in undated.text
    created = await people.clerk.post(inquiries, data={**hold, "held_on": "2026-06-18"})
    assert created.status_code == 303, created.text
    inquiry_url = created.headers["location"]

    page = await people.deputy.get(inquiry_url)
    assert 'id="ask-form"' in page.text and 'name="asked_by"' not in page.text
    assert 'id="ask-form"' not in (await people.officer.get(inquiry_url)).text
    asked = await people.deputy.post(
        f"{inquiry_url}/questions", data={"question": "义诊能否每月一次？", "_csrf_token": csrf(page)}
    )
    assert asked.status_code == 303
    clerk_page = await people.clerk.get(inquiry_url)
    unnamed = await people.clerk.post(
        f"{inquiry_url}/questions", data={"question": "路灯何时修好？", "_csrf_token": csrf(clerk_page)}
    )
    assert unnamed.status_code == 422 and "请填写提问的代表" in unnamed.text and "路灯何时修好？" in unnamed.text

    page = await people.officer.get(inquiry_url)
    assert "张代表" in page.text and "义诊能否每月一次？" in page.text
    question = re.search(r"/supervision/inquiry-questions/([0-9a-f-]{36})/answer", page.text)
    assert question
    assert "/answer" not in (await people.deputy.get(inquiry_url)).text
    answer_url = f"/t/{office.slug}/supervision/inquiry-questions/{question.group(1)}/answer"
    answer = {"answer": "可以。", "commitment": "每月义诊一次", "due_on": "2026-09-30", "_csrf_token": csrf(page)}
    nobody = await people.officer.post(answer_url, data=answer)
    assert nobody.status_code == 422 and "答复须写明答复人及答复内容" in nobody.text and "每月义诊一次" in nobody.text
    assert (await people.deputy.post(answer_url, data={**answer, "answered_by": "x"})).status_code == 403
    answered = await people.officer.post(answer_url, data={**answer, "answered_by": "卫健办 王某"})
    assert answered.status_code == 303, answered.text
    page = await people.officer.get(inquiry_url)
    commit_url = f"/t/{office.slug}/supervision/inquiry-questions/{question.group(1)}/commitments"
    empty = await people.officer.post(
        commit_url, data={"commitment": " ", "responsible_unit": "卫健办", "_csrf_token": csrf(page)}
    )
    assert empty.status_code == 422 and "整改承诺须写明承诺整改的事项" in empty.text
    assert 'value="卫健办"' in empty.text
    more = await people.officer.post(
        commit_url, data={"commitment": "增设义诊点", "responsible_unit": "卫健办", "_csrf_token": csrf(page)}
    )
    assert more.status_code == 303
    assert "增设义诊点" in (await people.deputy.get(inquiry_url)).text
    await people.close()


async def test_the_government_files_evidence_and_the_committee_closes_on_the_page(api: Api, make_office: Any) -> None:
    office = await make_office()
    (project,) = await office.add_projects(1)
    inquiry = await api.client.post(
        f"{office.base}/inquiries",
        json={"project_id": str(project), "held_on": "2026-06-18"},
        headers=await office.clerk(),
    )
    asked = await api.client.post(
        f"{office.base}/inquiries/{inquiry.json()['id']}/questions",
        json={"question": "何时完成？", "asked_by": "李代表"},
        headers=await office.clerk(),
    )
    await api.client.post(
        f"{office.base}/inquiry-questions/{asked.json()['id']}/answer",
        json={
            "answered_by": "王某",
            "answer": "年内",
            "commitments": [{"content": "每月义诊一次"}, {"content": "增设义诊点"}],
        },
        headers=await office.officer(),
    )
    people = await _people(api, office)
    tracking = f"/t/{office.slug}/supervision/commitments"
    listing = await people.officer.get(f"{tracking}?status=open")
    assert "evidence-form" in listing.text and "close-form" not in listing.text  # never closes its own
    committee_view = await people.committee.get(f"{tracking}?status=open")
    assert "close-form" in committee_view.text and "evidence-form" not in committee_view.text
    first, second = re.findall(r"/supervision/commitments/([0-9a-f-]{36})/evidence", listing.text)
    too_soon = await people.committee.post(
        f"{tracking}/{second}/close", data={"evidence_text": "", "_csrf_token": csrf(committee_view)}
    )
    assert too_soon.status_code == 422 and "整改承诺须提供办结材料方可销号" in too_soon.text
    empty = await people.officer.post(
        f"{tracking}/{first}/evidence", data={"evidence_text": " ", "_csrf_token": csrf(listing)}
    )
    assert empty.status_code == 422 and "办结材料须写明办理情况或附上文件" in empty.text
    filed = await people.officer.post(
        f"{tracking}/{first}/evidence",
        data={"evidence_text": "七月起每月义诊", "_csrf_token": csrf(listing)},
        files={"evidence_file": ("clinic.png", PNG, "image/png")},
    )
    assert filed.status_code == 303, filed.text
    evidence = (
        await api.client.get(f"{office.base}/commitments/{first}/evidence", headers=await office.clerk())
    ).json()
    (item,) = evidence["items"]
    reused = await people.officer.post(
        f"{tracking}/{second}/evidence", data={"evidence_text": "同上", "_csrf_token": csrf(listing)}
    )
    assert reused.status_code == 303  # a description alone is evidence too
    assert item["file_id"] and item["text"] == "七月起每月义诊"

    assert (
        await people.officer.post(f"{tracking}/{first}/close", data={"_csrf_token": csrf(listing)})
    ).status_code == 403
    closed = await people.committee.post(f"{tracking}/{first}/close", data={"_csrf_token": csrf(committee_view)})
    assert closed.status_code == 303, closed.text
    done = await people.deputy.get(f"{tracking}?status=closed")
    assert "七月起每月义诊" in done.text and "/close" not in done.text and f"/files/{item['file_id']}" in done.text
    await people.close()


async def test_a_deputy_files_an_inspection_with_a_visit_and_a_photo(api: Api, make_office: Any) -> None:
    office = await make_office()
    (project,) = await office.add_projects(1)
    people = await _people(api, office)
    project_url = f"/t/{office.slug}/supervision/projects/{project}"
    page = await people.deputy.get(project_url)
    assert page.status_code == 200 and "records/new?method=inspection" in page.text
    assert "records/new" not in (await people.officer.get(project_url)).text
    assert (await people.officer.get(f"{project_url}/records/new?method=inspection")).status_code == 403
    form_page = await people.deputy.get(f"{project_url}/records/new?method=inspection")
    assert form_page.status_code == 200 and 'name="field.findings"' in form_page.text
    record = {
        "method": "inspection",
        "field.held_on": "2026-06-01",
        "field.places": "东村\n西村",
        "field.participants": "张代表",
        "visit_place": ["东村卫生室", ""],
        "visit_date": ["2026-06-01", ""],
        "visit_notes": ["药品齐全", ""],
        "_csrf_token": csrf(form_page),
    }
    unfinished = await people.deputy.post(f"{project_url}/records", data=record)
    assert unfinished.status_code == 422 and "字段“发现的问题和意见”为必填项" in unfinished.text
    assert (
        "西村" in unfinished.text and 'value="东村卫生室"' in unfinished.text and 'value="药品齐全"' in unfinished.text
    )
    bad_day = await people.deputy.post(
        f"{project_url}/records", data={**record, "field.findings": "运行良好", "visit_date": ["六月一日", ""]}
    )
    assert bad_day.status_code == 422 and "日期格式不正确" in bad_day.text and 'value="六月一日"' in bad_day.text
    filed = await people.deputy.post(
        f"{project_url}/records",
        data={**record, "field.findings": "运行良好"},
        files={"photos": ("clinic.png", PNG, "image/png")},
    )
    assert filed.status_code == 303, filed.text
    (stored,) = (
        await api.client.get(f"{office.base}/projects/{project}/supervision-records", headers=await office.clerk())
    ).json()["items"]
    assert stored["fields"] == {
        "held_on": "2026-06-01",
        "places": ["东村", "西村"],
        "participants": ["张代表"],
        "findings": "运行良好",
    }
    assert stored["visits"][0]["place"] == "东村卫生室" and len(stored["photo_ids"]) == 1
    page = await people.officer.get(project_url)
    assert "东村卫生室" in page.text and f"/files/{stored['photo_ids'][0]}" in page.text
    await people.close()


async def test_the_office_prepares_the_plan_and_the_committee_adopts_it(api: Api, make_office: Any) -> None:
    office = await make_office(deputies=1)
    (project,) = await office.add_projects(1)
    people = await _people(api, office)
    edit = f"/t/{office.slug}/supervision/plan/edit?year=2026"
    page = await people.clerk.get(edit)
    assert 'id="plan-create"' in page.text
    assert 'id="plan-create"' not in (await people.committee.get(edit)).text
    plans = f"/t/{office.slug}/supervision/plans"
    untitled = await people.clerk.post(plans, data={"year": "2026", "title": " ", "_csrf_token": csrf(page)})
    assert untitled.status_code == 422 and "请填写监督计划的标题" in untitled.text
    started = await people.clerk.post(
        plans, data={"year": "2026", "title": "2026年监督计划", "_csrf_token": csrf(page)}
    )
    assert started.status_code == 303
    page = await people.clerk.get(edit)
    assert f'data-assign="{project}"' in page.text and 'id="plan-adopt"' not in page.text
    plan = re.search(r"/supervision/plans/([0-9a-f-]{36})/groups", page.text)
    assert plan
    assign = {
        "project_id": str(project),
        "name": "第一监督小组",
        "methods": ["follow_up_review"],
        "_csrf_token": csrf(page),
    }
    nobody = await people.clerk.post(f"{plans}/{plan.group(1)}/groups", data=assign)
    assert nobody.status_code == 422 and "监督小组须有一名主席团成员或至少一名代表" in nobody.text
    assert 'value="第一监督小组"' in nobody.text and 'value="follow_up_review" checked' in nobody.text
    assigned = await people.clerk.post(
        f"{plans}/{plan.group(1)}/groups", data={**assign, "deputies": str(office.deputies[0])}
    )
    assert assigned.status_code == 303, assigned.text
    assert (
        await people.clerk.post(f"{plans}/{plan.group(1)}/adopt", data={"_csrf_token": csrf(page)})
    ).status_code == 403
    page = await people.committee.get(edit)
    assert 'id="plan-adopt"' in page.text
    clerk_page = await people.clerk.get(edit)
    next_year = await people.clerk.post(
        plans, data={"year": "2027", "title": "2027年监督计划", "_csrf_token": csrf(clerk_page)}
    )
    assert next_year.status_code == 303
    empty_plan = re.search(
        r"/supervision/plans/([0-9a-f-]{36})/adopt", (await people.committee.get(edit.replace("2026", "2027"))).text
    )
    assert empty_plan
    groupless = await people.committee.post(f"{plans}/{empty_plan.group(1)}/adopt", data={"_csrf_token": csrf(page)})
    assert groupless.status_code == 409 and "通过监督计划前" in groupless.text
    adopted = await people.committee.post(f"{plans}/{plan.group(1)}/adopt", data={"_csrf_token": csrf(page)})
    assert adopted.status_code == 303
    view = await people.deputy.get(f"/t/{office.slug}/supervision/plan?year=2026")
    assert "第一监督小组" in view.text and "已通过" in view.text
    await people.close()


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
    people = await _people(api, office)
    page = await people.clerk.get(f"/t/{office.slug}/supervision/plan")
    assert page.status_code == 200
    assert "2026年监督计划" in page.text and "第一监督小组" in page.text
    missing = page.text.split('class="missing"')[1].split("</td>")[0]
    assert "回头看" in missing and "季度例会" not in missing
    await people.close()
