"""The dashboard page: a county's staff see their townships and nothing of a neighbouring county."""

from __future__ import annotations

import json
import re
from typing import Any


async def test_the_county_page_shows_its_townships_only(province: Any) -> None:
    api = province.api
    async with api.browser() as browser:
        assert (await api.page_login(browser, "county-a-staff")).status_code == 303
        page = await browser.get("/t/county-a/oversight", headers={"accept": "text/html"})
        assert page.status_code == 200, page.text
        places = re.findall(r'<tr data-slug="([^"]+)"', page.text)
        assert places == ["town-a"]
        assert "town-b" not in page.text and "county-b" not in page.text
        data = json.loads(re.search(r'id="oversight-data">(.*?)</script>', page.text, re.S).group(1))
        assert data["totals"]["chosen"] == 1 and data["tenant"]["slug"] == "county-a"
        assert 'href="/t/town-a/"' in page.text, "drill-down to the township's public page"
        assert 'src="/static/vendor/echarts.min.js"' in page.text
        for url in ("/t/county-b/oversight", "/t/county-a/oversight?of=town-b", "/t/county-a/oversight?of=prov"):
            assert (await browser.get(url, headers={"accept": "text/html"})).status_code == 404, url
        drilled = await browser.get("/t/county-a/oversight?of=town-a", headers={"accept": "text/html"})
        assert drilled.status_code == 200 and 'aria-current="page">town-a<' in drilled.text
        export = await browser.get("/t/county-a/oversight/export.xlsx")
        assert export.status_code == 200 and export.content[:2] == b"PK"


async def test_the_province_page_lists_its_cities_and_escapes_names(province: Any) -> None:
    api = province.api
    await api.client.patch("/api/v1/admin/tenants/city", json={"name": "</script><b>市"}, headers=await api.operator())
    async with api.browser() as browser:
        await api.page_login(browser, "prov-staff")
        page = await browser.get("/t/prov/oversight", headers={"accept": "text/html"})
        assert page.status_code == 200
        assert "</script><b>" not in page.text
        assert re.findall(r'<tr data-slug="([^"]+)"', page.text) == ["city"]
