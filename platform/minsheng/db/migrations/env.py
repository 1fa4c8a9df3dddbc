"""Alembic environment: runs migrations over the async engine, as the owner of the tables."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from alembic import context
from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

# The models (autogenerate compares them with the database) and the grants every upgrade ends with;
# nothing else of the app: a revision's own file holds all the SQL it runs.
from minsheng.db.base import Base, UtcDateTime
from minsheng.db.roles import grant_app_role
from minsheng.server import contexts  # noqa: F401  (imports every model)

config = context.config
target_metadata = Base.metadata


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    # Migrations spell our column types as plain SQLAlchemy types, never as imports of the app.
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _on_citus(connection: Connection) -> bool:
    return connection.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'citus'")).first() is not None


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_item=_render_item,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql" and _on_citus(connection):
            # A migration may change distributed and reference tables in one transaction (a column of
            # ballots, a foreign key to tenants): Citus allows that mix only one shard at a time.
            connection.execute(text("SET LOCAL citus.multi_shard_modify_mode TO 'sequential'"))
        context.run_migrations()
        app_role = config.get_main_option("app_role")
        if app_role and connection.dialect.name == "postgresql":
            grant_app_role(connection, app_role)


def _engine(url: str) -> AsyncEngine:
    if not url.startswith("sqlite"):
        return create_async_engine(url, poolclass=NullPool)
    engine = create_async_engine(url, poolclass=NullPool, connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # As the app opens the file (WAL, foreign keys, a busy timeout), so a migration sees what it sees.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


async def _run_async(url: str) -> None:
    engine = _engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    asyncio.run(_run_async(config.get_main_option("sqlalchemy.url") or ""))


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `minsheng db upgrade`")
run_migrations_online()
