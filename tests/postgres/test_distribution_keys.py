"""The Citus precondition, checked on PostgreSQL's own catalog:
every tenant table's primary key and unique constraints start with ``tenant_id``, and every foreign key
between tenant tables includes it."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from minsheng.db.base import tenant_tables
from minsheng.testing import Api

pytestmark = pytest.mark.postgres

CONSTRAINTS = text(
    """
    SELECT c.conname, c.contype::text, t.relname AS table_name, r.relname AS referenced,
           ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS columns
    FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid
    JOIN pg_namespace s ON s.oid = t.relnamespace AND s.nspname = 'public'
    LEFT JOIN pg_class r ON r.oid = c.confrelid
    WHERE c.contype IN ('p', 'u', 'f')
    """
)


@pytest.fixture
def backend() -> str:
    return "postgres"


async def test_tenant_tables_lead_every_key_with_tenant_id(api: Api) -> None:
    scoped = set(tenant_tables())
    engine = create_async_engine(api.services.settings.migration_database_url)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(CONSTRAINTS)).all()
    finally:
        await engine.dispose()
    checked = 0
    for name, kind, table, referenced, columns in rows:
        if table not in scoped:
            continue
        if kind in ("p", "u"):
            assert columns[0] == "tenant_id", f"{table}.{name} {columns}"
            checked += 1
        elif referenced in scoped:
            assert "tenant_id" in columns, f"{table}.{name} → {referenced} {columns}"
            checked += 1
    assert checked >= len(scoped), rows
