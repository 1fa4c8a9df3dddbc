"""Duplicate hints through the API and the staff page: within the tenant and its year, for Chinese."""

from __future__ import annotations

import uuid
from typing import Any

from pages import staff_browser
from sqlalchemy import update

from minsheng.collection.models import Suggestion
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.testing import Api

ROAD = (
    "西岗村到乡政府那段砂石路一到雨季就全是烂泥，骑电动车经常摔跤",
    "强烈建议硬化西岗村通往集镇的道路",
    "西岗的路年久失修，坑洼不平，老人孩子出行很不安全",
    "请把西岗村进镇的土路修成水泥路",
    "村道破损严重，拉粮食的车进不去，盼望早日维修西岗至镇上的公路",
)
OTHERS = (
    "希望给卫生室配备一名全科医生，老人看病不用再跑县城",
    "村里没有宽带，孩子上网课很困难",
    "建议在村委会旁边建一个文化广场",
    "河道里垃圾成堆，夏天蚊蝇多",
    "自来水每天只供两个小时，水压也小",
)


async def _ids(town: Any, texts: tuple[str, ...]) -> list[str]:
    return [await town.suggestion_id(await town.suggest(text)) for text in texts]


async def test_five_road_suggestions_are_hinted_to_each_other_and_nothing_else_is(
    api: Api, town: Any, town_factory: Any
) -> None:
    road = await _ids(town, ROAD)
    others = await _ids(town, OTHERS)
    # The same road in a neighbouring tenant, and in this tenant's previous year: never hinted.
    neighbour = await town_factory("neighbour")
    await neighbour.suggest(ROAD[1])
    (last_year,) = await _ids(town, (ROAD[3] + "，去年就提过",))
    with tenant_scope(TenantRef(uuid.UUID((await _tenant(api, town.slug))["id"]), town.slug)):
        async with api.services.database.session() as session:
            await session.execute(update(Suggestion).where(Suggestion.id == uuid.UUID(last_year)).values(year=2000))

    async def hints(suggestion_id: str) -> list[str]:
        response = await api.client.get(f"{town.base}/suggestions/{suggestion_id}/similar", headers=town.staff)
        assert response.status_code == 200, response.text
        return [hint["suggestion"]["id"] for hint in response.json()]

    for one in road:
        found = await hints(one)
        assert set(road) - {one} <= set(found), found
        assert last_year not in found and not set(found) & set(others)
    for one in others:
        assert not set(await hints(one)) & set(road)

    staff = await staff_browser(api, town.slug, f"{town.slug}-staff")
    page = await staff.get(f"{staff.staff}/suggestions/{road[0]}")
    assert all(f'id="similar-{other}"' in page.text for other in road[1:])


async def _tenant(api: Api, slug: str) -> dict[str, Any]:
    response = await api.client.get(f"/api/v1/admin/tenants/{slug}", headers=await api.operator())
    return dict(response.json())


async def test_a_suggestion_is_hinted_to_the_project_its_neighbours_joined_and_merged_from_the_hint(
    api: Api, town: Any
) -> None:
    joined = await _ids(town, ROAD[:2])
    road = await town.project("西岗村至集镇道路硬化", suggestion_ids=joined, content="硬化西岗村通往集镇的砂石路")
    other = await town.project("村卫生室标准化建设", content="为卫生室配备全科医生", category="health")
    (late,) = await _ids(town, (ROAD[4],))
    hinted = await api.client.get(f"{town.base}/suggestions/{late}/similar-projects", headers=town.staff)
    assert [h["project_id"] for h in hinted.json()] == [road["id"]], hinted.json()
    (unrelated,) = await _ids(town, (OTHERS[3],))
    none = await api.client.get(f"{town.base}/suggestions/{unrelated}/similar-projects", headers=town.staff)
    assert none.status_code == 200 and not {road["id"], other["id"]} & {h["project_id"] for h in none.json()}

    staff = await staff_browser(api, town.slug, f"{town.slug}-staff")
    page = await staff.get(f"{staff.staff}/suggestions/{late}")
    assert 'id="likely-projects"' in page.text and f'name="into_project" value="{road["id"]}"' in page.text
    merged = await staff.post(
        f"{staff.staff}/suggestions/merge", [("suggestion_ids", late), ("into_project", road["id"]), ("project_id", "")]
    )
    assert merged.status_code == 303 and merged.headers["location"].endswith(road["id"])
