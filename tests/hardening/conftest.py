"""A tenant with an administrator, and clients from addresses of their own, for the hardening tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from minsheng.testing import Api


@dataclass
class Office:
    api: Api
    slug: str
    staff: dict[str, str]

    @property
    def base(self) -> str:
        return f"/api/v1/t/{self.slug}"

    async def owner_sql(self, statement: str, **params: Any) -> Any:
        """Run SQL as the tables' owner, behind the app's back; the first column of the first row."""
        engine = create_async_engine(self.api.services.settings.migration_database_url)
        try:
            async with engine.begin() as conn:
                result = await conn.execute(text(statement), params)
                return result.scalar() if result.returns_rows else None
        finally:
            await engine.dispose()


@pytest.fixture
def client_from(api: Api) -> Callable[..., httpx.AsyncClient]:
    """``client_from(address, scheme="http")``: a client whose connection comes from ``address`` (a
    citizen, or a proxy in front of them)."""

    def make(address: str, scheme: str = "http") -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=api.app, client=(address, 40000))  # type: ignore[arg-type]
        return httpx.AsyncClient(transport=transport, base_url=f"{scheme}://testserver.local")

    return make


@pytest.fixture
async def office(api: Api) -> Office:
    await api.create_tenant("harden", "province")
    await api.add_member("harden", "harden-staff", ["tenant_admin"])
    return Office(api, "harden", await api.headers("harden-staff"))
