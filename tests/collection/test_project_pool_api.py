"""Merging gives a project its supporters, unmerging restores them; the
negative list keeps a project out at screening; the candidate list shows the margin rule."""

from __future__ import annotations

import asyncio
from io import BytesIO
from typing import Any

from openpyxl import load_workbook

from minsheng.testing import Api


async def _accepted(town: Any, title: str) -> str:
    project = await town.project(title)
    screened = await town.api.client.post(
        f"{town.base}/projects/{project['id']}/screening",
        json={"decision": "accepted", "need": "群众呼声高", "cost": "财政可承受"},
        headers=town.government,
    )
    assert screened.status_code == 200, screened.text
    return str(project["id"])


async def test_merging_n_suggestions_gives_n_supporters_and_unmerging_restores_them(api: Api, town: Any) -> None:
    codes = [await town.suggest(f"村里的道路需要硬化，第{n}条建议") for n in range(3)]
    ids = [await town.suggestion_id(code) for code in codes]
    project = await town.project(suggestion_ids=ids[:2])
    assert project["supporters"] == 2
    assert {s["code"] for s in project["suggestions"]} == set(codes[:2])
    more = await api.client.post(
        f"{town.base}/projects/{project['id']}/suggestions", json={"suggestion_ids": [ids[2]]}, headers=town.staff
    )
    assert more.status_code == 200 and more.json()["supporters"] == 3
    listed = await api.client.get(f"{town.base}/projects", headers=town.staff)
    assert [(p["id"], p["supporters"]) for p in listed.json()["items"]] == [(project["id"], 3)]

    out = await api.client.delete(f"{town.base}/projects/{project['id']}/suggestions/{ids[0]}", headers=town.staff)
    assert out.status_code == 200 and out.json()["supporters"] == 2
    restored = (await api.client.get(f"{town.base}/suggestions/{codes[0]}")).json()
    assert (restored["status"], restored["project_id"]) == ("received", None)
    assert (
        await api.client.delete(f"{town.base}/projects/{project['id']}/suggestions/{ids[0]}", headers=town.staff)
    ).status_code == 404
    # A merged suggestion cannot join a second project.
    taken = await api.client.post(
        f"{town.base}/projects", json={**_body(), "suggestion_ids": [ids[1]]}, headers=town.staff
    )
    assert taken.status_code == 409
    detail = (await api.client.get(f"{town.base}/projects/{project['id']}", headers=town.staff)).json()
    assert detail["supporters"] == 2 and detail["history"][0]["to_status"] == "pool"


def _body(**fields: Any) -> dict[str, Any]:
    return {"title": "村道硬化", "content": "硬化村道", "category": "roads_transport", **fields}


async def test_twenty_concurrent_merges_leave_a_suggestion_in_exactly_one_project(api: Api, town: Any) -> None:
    suggestion_id = await town.suggestion_id(await town.suggest("村口需要一座公厕"))
    projects = [await town.project(f"项目{n}") for n in range(20)]

    async def merge(project: dict[str, Any]) -> int:
        response = await api.client.post(
            f"{town.base}/projects/{project['id']}/suggestions",
            json={"suggestion_ids": [suggestion_id]},
            headers=town.staff,
        )
        return response.status_code

    statuses = await asyncio.gather(*(merge(p) for p in projects))
    assert sorted(statuses) == [200] + [409] * 19
    listed = (await api.client.get(f"{town.base}/projects?per_page=50", headers=town.staff)).json()["items"]
    assert sum(p["supporters"] for p in listed) == 1


async def test_a_project_on_the_negative_list_cannot_be_screened_in(api: Api, town: Any) -> None:
    project = await town.project("新建镇政府办公楼")
    url = f"{town.base}/projects/{project['id']}/screening"
    staff_try = await api.client.post(url, json={"decision": "accepted"}, headers=town.staff)
    assert staff_try.status_code == 403
    refused = await api.client.post(
        url, json={"decision": "accepted"}, headers={**town.government, "Accept-Language": "en"}
    )
    assert refused.status_code == 422
    assert refused.json()["rule"] == "negative_list"
    assert refused.json()["detail"] == "the project's name contains 办公楼, which is on the negative list"
    rejected = await api.client.post(
        url, json={"decision": "rejected", "notes": "属于负面清单", "legality": "不符合"}, headers=town.government
    )
    assert rejected.status_code == 200 and rejected.json()["project_status"] == "rejected"
    detail = (await api.client.get(f"{town.base}/projects/{project['id']}", headers=town.staff)).json()
    assert detail["status"] == "rejected"
    assert [(h["from_status"], h["to_status"]) for h in detail["history"]] == [(None, "pool"), ("pool", "rejected")]
    assert detail["screening"]["legality"] == "不符合"
    audit = await api.client.get(f"{town.base}/audit", headers=town.staff)
    if audit.status_code == 200:
        assert "project.screened" in audit.text


async def test_projects_are_edited_with_checked_fields(api: Api, town: Any) -> None:
    project = await town.project(budget=1200000.5)
    assert project["budget"] == 1200000.5
    url = f"{town.base}/projects/{project['id']}"
    changed = await api.client.patch(
        url,
        json={
            "target": "硬化3公里",
            "location": "东村",
            "deadline": "2026-12-31",
            "funding_source": "县财政",
            "budget": None,
        },
        headers=town.staff,
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["target"], body["deadline"], body["budget"], body["title"]) == (
        "硬化3公里",
        "2026-12-31",
        None,
        "道路提质改造",
    )
    unknown = await api.client.patch(url, json={"extra": {"nope": 1}}, headers=town.staff)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["key"] == "extra.nope"
    category = await api.client.patch(url, json={"category": "casino"}, headers=town.staff)
    assert category.status_code == 422


async def test_the_candidate_list_shows_and_enforces_the_margin_rule(api: Api, town: Any) -> None:
    accepted = [await _accepted(town, f"民生项目{n}") for n in range(3)]
    in_pool = (await town.project("未初审项目"))["id"]
    url = f"{town.base}/candidate-lists/2026"
    not_screened = await api.client.put(
        url, json={"planned_seats": 2, "project_ids": [*accepted, in_pool]}, headers=town.presidium
    )
    assert not_screened.status_code == 422
    equal = await api.client.put(url, json={"planned_seats": 3, "project_ids": accepted}, headers=town.presidium)
    assert equal.status_code == 200, equal.text
    assert equal.json()["margin"]["allowed"] is False and equal.json()["margin"]["reason"]
    assert [c["position"] for c in equal.json()["candidates"]] == [1, 2, 3]
    refused = await api.client.post(f"{url}/fix", headers={**town.presidium, "Accept-Language": "en"})
    assert refused.status_code == 422 and refused.json()["rule"] == "margin_rule"
    two = await api.client.put(url, json={"planned_seats": 2, "project_ids": accepted}, headers=town.presidium)
    assert two.json()["margin"]["allowed"] is True
    fixed = await api.client.post(f"{url}/fix", headers=town.presidium)
    assert fixed.status_code == 200 and fixed.json()["status"] == "fixed"
    assert (await api.client.get(url, headers=town.staff)).json()["status"] == "fixed"
    again = await api.client.put(url, json={"planned_seats": 2, "project_ids": accepted}, headers=town.presidium)
    assert again.status_code == 409
    assert (await api.client.get(f"{town.base}/candidate-lists/2030", headers=town.staff)).status_code == 404


async def test_coverage_counts_and_places_without_suggestions(api: Api, town_factory: Any) -> None:
    town = await town_factory("covered", settings={"minsheng.defaults": {"places": ["东村", "西村", "南村"]}})
    await town.suggest("东村需要一个卫生室", place="东村", category="health")
    await town.suggest("东村道路要修一修", place="东村", channel="qr_code")
    coverage = await api.client.get(f"{town.base}/coverage", headers=town.staff)
    assert coverage.status_code == 200, coverage.text
    body = coverage.json()
    assert body["total"] == 2
    assert body["by_place"] == [{"key": "东村", "count": 2}]
    assert {c["key"] for c in body["by_channel"]} == {"online", "qr_code"}
    assert body["places_without_suggestions"] == ["南村", "西村"]
    assert sum(d["count"] for d in body["by_day"]) == 2
    assert sorted((c["channel"], c["count"]) for c in body["by_channel_day"]) == [("online", 1), ("qr_code", 1)]


async def test_the_pool_exports_to_excel_with_chinese_headers(api: Api, town: Any) -> None:
    suggestion_id = await town.suggestion_id(await town.suggest("希望建设村级养老服务站"))
    await town.project("=养老服务站", category="elderly_care", budget=300000, suggestion_ids=[suggestion_id])
    response = await api.client.get(f"{town.base}/projects/export.xlsx", headers=town.staff)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("项目名称", "类别", "年度", "状态", "民意数（建议条数）", "投资额（元）")
    assert rows[1][0] == "'=养老服务站"  # never a formula
    assert (rows[1][1], rows[1][3]) == ("养老服务", "储备")
    assert rows[1][4] == 1 and rows[1][5] == 300000
