"""A staff member's browser for page tests: cookie login, and the CSRF token of the forms it saw."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx

from minsheng.testing import Api

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@dataclass
class StaffBrowser:
    client: httpx.AsyncClient
    slug: str
    token: str = ""

    @property
    def staff(self) -> str:
        return f"/t/{self.slug}/staff"

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        response = await self.client.get(path, headers={"Accept": "text/html"}, **kwargs)
        found = CSRF.search(response.text)
        if found:
            self.token = found.group(1)
        return response

    async def post(self, path: str, data: Any) -> httpx.Response:
        """Post a form as the page would (``data``: a dict or a list of pairs for repeated fields)."""
        pairs = list(data.items()) if isinstance(data, dict) else list(data)
        form: dict[str, list[str]] = {"_csrf_token": [self.token]}
        for name, value in pairs:
            form.setdefault(name, []).append(str(value))
        return await self.client.post(path, data=form, headers={"Accept": "text/html"})


async def staff_browser(api: Api, slug: str, username: str) -> StaffBrowser:
    client = api.browser()
    login = await api.page_login(client, username)
    assert login.status_code == 303, login.text
    browser = StaffBrowser(client, slug)
    await browser.get("/login")  # a page with a form: the CSRF token
    return browser
