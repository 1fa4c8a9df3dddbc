"""Alembic environment: runs migrations over the async engine, as the owner of the tables."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from alembic import context
from sqlalchemy.engine import Connection

from minsheng.db.base import Base, UtcDateTime
from minsheng.db.roles import grant_app_role
from minsheng.db.session import make_engine
from minsheng.server import contexts  # noqa: F401  (imports every model)

config = context.config
target_metadata = Base.metadata


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    # Migrations spell our column types as plain SQLAlchemy types, never as imports of the app.
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_item=_render_item,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        app_role = config.get_main_option("app_role")
        if app_role and connection.dialect.name == "postgresql":
            grant_app_role(connection, app_role)


async def _run_async(url: str) -> None:
    engine = make_engine(url, pool=False)
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
