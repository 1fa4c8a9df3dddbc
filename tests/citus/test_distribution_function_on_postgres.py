"""On plain PostgreSQL the function later migrations call to distribute a new tenant table (migration
0015) does nothing: the table stays an ordinary one, so one migration serves both deployments."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from minsheng.testing import PostgresDatabase

pytestmark = pytest.mark.postgres


async def test_on_plain_postgresql_the_function_leaves_the_table_alone(postgres_database: PostgresDatabase) -> None:
    engine = create_async_engine(postgres_database.owner_url)
    try:
        async with engine.connect() as conn, conn.begin():
            await conn.execute(text("CREATE TABLE probe_local (tenant_id uuid PRIMARY KEY)"))
            done = await conn.execute(text("SELECT minsheng_distribute_tenant_table('probe_local')"))
            assert done.scalar() is False
            assert (await conn.execute(text("SELECT to_regclass('pg_dist_partition')"))).scalar() is None
            await conn.rollback()
    finally:
        await engine.dispose()
