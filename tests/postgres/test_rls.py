"""Row-level security holds for raw SQL as the app's role.

The app connects as a role that owns no table; with tenant A set it sees no row of tenant B, and with
no tenant set it sees no row at all, whatever the query.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from minsheng.db.base import Base, tenant_tables
from minsheng.server import contexts  # noqa: F401  (imports every model)
from minsheng.testing import Api

pytestmark = pytest.mark.postgres


@pytest.fixture
def backend() -> str:
    return "postgres"


async def _ids(api: Api) -> dict[str, str]:
    headers = await api.operator()
    listing = (await api.client.get("/api/v1/admin/tenants?per_page=50", headers=headers)).json()
    return {t["slug"]: t["id"] for t in listing["items"]}


async def test_raw_sql_as_app_role_sees_only_the_tenant_set(api: Api) -> None:
    await api.tree()
    for slug in ("town-a", "town-b"):
        await api.add_member(slug, f"clerk-{slug}", ["tenant_admin"])
        upload = await api.client.post(
            f"/api/v1/t/{slug}/files",
            files={"data": ("a.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")},
            headers=await api.headers(f"clerk-{slug}"),
        )
        assert upload.status_code == 201
    ids = await _ids(api)
    engine = create_async_engine(api.services.settings.database_url)
    try:
        async with engine.connect() as conn:
            role = (await conn.execute(text("SELECT current_user"))).scalar_one()
            assert role == "minsheng_app_test"
            owner = (
                await conn.execute(
                    text("SELECT count(*) FROM pg_tables WHERE schemaname='public' AND tableowner=current_user")
                )
            ).scalar_one()
            assert owner == 0, "the app role must own no table"
            await conn.commit()
            for table in tenant_tables():
                async with conn.begin():
                    await conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": ids["town-a"]})
                    seen = (await conn.execute(text(f"SELECT DISTINCT tenant_id::text FROM {table}"))).scalars().all()
                    assert set(seen) <= {ids["town-a"]}, table
                    assert ids["town-b"] not in seen
                async with conn.begin():
                    count = (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
                    assert count == 0, f"{table}: no tenant set must mean no rows"
            # Both tenants really have rows: the emptiness above is RLS, not an empty table.
            async with conn.begin():
                await conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": ids["town-b"]})
                assert (await conn.execute(text("SELECT count(*) FROM stored_files"))).scalar_one() == 1
                assert (await conn.execute(text("SELECT count(*) FROM audit_events"))).scalar_one() >= 1
            # Writing a row for another tenant is refused by the policy's WITH CHECK.
            with pytest.raises(Exception, match="row-level security"):
                async with conn.begin():
                    await conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": ids["town-a"]})
                    await conn.execute(
                        text("UPDATE stored_files SET tenant_id = CAST(:b AS uuid) WHERE tenant_id = CAST(:a AS uuid)"),
                        {"a": ids["town-a"], "b": ids["town-b"]},
                    )
            # The audit log is append-only for the app role, whatever the tenant.
            for statement in ("UPDATE audit_events SET subject = 'x'", "DELETE FROM audit_events"):
                with pytest.raises(Exception, match="permission denied"):
                    async with conn.begin():
                        await conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": ids["town-a"]})
                        await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def test_every_tenant_table_has_forced_rls_and_a_policy(api: Api) -> None:
    scoped = set(tenant_tables())
    assert {"audit_events", "stored_files"} <= scoped
    engine = create_async_engine(api.services.settings.database_url)
    try:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(
                        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
                        "(SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) "
                        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE n.nspname = 'public' AND c.relkind = 'r'"
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    state = {name: (enabled, forced, policies) for name, enabled, forced, policies in rows}
    for table in scoped:
        assert state[table] == (True, True, 1), table
    # Every model with a tenant_id column is either guarded or a declared platform table.
    # invitations and password_links: like memberships, read before any tenant is in context (by a
    # token's digest); oversight_rollups: guarded by a subtree policy of its own
    # (tests/oversight/test_rollup_rls.py). Each reason: platform/docs/hardening.md.
    platform_tables = {"memberships", "jobs", "invitations", "password_links", "oversight_rollups"}
    for table in Base.metadata.sorted_tables:
        if "tenant_id" in table.c and table.name not in platform_tables:
            assert table.name in scoped, table.name
