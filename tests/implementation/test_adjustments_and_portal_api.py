"""Adjustments decided by the presidium (a township's) at a meeting, and the public portal that shows them
(both backends)."""

from __future__ import annotations

from typing import Any

from minsheng.notifications.testing import capture_channel
from minsheng.testing import Api

Town = Any


async def _propose(api: Api, town: Town, project: Any, **body: Any) -> Any:
    return await api.client.post(
        f"{town.base}/projects/{project}/adjustments", json=body, headers=await town.headers("officer")
    )


async def test_a_terminated_project_leaves_the_statistics_but_stays_on_the_record(api: Api, town: Town) -> None:
    """Terminated by decision, out of the progress statistics, kept with its decision."""
    kept, ended = await town.choose(["学校改造", "道路提质"])
    for project in (kept, ended):
        assert (await town.file_plan(project)).status_code == 201
        assert (await town.report(project, percent_done=40, spent=400000)).status_code == 201

    proposed = await _propose(api, town, ended, kind="terminate", reason="规划调整，线路取消")
    assert proposed.status_code == 201, proposed.text
    adjustment = proposed.json()
    assert (adjustment["status"], adjustment["decision_body"]) == ("proposed", "presidium")
    twice = await _propose(api, town, ended, kind="postpone", reason="x", new_deadline="2027-06-30")
    assert twice.status_code == 409

    for who in ("officer", "clerk"):  # the government proposes, the office prepares: neither decides
        assert (await town.decide(adjustment["id"], "approved", who=who)).status_code == 403
    with capture_channel("capture", accepts="user") as sent:
        decided = await town.decide(adjustment["id"], "approved", notes="同意终止")
        await api.services.dispatcher.drain()
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "approved"
    assert decided.json()["meeting_name"] == "镇人大主席团第三次会议"
    assert "道路提质" in decided.json()["notice"] and "镇人大主席团第三次会议" in decided.json()["notice"]
    assert len(sent) == 1  # the government was told, once
    again = await town.decide(adjustment["id"], "rejected")
    assert again.status_code == 409

    listing = (await api.client.get(f"{town.base}/implementation", headers=await town.headers("deputy"))).json()
    statistics = listing["statistics"]
    assert (statistics["projects"], statistics["terminated"], statistics["spent"]) == (1, 1, 400000)
    states = {p["title"]: p for p in listing["items"]}
    assert states["道路提质"]["status"] == "terminated"
    assert states["学校改造"]["status"] == "in_progress"

    # On the record: its plan, its progress, its decision; nothing new may be filed for it.
    assert (
        await api.client.get(f"{town.base}/projects/{ended}/work-plan", headers=await town.headers("deputy"))
    ).status_code == 200
    assert (await town.report(ended, percent_done=50)).status_code == 409
    for_session = await api.client.get(
        f"{town.base}/adjustments?for_next_session=true", headers=await town.headers("deputy")
    )
    assert [a["project_id"] for a in for_session.json()["items"]] == [str(ended)]
    congress = await api.client.post(
        f"{town.base}/sessions", json={"title": "第二次会议", "date": "2027-01-12"}, headers=await town.headers("clerk")
    )
    reported = await api.client.post(
        f"{town.base}/adjustments/reported-to-session",
        json={"session_id": congress.json()["id"]},
        headers=await town.headers("clerk"),
    )
    assert reported.json() == {"reported": 1}
    after = await api.client.get(f"{town.base}/adjustments?for_next_session=true", headers=await town.headers("deputy"))
    assert after.json()["total"] == 0

    public = (await api.client.get(f"/api/v1/t/{town.slug}/public/projects")).json()
    assert public["year"] == 2026
    assert public["statistics"]["projects"] == 1 and public["statistics"]["terminated"] == 1
    notices = (await api.client.get(f"/api/v1/t/{town.slug}/public/notices")).json()
    assert notices["total"] == 1 and notices["items"][0]["project_title"] == "道路提质"


async def test_a_postponement_moves_the_deadline_and_a_rejection_changes_nothing(api: Api, town: Town) -> None:
    (project,) = await town.choose(["学校改造"])
    assert (await town.file_plan(project)).status_code == 201
    early = await _propose(api, town, project, kind="postpone", reason="雨季", new_deadline="2026-10-01")
    assert early.status_code == 422
    rejected = (await _propose(api, town, project, kind="amend", reason="增加内容", proposal="增加操场")).json()
    assert (await town.decide(rejected["id"], "rejected")).status_code == 200
    postponed = (await _propose(api, town, project, kind="postpone", reason="雨季", new_deadline="2027-03-31")).json()
    approved = await town.decide(postponed["id"], "approved")
    assert approved.status_code == 200
    listing = (await api.client.get(f"{town.base}/implementation", headers=await town.headers("deputy"))).json()
    assert listing["items"][0]["deadline"] == "2027-03-31"
    pending = await api.client.get(f"{town.base}/adjustments?status=rejected", headers=await town.headers("deputy"))
    assert pending.json()["total"] == 1


async def test_the_public_portal_shows_progress_and_photos_but_nothing_personal(api: Api, town: Town) -> None:
    (project,) = await town.choose(["学校改造"])
    assert (await town.file_plan(project)).status_code == 201
    photo = await town.upload_photo()
    internal = await town.upload_photo()
    stray = await town.upload_photo()
    assert (await town.report(project, photo_ids=[photo], text="地基完成")).status_code == 201
    assert (
        await town.report(project, photo_ids=[internal], text="内部情况", public=False, percent_done=30)
    ).status_code == 201

    detail = await api.client.get(f"/api/v1/t/{town.slug}/public/projects/{project}")
    assert detail.status_code == 200, detail.text
    body = detail.json()
    assert body["project"]["title"] == "学校改造"
    assert [p["text"] for p in body["progress"]] == ["地基完成"]
    (url,) = body["progress"][0]["photos"]
    served = await api.client.get(url)
    assert served.status_code in (200, 303)
    for hidden in (internal, stray):
        assert (await api.client.get(f"/api/v1/t/{town.slug}/public/photos/{hidden}")).status_code == 404
    text = detail.text + (await api.client.get(f"/api/v1/t/{town.slug}/public/projects")).text
    for secret in (f"officer-{town.slug}", "reported_by", "filed_by", "内部情况"):
        assert secret not in text

    results = (await api.client.get(f"/api/v1/t/{town.slug}/public/results?year=2026")).json()
    assert results[0]["entitled"] == 30
    assert [c["title"] for c in results[0]["candidates"] if c["chosen"]] == ["学校改造"]
    loser = await api.client.get(f"/api/v1/t/{town.slug}/public/projects/{results[0]['candidates'][1]['project_id']}")
    assert loser.status_code == 404
    assert (await api.client.get("/api/v1/t/no-such-town/public/projects")).status_code == 404


async def test_the_portal_page_works_on_a_phone_without_login(api: Api, town: Town) -> None:
    (project,) = await town.choose(["学校改造"])
    assert (await town.file_plan(project)).status_code == 201
    assert (await town.report(project, photo_ids=[await town.upload_photo()])).status_code == 201
    home = await api.client.get(f"/t/{town.slug}/")
    assert f'href="/t/{town.slug}/portal"' in home.text  # the township's public page leads to it
    page = await api.client.get(f"/t/{town.slug}/portal")
    assert page.status_code == 200
    assert "学校改造" in page.text and "25%" in page.text
    detail = await api.client.get(f"/t/{town.slug}/portal/projects/{project}")
    assert detail.status_code == 200
    assert "地基完成" in detail.text and "/public/photos/" in detail.text


async def test_the_portal_shows_the_outcome_of_the_latest_closed_evaluation(api: Api, town: Town) -> None:
    """The supervision context's satisfaction evaluation, read through its service."""
    from datetime import UTC, datetime

    from minsheng.supervision.models import SatisfactionEvaluation

    (project,) = await town.choose(["学校改造"])
    with town.scope():
        async with api.services.database.session() as session:
            session.add(
                SatisfactionEvaluation(
                    project_id=project,
                    title="年终测评",
                    status="closed",
                    members=30,
                    outcome="basically_satisfied",
                    result={"rectification_required": False},
                    created_by="t",
                    opened_at=datetime(2026, 12, 20, 2, tzinfo=UTC),
                    closed_at=datetime(2026, 12, 20, 3, tzinfo=UTC),
                )
            )
    listing = (await api.client.get(f"/api/v1/t/{town.slug}/public/projects")).json()
    assert listing["items"][0]["evaluation"] == {
        "outcome": "basically_satisfied",
        "closed_on": "2026-12-20",
        "rectification_required": False,
    }
    page = await api.client.get(f"/t/{town.slug}/portal/projects/{project}")
    assert "基本满意" in page.text or "Basically satisfied" in page.text
