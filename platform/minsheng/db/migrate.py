"""Running Alembic from code: ``minsheng db upgrade`` and the embedded start both call ``upgrade``."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str, app_role: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if app_role:
        config.set_main_option("app_role", app_role)
    return config


def upgrade(url: str, revision: str = "head", app_role: str | None = None) -> None:
    """Bring the schema at ``url`` (connected as the tables' owner) up to ``revision``.

    ``head`` is the one head of the chain: with two (an unmerged branch) Alembic refuses, instead of
    applying both in an order nobody chose. ``app_role`` (PostgreSQL) is then granted data access,
    never ownership, so RLS binds it.
    """
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
    command.upgrade(alembic_config(url, app_role), revision)


def downgrade(url: str, revision: str) -> None:
    """Take the schema at ``url`` back down to ``revision`` (``base``: nothing left but Alembic's table)."""
    command.downgrade(alembic_config(url), revision)


async def upgrade_async(url: str, revision: str = "head", app_role: str | None = None) -> None:
    """``upgrade`` from inside a running event loop (Alembic's env runs its own loop)."""
    await asyncio.to_thread(upgrade, url, revision, app_role)


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def head_revision() -> str:
    """The revision the code's schema is at (the chain's one head)."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None, "no migrations"
    return head


@dataclass(frozen=True)
class SchemaState:
    """Whether the database has been migrated at all, and to which revision when that can be read (a role
    that owns nothing may not read ``alembic_version``: then ``revision`` is None)."""

    migrated: bool
    revision: str | None = None


def schema_state(url: str) -> SchemaState:
    """The state of the schema at ``url``, read without changing anything (an embedded database file
    that does not exist yet is not created). Runs its own event loop, as ``upgrade`` does."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path != ":memory:" and not Path(path).exists():
            return SchemaState(migrated=False)
    return asyncio.run(_schema_state(url))


async def _schema_state(url: str) -> SchemaState:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_read_state)
    finally:
        await engine.dispose()


def _read_state(connection: Connection) -> SchemaState:
    if not inspect(connection).has_table("alembic_version"):
        return SchemaState(migrated=False)
    try:
        revision = MigrationContext.configure(connection).get_current_revision()
    except DBAPIError:
        return SchemaState(migrated=True)
    return SchemaState(migrated=revision is not None, revision=revision)
