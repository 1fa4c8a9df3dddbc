"""Engines and sessions: one async engine for the app, the tenant bound on every transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from minsheng.db.after_commit import discard, run_after_commit
from minsheng.settings import Settings


def make_engine(url: str, *, pool: bool = True) -> AsyncEngine:
    """Create the async engine; SQLite gets WAL and a busy timeout so concurrent writers wait."""
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
        kwargs["poolclass"] = NullPool
    elif pool:
        kwargs.update(pool_size=20, max_overflow=20, pool_pre_ping=True)
    else:
        kwargs["poolclass"] = NullPool
    engine = create_async_engine(url, **kwargs)
    if url.startswith("sqlite"):
        _configure_sqlite(engine.sync_engine)
    else:
        _configure_postgres(engine.sync_engine)
    return engine


# The key in a pooled connection's ``info``: True when its database is a Citus coordinator's.
CITUS_INFO = "minsheng.citus"


def is_citus(connection: Any) -> bool:
    """Whether ``connection`` (a SQLAlchemy ``Connection``) talks to a Citus coordinator's database."""
    return bool(connection.connection.info.get(CITUS_INFO, False))


def _configure_postgres(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        # Once per pooled connection: on a Citus coordinator the tenant setting is sent as SET LOCAL,
        # which this carries to the workers inside each transaction (platform/docs/citus.md). The
        # database's own default says the same; the app does not depend on a default a restore may drop.
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')")
        citus = bool(cursor.fetchone()[0])
        if citus:
            cursor.execute("SET citus.propagate_set_commands TO 'local'")
        cursor.close()
        record.info[CITUS_INFO] = citus


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own transaction handling is turned off so that BEGIN IMMEDIATE below takes the
        # write lock at the start: two concurrent writers then queue instead of failing to upgrade.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


# The ``session.info`` key under which sessions of a :class:`Database` carry its settings.
SETTINGS_INFO = "minsheng.settings"


class Database:
    """The app's engine and session factory, built from settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = make_engine(settings.database_url)
        # Each session's info carries the settings, for ORM listeners that have nothing else to ask.
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False, info={SETTINGS_INFO: settings})

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session whose transaction commits on success and rolls back on any error."""
        async with self.sessionmaker() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                discard(session)
                raise
            await run_after_commit(session)

    async def dispose(self) -> None:
        await self.engine.dispose()
