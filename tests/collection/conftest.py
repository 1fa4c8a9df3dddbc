"""Helpers of the collection tests: a tenant with staff, citizens with IP addresses of their own."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from minsheng.testing import Api

_addresses = itertools.count(1)


def citizen(api: Api, address: str | None = None) -> httpx.AsyncClient:
    """A client from an address of its own, so each citizen has its own rate limit."""
    if address is None:
        n = next(_addresses)
        address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
    transport = httpx.ASGITransport(app=api.app, client=(address, 40000))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://testserver.local")


@dataclass
class Town:
    api: Api
    slug: str
    staff: dict[str, str]
    government: dict[str, str]
    presidium: dict[str, str]

    @property
    def base(self) -> str:
        return f"/api/v1/t/{self.slug}"

    async def suggest(self, content: str = "村里的道路坑坑洼洼，希望修一修", **fields: Any) -> str:
        async with citizen(self.api) as client:
            response = await client.post(f"{self.base}/suggestions", json={"content": content, **fields})
        assert response.status_code == 201, response.text
        return str(response.json()["code"])

    async def suggestion_id(self, code: str) -> str:
        response = await self.api.client.get(f"{self.base}/suggestions", params={"q": code}, headers=self.staff)
        assert response.status_code == 200, response.text
        (item,) = [i for i in response.json()["items"] if i["code"] == code]
        return str(item["id"])

    async def project(self, title: str = "道路提质改造", **fields: Any) -> dict[str, Any]:
        body = {"title": title, "content": "硬化村道三公里", "category": "roads_transport", **fields}
        response = await self.api.client.post(f"{self.base}/projects", json=body, headers=self.staff)
        assert response.status_code == 201, response.text
        return dict(response.json())


async def make_town(api: Api, slug: str = "town", **extra: Any) -> Town:
    await api.create_tenant(slug, "province", **extra)
    await api.add_member(slug, f"{slug}-staff", ["tenant_admin"])
    await api.add_member(slug, f"{slug}-gov", ["government"])
    await api.add_member(slug, f"{slug}-presidium", ["presidium"])
    return Town(
        api,
        slug,
        await api.headers(f"{slug}-staff"),
        await api.headers(f"{slug}-gov"),
        await api.headers(f"{slug}-presidium"),
    )


@pytest.fixture
async def town(api: Api) -> AsyncIterator[Town]:
    yield await make_town(api)


@pytest.fixture
def new_citizen(api: Api) -> Any:
    """Make a citizen's client (``new_citizen()`` or ``new_citizen("1.2.3.4")``)."""
    return lambda address=None: citizen(api, address)


@pytest.fixture
def town_factory(api: Api) -> Any:
    """Make another tenant with staff: ``await town_factory(slug, settings=...)``."""
    return lambda slug, **extra: make_town(api, slug, **extra)
