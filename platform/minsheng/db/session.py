"""Engines and sessions: one async engine for the app, the tenant bound on every transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from minsheng.db.after_commit import discard, run_after_commit
from minsheng.db.epochs import EpochCache
from minsheng.settings import Settings

#: Connections kept open: more than the requests one process serves at once under load (a load
#: balancer's or a test's 32 connections), so the pool does not close and reopen connections.
POOL_SIZE = 40
#: Beyond the pool, for a burst; closed again when returned.
POOL_OVERFLOW = 10
#: A pooled connection is replaced after this long, before a firewall or PostgreSQL drops it idle.
POOL_RECYCLE_SECONDS = 1800
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", ""})


def make_engine(url: str, *, pool: bool = True) -> AsyncEngine:
    """Create the async engine; SQLite gets WAL and a busy timeout so concurrent writers wait.

    A pooled PostgreSQL connection is not pinged at each checkout (that costs three round trips a
    request): it is recycled after :data:`POOL_RECYCLE_SECONDS`, and the request context's first
    statement retries once on a connection found dropped (``minsheng.http.context``). A loopback
    database is reached without TLS unless the URL asks for it (``ssl=`` / ``sslmode=``).
    """
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
        kwargs["poolclass"] = NullPool
    else:
        if pool:
            kwargs.update(pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW, pool_recycle=POOL_RECYCLE_SECONDS)
        else:
            kwargs["poolclass"] = NullPool
        if loopback_without_ssl_choice(url):
            kwargs["connect_args"] = {"ssl": False}
    engine = create_async_engine(url, **kwargs)
    if url.startswith("sqlite"):
        _configure_sqlite(engine.sync_engine)
    else:
        _configure_postgres(engine.sync_engine)
    return engine


def loopback_without_ssl_choice(url: str) -> bool:
    """Whether ``url`` names a loopback (or Unix-socket) PostgreSQL through asyncpg and says nothing of TLS."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or parsed.get_driver_name() != "asyncpg":
        return False
    if "ssl" in parsed.query or "sslmode" in parsed.query:
        return False
    return (parsed.host or "") in LOOPBACK_HOSTS or str(parsed.query.get("host", "")).startswith("/")


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
# The ``session.info`` key of the database's request-context cache (one per process and database).
CONTEXT_CACHE_INFO = "minsheng.context_cache"


class Database:
    """The app's engine and session factory, built from settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = make_engine(settings.database_url)
        # What requests keep between them, valid under the database's cache epochs (db/epochs.py).
        self.context_cache = EpochCache()
        # Each session's info carries the settings, for ORM listeners that have nothing else to ask.
        info = {SETTINGS_INFO: settings, CONTEXT_CACHE_INFO: self.context_cache}
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False, info=info)

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
