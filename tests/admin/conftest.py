"""The operator's console through a cookie session, as a browser would use it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from minsheng.testing import Api

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@dataclass
class Console:
    api: Api
    browser: httpx.AsyncClient

    async def get(self, url: str, headers: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        return await self.browser.get(url, headers={"accept": "text/html", **(headers or {})}, **kwargs)

    async def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
        """Post a form with the CSRF token of the page the form would come from."""
        page = await self.browser.get("/admin/tenants", headers={"accept": "text/html"})
        found = CSRF.search(page.text)
        assert found, "console pages carry the CSRF token"
        body = {**(data or {}), "_csrf_token": found.group(1)}
        return await self.browser.post(url, data=body, headers={"accept": "text/html"}, **kwargs)


@pytest.fixture
async def console(api: Api) -> AsyncIterator[Console]:
    await api.make_user("ops", platform_admin=True)
    async with api.browser() as browser:
        response = await api.page_login(browser, "ops")
        assert response.status_code == 303, response.text
        yield Console(api, browser)
