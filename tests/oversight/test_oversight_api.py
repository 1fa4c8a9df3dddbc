"""A county user sees its townships' figures and nothing of a neighbouring county.

Figures come from the roll-up tables the jobs maintain after each change (never from a scan of every
tenant on a page view); a higher level reads its subtree through the oversight query only.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import load_workbook

from minsheng.implementation.models import ProgressReport, WorkPlan
from minsheng.supervision.models import Rectification, SatisfactionEvaluation, SpecialInquiry, SupervisionRecord


def place_names(summary: dict[str, Any]) -> list[str]:
    return [p["tenant"]["slug"] for p in summary["by_place"]]


async def test_a_county_sees_its_townships_and_nothing_of_its_neighbour(province: Any) -> None:
    api, staff = province.api, province.staff
    response = await api.client.get("/api/v1/t/county-a/oversight", headers=staff["county-a"])
    assert response.status_code == 200, response.text
    summary = response.json()
    assert place_names(summary) == ["town-a"]
    totals = summary["totals"]
    assert (totals["projects"], totals["chosen"], totals["funds"], totals["suggestions"]) == (2, 1, 300000.0, 1)
    assert {c["category"]: c["figures"]["projects"] for c in summary["by_category"]} == {
        "": 0,  # the suggestion without a category
        "education": 1,
        "roads_transport": 1,
    }
    assert "town-b" not in response.text and "80000" not in response.text

    # The neighbour's own URL, its township as ``of``, and a drill-down past the caller: all 404.
    for url in (
        "/api/v1/t/county-b/oversight",
        "/api/v1/t/county-a/oversight?of=town-b",
        "/api/v1/t/county-a/oversight?of=county-b",
        "/api/v1/t/county-a/oversight?of=city",
        "/api/v1/t/county-a/oversight/export.xlsx?of=town-b",
    ):
        assert (await api.client.get(url, headers=staff["county-a"])).status_code == 404, url
    township = await api.client.get("/api/v1/t/county-a/oversight?of=town-a", headers=staff["county-a"])
    assert township.status_code == 200 and township.json()["totals"]["chosen"] == 1


async def test_the_city_and_province_see_every_county_below_them(province: Any) -> None:
    api, staff = province.api, province.staff
    city = (await api.client.get("/api/v1/t/city/oversight", headers=staff["city"])).json()
    assert place_names(city) == ["county-a", "county-b"]
    assert city["totals"]["chosen"] == 2 and city["totals"]["funds"] == 380000.0
    top = (await api.client.get("/api/v1/t/prov/oversight", headers=staff["prov"])).json()
    assert place_names(top) == ["city"] and top["totals"]["projects"] == 3
    assert top["totals"]["completion_rate"] == 0.0
    drilled = (await api.client.get("/api/v1/t/prov/oversight?of=county-b", headers=staff["prov"])).json()
    assert [p["slug"] for p in drilled["path"]] == ["prov", "city", "county-b"]
    assert place_names(drilled) == ["town-b"] and drilled["totals"]["funds"] == 80000.0
    # A township sees itself only.
    own = (await api.client.get("/api/v1/t/town-b/oversight", headers=staff["town-b"])).json()
    assert [(p["tenant"]["slug"], p["own_records"]) for p in own["by_place"]] == [("town-b", True)]
    assert own["totals"]["chosen"] == 1


async def test_a_change_in_a_township_reaches_every_level_above_it(province: Any) -> None:
    api, staff = province.api, province.staff
    await province.project("town-b", "就业技能培训", category="employment", budget="20000")
    await province.settle()
    city = (await api.client.get("/api/v1/t/city/oversight", headers=staff["city"])).json()
    assert city["totals"]["projects"] == 4
    county_b = next(p for p in city["by_place"] if p["tenant"]["slug"] == "county-b")
    assert county_b["figures"]["projects"] == 2
    year = city["years"][0]
    filtered = (await api.client.get(f"/api/v1/t/city/oversight?year={year}", headers=staff["city"])).json()
    assert filtered["year"] == year and filtered["totals"]["projects"] == 4
    empty = (await api.client.get(f"/api/v1/t/city/oversight?year={year - 3}", headers=staff["city"])).json()
    assert empty["totals"]["projects"] == 0


async def test_the_excel_export_has_the_same_figures(province: Any) -> None:
    api, staff = province.api, province.staff
    response = await api.client.get("/api/v1/t/city/oversight/export.xlsx", headers=staff["city"])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["按地区", "按类别", "按年度"]
    rows = list(book["按地区"].iter_rows(values_only=True))
    assert rows[0][:5] == ("地区", "层级", "标识", "意见建议", "项目")
    assert [r[2] for r in rows[1:-1]] == ["county-a", "county-b"]
    assert rows[-1][0] == "合计" and rows[-1][5] == 2  # chosen


async def test_deputies_and_the_government_do_not_get_the_dashboard(province: Any) -> None:
    api = province.api
    await api.add_member("county-a", "deputy-a", ["deputy"])
    await api.add_member("county-a", "government-a", ["government"])
    await api.add_member("county-a", "presidium-a", ["presidium"])
    for who, status in (("deputy-a", 403), ("government-a", 403), ("presidium-a", 200)):
        response = await api.client.get("/api/v1/t/county-a/oversight", headers=await api.headers(who))
        assert response.status_code == status, who


async def test_completion_overdue_plans_and_satisfaction_roll_up(province: Any) -> None:
    """Town A files its plan, finishes and is rated satisfied; town B never files its plan (overdue)."""
    road = uuid.UUID(province.projects["road"])
    await province.in_tenant(
        "town-a",
        WorkPlan(
            project_id=road,
            responsible_unit="交通运输局",
            targets="三公里",
            budget=Decimal("300000"),
            funding_source="县财政",
            deadline=date(2026, 11, 30),
            filed_by="town-a-staff",
            filed_on=date(2026, 1, 20),
        ),
    )
    await province.in_tenant(
        "town-a",
        ProgressReport(
            project_id=road,
            year=2026,
            quarter=3,
            spent=Decimal("290000"),
            percent_done=100,
            text="已完工",
            reported_by="town-a-staff",
            reported_on=date(2026, 10, 8),
        ),
        SatisfactionEvaluation(
            project_id=road,
            title="满意度测评",
            status="closed",
            outcome="satisfied",
            created_by="town-a-staff",
            closed_at=datetime(2026, 11, 1, tzinfo=UTC),
        ),
    )
    await province.settle()
    api, staff = province.api, province.staff
    city = (await api.client.get("/api/v1/t/city/oversight", headers=staff["city"])).json()
    figures = {p["tenant"]["slug"]: p["figures"] for p in city["by_place"]}
    assert figures["county-a"]["completed"] == 1 and figures["county-a"]["completion_rate"] == 1.0
    assert figures["county-a"]["work_plans"] == 1 and figures["county-a"]["overdue_plans"] == 0
    assert (figures["county-a"]["satisfied"], figures["county-a"]["satisfaction_rate"]) == (1, 1.0)
    assert figures["county-b"]["overdue_plans"] == 1, "the clinic's plan was due a month after the vote"
    assert city["totals"]["completion_rate"] == 0.5


async def test_the_daily_rebuild_is_written_once_a_day_and_rebuilds_every_tenant(province: Any) -> None:
    from minsheng.jobs.models import Job
    from minsheng.oversight.jobs import schedule_rebuild

    api = province.api
    now = datetime(2026, 11, 27, 18, 40, tzinfo=UTC)
    first = await schedule_rebuild(api.services.database, now)
    assert len(first) == 1 and await schedule_rebuild(api.services.database, now) == []
    await api.services.dispatcher.notify(first)
    await api.services.dispatcher.drain()
    async with api.services.database.session() as session:
        job = await session.get(Job, first[0])
        assert job is not None and job.status.value == "done" and job.result == {"tenants": 6}
    city = (await api.client.get("/api/v1/t/city/oversight", headers=province.staff["city"])).json()
    assert city["totals"]["chosen"] == 2


async def test_supervision_coverage_counts_inquiries_inspections_and_reviews_alike(province: Any) -> None:
    """Town A's road is only inquired about, town B's clinic only reviewed: both are supervised."""
    road, clinic = uuid.UUID(province.projects["road"]), uuid.UUID(province.projects["clinic"])
    await province.in_tenant(
        "town-a", SpecialInquiry(project_id=road, title="专题询问", held_on=date(2026, 6, 1), created_by="t")
    )
    await province.in_tenant(
        "town-b",
        SupervisionRecord(project_id=clinic, method="follow_up_review", fields={}, recorded_by="t"),
        SupervisionRecord(project_id=clinic, method="inspection", fields={}, recorded_by="t"),
    )
    await province.settle()
    api, staff = province.api, province.staff
    city = (await api.client.get("/api/v1/t/city/oversight", headers=staff["city"])).json()
    figures = {p["tenant"]["slug"]: p["figures"] for p in city["by_place"]}
    assert (figures["county-a"]["supervised"], figures["county-a"]["inquiries"]) == (1, 1)
    assert (figures["county-b"]["supervised"], figures["county-b"]["reviews"], figures["county-b"]["inspections"]) == (
        1,
        1,
        1,
    )
    assert city["totals"]["supervision_coverage"] == 1.0
    async with api.browser() as browser:
        assert (await api.page_login(browser, "city-staff")).status_code == 303
        page = await browser.get("/t/city/oversight", headers={"accept": "text/html"})
    assert 'id="supervision-coverage">100.0%' in page.text


async def test_an_unsatisfied_outcome_stays_counted_after_rectification_and_a_satisfied_re_evaluation(
    province: Any,
) -> None:
    road = uuid.UUID(province.projects["road"])
    first = SatisfactionEvaluation(
        id=uuid.uuid4(), project_id=road, title="满意度测评", status="closed", outcome="unsatisfied",
        created_by="t", closed_at=datetime(2026, 6, 1, tzinfo=UTC),
    )  # fmt: skip
    again = SatisfactionEvaluation(
        id=uuid.uuid4(), project_id=road, title="满意度测评", status="closed", outcome="satisfied",
        reevaluation_of=first.id, created_by="t", closed_at=datetime(2026, 9, 1, tzinfo=UTC),
    )  # fmt: skip
    await province.in_tenant("town-a", first)
    await province.in_tenant("town-a", again)
    await province.in_tenant(
        "town-a",
        Rectification(
            evaluation_id=first.id, project_id=road, reevaluation_id=again.id, deadline=date(2026, 8, 30),
            status="reported", report="路面已重新铺设", reported_by="t",
        ),
    )  # fmt: skip
    await province.settle()
    api, staff = province.api, province.staff
    county = (await api.client.get("/api/v1/t/county-a/oversight", headers=staff["county-a"])).json()
    totals = county["totals"]
    # The latest outcome is satisfied; the history behind it is still there.
    assert (totals["satisfied"], totals["unsatisfied"]) == (1, 0)
    assert (totals["rated_unsatisfied"], totals["rectified"], totals["reevaluated"]) == (1, 1, 1)
    book = load_workbook(BytesIO((await api.client.get(
        "/api/v1/t/county-a/oversight/export.xlsx", headers=staff["county-a"])).content))  # fmt: skip
    header, *_rest, total = list(book["按地区"].iter_rows(values_only=True))
    assert total[header.index("曾被测评不满意")] == 1 and total[header.index("已报告整改")] == 1
    assert total[header.index("资金（万元）")] == 30.0
