"""The staff's pages of the project pool — list and filters, Excel export, a project's history,
the government's screening with the plugin's refusal, the candidate list with the margin rule live —
and the coverage page."""

from __future__ import annotations

import json
import re
from io import BytesIO
from typing import Any

from collection.pages import staff_browser
from openpyxl import load_workbook

from minsheng.collection.rules import collection_year
from minsheng.testing import Api


async def test_the_pool_page_filters_and_exports(api: Api, town: Any) -> None:
    await town.project("<b>村道硬化</b>", category="roads_transport")
    await town.project("卫生室改造", category="health")
    browser = await staff_browser(api, town.slug, f"{town.slug}-staff")
    page = await browser.get(f"{browser.staff}/projects")
    assert page.status_code == 200
    assert "&lt;b&gt;村道硬化&lt;/b&gt;" in page.text and "<b>村道硬化</b>" not in page.text
    assert "卫生室改造" in page.text
    health = await browser.get(f"{browser.staff}/projects", params={"category": "health", "status": "pool"})
    assert "卫生室改造" in health.text and "村道硬化" not in health.text
    found = await browser.get(f"{browser.staff}/projects", params={"q": "村道硬化", "year": str(collection_year())})
    assert "村道硬化" in found.text and "卫生室改造" not in found.text
    assert "卫生室改造" not in (await browser.get(f"{browser.staff}/projects", params={"year": "2001"})).text

    link = re.search(r'id="export-link" href="([^"]+)"', health.text)
    assert link and link.group(1) == f"/t/{town.slug}/staff/projects/export.xlsx?status=pool"
    export = await browser.get(link.group(1).replace("&amp;", "&"))
    assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert sorted(r[0] for r in rows[1:]) == ["<b>村道硬化</b>", "卫生室改造"]


async def test_screening_through_the_page_shows_the_plugins_refusal_and_the_history(api: Api, town: Any) -> None:
    project = await town.project("新建镇政府办公楼")
    url = f"/t/{town.slug}/staff/projects/{project['id']}"
    staff = await staff_browser(api, town.slug, f"{town.slug}-staff")
    page = await staff.get(url)
    assert page.status_code == 200 and 'id="screening-form"' not in page.text  # not the government
    assert (await staff.post(f"{url}/screening", {"decision": "accepted"})).status_code == 403

    government = await staff_browser(api, town.slug, f"{town.slug}-gov")
    assert 'id="screening-form"' in (await government.get(url)).text
    refused = await government.post(f"{url}/screening", {"decision": "accepted", "need": "需要<强烈>"})
    assert refused.status_code == 422
    error = re.search(r'id="screening-error">([^<]+)<', refused.text)
    assert error and "办公楼" in error.group(1) and "负面清单" in error.group(1)
    assert "需要&lt;强烈&gt;" in refused.text  # what was typed stays in the form, escaped
    assert (await api.client.get(f"/api/v1/t/{town.slug}/projects/{project['id']}", headers=town.staff)).json()[
        "status"
    ] == "pool"

    done = await government.post(f"{url}/screening", {"decision": "rejected", "notes": "属于负面清单"})
    assert done.status_code == 303
    page = await staff.get(url)
    history = page.text.split('id="history"')[1]
    assert history.count("<tr>") == 3  # the header, created into the pool, screened out
    assert "属于负面清单" in history and f"{town.slug}-gov" in history


async def test_the_candidate_page_shows_the_margin_rule_live_and_fixes_the_list(api: Api, town: Any) -> None:
    year = collection_year()
    ids = []
    for n in range(3):
        project = await town.project(f"民生项目{n}")
        screened = await api.client.post(
            f"{town.base}/projects/{project['id']}/screening", json={"decision": "accepted"}, headers=town.government
        )
        assert screened.status_code == 200
        ids.append(project["id"])
    presidium = await staff_browser(api, town.slug, f"{town.slug}-presidium")
    redirect = await presidium.client.get(f"{presidium.staff}/candidates")
    assert redirect.headers["location"] == f"{presidium.staff}/candidates/{year}"
    page = await presidium.get(f"{presidium.staff}/candidates/{year}")
    assert page.status_code == 200 and all(f'value="{i}"' in page.text for i in ids)
    assert 'hx-get="/t/town/staff/candidates/' in page.text

    fragment = f"{presidium.staff}/candidates/{year}/margin"
    equal = await presidium.get(fragment, params={"planned_seats": "3", "project_ids": ids})
    assert 'data-allowed="false"' in equal.text and "<html" not in equal.text
    two = await presidium.get(fragment, params={"planned_seats": "2", "project_ids": ids})
    assert 'data-allowed="true"' in two.text
    assert "2" in two.text and "3" in two.text
    nonsense = await presidium.get(fragment, params={"planned_seats": "x", "project_ids": ids})
    assert "margin-verdict--refused" in nonsense.text

    refused = await presidium.post(
        f"{presidium.staff}/candidates/{year}",
        [("planned_seats", "3"), *[("project_ids", i) for i in ids], ("action", "fix")],
    )
    assert refused.status_code == 422 and 'id="candidates-error"' in refused.text
    api_url = f"{town.base}/candidate-lists/{year}"
    # The refused fix took back the draft saved with it.
    assert (await api.client.get(api_url, headers=town.staff)).status_code == 404

    saved = await presidium.post(
        f"{presidium.staff}/candidates/{year}", [("planned_seats", "2"), *[("project_ids", i) for i in ids[:2]]]
    )
    assert saved.status_code == 303
    draft = (await api.client.get(api_url, headers=town.staff)).json()
    assert draft["status"] == "draft" and [c["project_id"] for c in draft["candidates"]] == ids[:2]
    staff = await staff_browser(api, town.slug, f"{town.slug}-staff")
    assert (await staff.post(f"{staff.staff}/candidates/{year}", {"planned_seats": "2"})).status_code == 403
    fixed = await presidium.post(
        f"{presidium.staff}/candidates/{year}",
        [("planned_seats", "2"), *[("project_ids", i) for i in ids], ("action", "fix")],
    )
    assert fixed.status_code == 303
    assert (await api.client.get(api_url, headers=town.staff)).json()["status"] == "fixed"
    page = await presidium.get(f"{presidium.staff}/candidates/{year}")
    assert 'id="list-status"' in page.text and 'value="fix"' not in page.text


async def test_the_coverage_page_highlights_villages_not_heard(api: Api, town_factory: Any) -> None:
    town = await town_factory("covered", settings={"minsheng.defaults": {"places": ["东村", "西村", "</script>村"]}})
    await town.suggest("东村需要一个卫生室", place="东村")
    await town.suggest("东村道路要修一修", place="东村", channel="qr_code")
    browser = await staff_browser(api, town.slug, f"{town.slug}-staff")
    page = await browser.get(f"{browser.staff}/coverage")
    assert page.status_code == 200
    silent = re.findall(r'<li class="silent-place">([^<]*)</li>', page.text)
    assert silent == ["&lt;/script&gt;村", "西村"]
    data = re.search(r'<script type="application/json" id="coverage-data">(.*?)</script>', page.text, re.S)
    assert data, "the chart data is embedded (and </script> in it is escaped)"
    chart = json.loads(data.group(1))
    assert chart["places"] == ["东村"] and chart["placeCounts"] == [2]
    assert chart["silentPlaces"] == ["</script>村", "西村"]
    assert len(chart["channels"]) == 2 and len(chart["series"][0]) == len(chart["days"])
    assert sum(sum(series) for series in chart["series"]) == 2
    assert "/static/vendor/echarts.min.js" in page.text
