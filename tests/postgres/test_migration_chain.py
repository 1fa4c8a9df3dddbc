"""The migrations on PostgreSQL: the schema they create matches the models, column types included, and
every revision goes down to nothing and up again to the same schema (policies and functions too)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from minsheng.db.base import Base
from minsheng.db.migrate import downgrade, upgrade
from minsheng.server import contexts  # noqa: F401  (imports every model)
from minsheng.testing import APP_ROLE, PG_URL, PostgresDatabase, create_postgres_database, drop_postgres_database

pytestmark = pytest.mark.postgres


def _schema(connection: Connection) -> dict[str, Any]:
    """What the migrations made: tables with their columns, keys, indexes and checks; row-level security
    and its policies; the functions; the app role's grants."""
    inspector = inspect(connection)
    tables = {
        name: {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], str(c.get("default"))) for c in inspector.get_columns(name)
            ],
            "primary_key": inspector.get_pk_constraint(name),
            "foreign_keys": sorted(inspector.get_foreign_keys(name), key=lambda fk: str(fk["name"])),
            "indexes": sorted(inspector.get_indexes(name), key=lambda ix: str(ix["name"])),
            "unique": sorted(inspector.get_unique_constraints(name), key=lambda uq: str(uq["name"])),
            "checks": sorted(inspector.get_check_constraints(name), key=lambda ck: str(ck["name"])),
        }
        for name in inspector.get_table_names()
    }

    def rows(sql: str) -> list[tuple[Any, ...]]:
        return sorted(tuple(row) for row in connection.execute(text(sql)))

    return {
        "tables": tables,
        "security": rows(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"
        ),
        "policies": rows("SELECT tablename, policyname, cmd, qual, with_check FROM pg_policies"),
        "functions": rows(
            "SELECT proname, pg_get_functiondef(oid) FROM pg_proc WHERE pronamespace = 'public'::regnamespace"
        ),
        "grants": rows(
            f"SELECT table_name, privilege_type FROM information_schema.role_table_grants WHERE grantee = '{APP_ROLE}'"
        ),
    }


async def _read(url: str, read: Any) -> Any:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(read)
    finally:
        await engine.dispose()


def _drift(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_the_migrated_schema_matches_the_models_types_included(postgres_database: PostgresDatabase) -> None:
    assert await _read(postgres_database.owner_url, _drift) == []


@pytest.fixture
async def fresh_database() -> Any:
    assert PG_URL, "MINSHENG_TEST_DATABASE_URL is not set"
    database = await create_postgres_database(PG_URL)
    try:
        yield database
    finally:
        await drop_postgres_database(PG_URL, database)


async def test_every_revision_goes_down_to_nothing_and_up_again(fresh_database: PostgresDatabase) -> None:
    url = fresh_database.owner_url
    migrated = await _read(url, _schema)
    assert len(migrated["tables"]) > 50 and migrated["policies"] and migrated["functions"]

    await asyncio.to_thread(downgrade, url, "base")
    emptied = await _read(url, _schema)
    assert list(emptied["tables"]) == ["alembic_version"]
    assert (emptied["policies"], emptied["functions"]) == ([], [])

    await asyncio.to_thread(upgrade, url, app_role=APP_ROLE)
    assert await _read(url, _schema) == migrated
