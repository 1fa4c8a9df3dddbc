"""The staff list of the pool (one Core statement, ``projects/pool_page.py``): its page, its total, each
project's supporters, the filters, a page past the end, and no row or supporter of another tenant."""

from __future__ import annotations

from typing import Any

from minsheng.testing import Api


async def test_a_page_carries_total_and_supporters_and_only_its_tenant(api: Api, town_factory: Any) -> None:
    town = await town_factory("pool-a")
    other = await town_factory("pool-b")
    ids = [await town.suggestion_id(await town.suggest(f"村道需要硬化，第{n}条建议")) for n in range(3)]
    first = await town.project("第一个项目", suggestion_ids=ids[:2])
    second = await town.project("第二个项目", suggestion_ids=ids[2:])
    third = await town.project("第三个项目", category="education")
    # The other tenant's project has more supporters than any here: none of them may be counted.
    theirs = [await other.suggestion_id(await other.suggest(f"学校需要修缮，第{n}条")) for n in range(4)]
    await other.project("别处的项目", suggestion_ids=theirs)

    url = f"{town.base}/projects"
    page = (await api.client.get(url, params={"per_page": 2}, headers=town.staff)).json()
    assert page["total"] == 3
    # Newest first.
    assert [(p["id"], p["supporters"]) for p in page["items"]] == [(third["id"], 0), (second["id"], 1)]
    rest = (await api.client.get(url, params={"per_page": 2, "page": 2}, headers=town.staff)).json()
    assert rest == {"items": [rest["items"][0]], "total": 3}
    assert (rest["items"][0]["id"], rest["items"][0]["supporters"]) == (first["id"], 2)
    assert rest["items"][0]["title"] == "第一个项目" and rest["items"][0]["category"] == "roads_transport"
    # Each field as the project's own page (read through the ORM) gives it: times, money, JSON alike.
    detail = (await api.client.get(f"{url}/{first['id']}", headers=town.staff)).json()
    assert {name: detail[name] for name in rest["items"][0]} == rest["items"][0]

    past = (await api.client.get(url, params={"per_page": 2, "page": 5}, headers=town.staff)).json()
    assert past == {"items": [], "total": 3}
    education = (await api.client.get(url, params={"category": "education"}, headers=town.staff)).json()
    assert [p["id"] for p in education["items"]] == [third["id"]] and education["total"] == 1
    searched = (await api.client.get(url, params={"q": "第二"}, headers=town.staff)).json()
    assert [p["id"] for p in searched["items"]] == [second["id"]]
    nothing = (await api.client.get(url, params={"q": "别处"}, headers=town.staff)).json()
    assert nothing == {"items": [], "total": 0}
