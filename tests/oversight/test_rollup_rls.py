"""The roll-up table's own row-level security, for raw SQL as the app's role: a tenant in context
reads the roll-ups of its subtree (itself and everything below it), nothing of a neighbour, and
nothing at all without a tenant; nor can it write a row describing a tenant outside its subtree."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

pytestmark = pytest.mark.postgres


@pytest.fixture
def backend() -> str:
    return "postgres"


async def test_raw_sql_reads_the_roll_ups_of_the_subtree_in_context_only(province: Any) -> None:
    api = province.api
    listing = (await api.client.get("/api/v1/admin/tenants?per_page=50", headers=await api.operator())).json()
    ids = {t["slug"]: t["id"] for t in listing["items"]}
    names = {v: k for k, v in ids.items()}
    engine = create_async_engine(api.services.settings.database_url)
    try:
        async with engine.connect() as conn:

            async def visible(slug: str | None) -> set[str]:
                async with conn.begin():
                    await conn.execute(
                        text("SELECT set_config('app.tenant_id', :t, true)"), {"t": ids[slug] if slug else ""}
                    )
                    rows = await conn.execute(text("SELECT DISTINCT tenant_id::text FROM oversight_rollups"))
                    return {names[r] for r in rows.scalars()}

            assert await visible("county-a") == {"county-a", "town-a"}
            assert await visible("town-b") == {"town-b"}
            assert await visible("prov") == set(ids)
            assert await visible(None) == set()

            async with conn.begin():
                await conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": ids["county-a"]})
                changed = await conn.execute(
                    text("UPDATE oversight_rollups SET chosen = 99 WHERE tenant_id = CAST(:t AS uuid) RETURNING 1"),
                    {"t": ids["town-b"]},
                )
                assert changed.all() == [], "a neighbour's roll-ups cannot be changed"
            with pytest.raises(DBAPIError, match="row-level security"):
                async with conn.begin():
                    await conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": ids["county-a"]})
                    await conn.execute(
                        text(
                            "INSERT INTO oversight_rollups (tenant_id, scope, year, category, path, suggestions, "
                            "projects, chosen, funds, completed, work_plans, overdue_plans, evaluations, satisfied, "
                            "basically_satisfied, unsatisfied, updated_at) VALUES (CAST(:t AS uuid), 'own', 2020, "
                            "'x', :p, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, now())"
                        ),
                        {"t": ids["town-b"], "p": f"/{ids['town-b']}/"},
                    )
    finally:
        await engine.dispose()
