"""Work plans and progress reports through the API (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from typing import Any as Town

from minsheng.testing import Api


async def test_the_government_files_a_work_plan_for_a_chosen_project(api: Api, town: Town) -> None:
    (project,) = await town.choose(["学校改造"])
    filed = await town.file_plan(project)
    assert filed.status_code == 201, filed.text
    plan = filed.json()
    assert plan["responsible_unit"] == "镇教育办"
    assert plan["due"] == "2026-02-10"
    assert [m["title"] for m in plan["milestones"]] == ["开工", "竣工"]
    # Filed today, long after the month that followed the vote.
    assert plan["filed_late"] is True

    again = await town.file_plan(project)
    assert again.status_code == 409
    shown = await api.client.get(f"{town.base}/projects/{project}/work-plan", headers=await town.headers("deputy"))
    assert shown.status_code == 200
    assert shown.json()["budget"] == 1200000

    changed = await api.client.put(
        f"{town.base}/projects/{project}/work-plan",
        json={
            **{k: plan[k] for k in ("responsible_unit", "targets", "funding_source", "deadline", "safeguards")},
            "budget": 1300000,
            "milestones": [{"title": "竣工", "due": "2026-11-01"}],
        },
        headers=await town.headers("officer"),
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["budget"] == 1300000
    assert [m["title"] for m in changed.json()["milestones"]] == ["竣工"]

    audit = await api.client.get(f"{town.base}/audit", headers=await town.headers("clerk"))
    if audit.status_code == 200:
        actions = [e["action"] for e in audit.json()["items"]]
        assert "work_plan.filed" in actions and "work_plan.changed" in actions


async def test_only_the_government_files_and_only_chosen_projects_have_plans(api: Api, town: Town) -> None:
    (project,) = await town.choose(["学校改造"], losers=1)
    refused = await api.client.post(
        f"{town.base}/projects/{project}/work-plan",
        json={
            "responsible_unit": "x",
            "targets": "y",
            "budget": 1,
            "funding_source": "z",
            "deadline": "2026-12-01",
            "milestones": [{"title": "a", "due": "2026-05-01"}],
        },
        headers=await town.headers("deputy"),
    )
    assert refused.status_code == 403
    listing = await api.client.get(f"{town.base}/implementation", headers=await town.headers("deputy"))
    assert [p["title"] for p in listing.json()["items"]] == ["学校改造"]
    loser = await api.client.get(f"/api/v1/t/{town.slug}/projects?q=落选", headers=await town.headers("clerk"))
    loser_id = loser.json()["items"][0]["id"]
    not_chosen = await town.file_plan(uuid.UUID(loser_id))
    assert not_chosen.status_code == 409
    assert "落选项目0" in not_chosen.json()["detail"]
    missing = await town.file_plan(uuid.uuid4())
    assert missing.status_code == 404


async def test_a_plan_is_refused_with_translated_field_errors(api: Api, town: Town) -> None:
    (project,) = await town.choose(["学校改造"])
    response = await town.file_plan(project, milestones=[{"title": "竣工", "due": "2027-01-31"}])
    assert response.status_code == 422
    english = await api.client.post(
        f"{town.base}/projects/{project}/work-plan",
        json={
            "responsible_unit": "镇教育办",
            "targets": "t",
            "budget": 1,
            "funding_source": "f",
            "deadline": "2026-11-30",
            "milestones": [{"title": "竣工", "due": "2027-01-31"}],
        },
        headers={**await town.headers("officer"), "Accept-Language": "en"},
    )
    assert english.status_code == 422
    assert english.json()["detail"] == "A milestone cannot fall after the deadline"


async def test_progress_with_a_photo_needs_a_plan_and_never_goes_backwards(api: Api, town: Town) -> None:
    (project,) = await town.choose(["学校改造"])
    early = await town.report(project)
    assert early.status_code == 409
    assert (await town.file_plan(project)).status_code == 201
    photo = await town.upload_photo()
    plan = (
        await api.client.get(f"{town.base}/projects/{project}/work-plan", headers=await town.headers("officer"))
    ).json()
    first = await town.report(
        project, photo_ids=[photo], milestone_id=plan["milestones"][0]["id"], year=2026, quarter=1
    )
    assert first.status_code == 201, first.text
    assert first.json()["photo_ids"] == [photo]
    assert first.json()["percent_done"] == 25

    backwards = await town.report(project, percent_done=10)
    assert backwards.status_code == 422
    not_a_photo = await api.client.post(
        f"{town.base}/files",
        files={"data": ("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
        headers=await town.headers("officer"),
    )
    if not_a_photo.status_code == 201:
        refused = await town.report(project, percent_done=30, photo_ids=[not_a_photo.json()["id"]])
        assert refused.status_code == 422

    second = await town.report(project, percent_done=60, spent=700000, year=2026, quarter=2)
    assert second.status_code == 201
    reports = await api.client.get(
        f"{town.base}/projects/{project}/progress?per_page=1", headers=await town.headers("deputy")
    )
    assert reports.json()["total"] == 2
    assert reports.json()["items"][0]["percent_done"] == 60

    listing = (await api.client.get(f"{town.base}/implementation", headers=await town.headers("deputy"))).json()
    assert listing["items"][0]["status"] == "in_progress"
    assert listing["statistics"]["spent"] == 700000


async def test_quarterly_meetings_are_recorded_and_listed(api: Api, town: Town) -> None:
    (project,) = await town.choose(["学校改造"])
    recorded = await api.client.post(
        f"{town.base}/quarterly-meetings",
        json={
            "year": 2026,
            "quarter": 1,
            "held_on": "2026-04-08",
            "attendees": ["镇长", "人大主席", "代表三名"],
            "conclusions": "进度正常，加快资金拨付",
            "project_ids": [str(project)],
        },
        headers=await town.headers("presidium"),
    )
    assert recorded.status_code == 201, recorded.text
    listed = await api.client.get(f"{town.base}/quarterly-meetings?year=2026", headers=await town.headers("deputy"))
    assert listed.json()["total"] == 1
    assert listed.json()["items"][0]["conclusions"] == "进度正常，加快资金拨付"
    for who in ("deputy", "officer"):  # the presidium and the office record the meeting
        denied = await api.client.post(
            f"{town.base}/quarterly-meetings",
            json={"year": 2026, "quarter": 1, "held_on": "2026-04-08", "attendees": ["x"], "conclusions": "y"},
            headers=await town.headers(who),
        )
        assert denied.status_code == 403
