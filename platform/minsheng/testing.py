"""``minsheng.testing``: pytest fixtures to run the real platform, for our tests and plugin authors'.

Load it with ``pytest_plugins = ["minsheng.testing"]``. It gives an app on SQLite and, when
``MINSHENG_TEST_DATABASE_URL`` is set, the same app on PostgreSQL (``backend`` is parametrized); when
``MINSHENG_TEST_CITUS_URL`` is set, on a Citus cluster too (:mod:`minsheng.testing_citus`).

PostgreSQL runs with the real isolation setup: the schema is migrated by the owner (the URL's user),
and the app connects as a role that owns nothing, so RLS binds it. Tests marked ``postgres`` or
``redis`` run whenever those services are configured (CI always configures them).

Set-up is paid once, not per test (the suite runs under pytest-xdist, ``deploy/dev/test``): SQLite
tests copy a file migrated once per process; PostgreSQL tests get one database per process (per
xdist worker), cloned from a template database migrated once for as long as the migrations stay the
same, and emptied between tests; tests of the same settings' shape share one app, built once
(:func:`shared_app`).
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import dataclasses
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager, closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from minsheng.app import create_app
from minsheng.db.migrate import MIGRATIONS, upgrade
from minsheng.server.core import CorePlugin
from minsheng.settings import Settings

PG_URL = os.environ.get("MINSHENG_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("MINSHENG_TEST_REDIS_URL")
APP_ROLE = "minsheng_app_test"
PASSWORD = "Correct-Horse-42"

# The Citus backend: the PostgreSQL path on a cluster, plus the distribution step.
pytest_plugins = ["minsheng.testing_citus"]

_deselected: list[str] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Not skipped: deselected, and said so, when the service is not configured for this run.
    keep, drop = [], []
    for item in items:
        if ("postgres" in item.keywords and not PG_URL) or ("redis" in item.keywords and not REDIS_URL):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
        _deselected.extend(i.nodeid for i in drop)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _deselected:
        terminalreporter.write_line(
            f"{len(_deselected)} tests need PostgreSQL or Redis and were not run: set "
            "MINSHENG_TEST_DATABASE_URL and MINSHENG_TEST_REDIS_URL (CI sets both)."
        )


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Argon2 with its smallest cost during tests: the same code path, a fraction of the CPU.

    Production keeps argon2-cffi's recommended parameters; a test suite creating hundreds of users
    would otherwise spend most of its time hashing.
    """
    from argon2 import PasswordHasher

    from minsheng.accounts import passwords

    saved = passwords._hasher, passwords._DUMMY_HASH
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    passwords._DUMMY_HASH = passwords._hasher.hash("minsheng-no-such-user")
    yield
    passwords._hasher, passwords._DUMMY_HASH = saved


@contextmanager
def exclusive(resource: str) -> Iterator[None]:
    """Hold ``resource`` (a name) against every other test process on this machine while inside.

    For what the tests share outside their own databases, as a Redis database they flush: xdist's
    workers then take turns on it.
    """
    key = hashlib.sha256(resource.encode()).hexdigest()[:16]
    with (Path(tempfile.gettempdir()) / f"minsheng-test-{key}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    """The test Redis (``MINSHENG_TEST_REDIS_URL``, a database other than 0), flushed before and after
    the test, which holds it alone meanwhile (:func:`exclusive`)."""
    from redis.asyncio import Redis

    assert REDIS_URL, "MINSHENG_TEST_REDIS_URL is not set"
    client = Redis.from_url(REDIS_URL)
    if client.connection_pool.connection_kwargs.get("db", 0) == 0:
        await client.aclose()
        pytest.fail("MINSHENG_TEST_REDIS_URL must name a Redis database other than 0: the tests flush it")
    with exclusive(REDIS_URL):
        await client.flushdb()
        try:
            yield REDIS_URL
        finally:
            await client.flushdb()
            await client.aclose()


# --- PostgreSQL: one migrated database per test process, emptied between tests -----------------


@dataclass
class PostgresDatabase:
    owner_url: str
    app_url: str


async def _admin_execute(url: str, *statements: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        for statement in statements:
            await conn.execute(text(statement))
    await engine.dispose()


def _in_thread(fn: Any, *args: Any) -> Any:
    # Session fixtures may be first requested from inside a running event loop (an async test):
    # their own event loops and Alembic's run in a worker thread.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args).result()


_CREATE_APP_ROLE = (
    f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN "
    f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; END IF; END $$"
)


async def create_postgres_database(base_url: str) -> PostgresDatabase:
    """A fresh database beside ``base_url``'s, migrated in place, and the app role that RLS binds.

    Used for Citus databases, by tests that need a database of their own and by ``tests/bench``.
    """
    name = f"minsheng_test_{secrets.token_hex(4)}"
    await _admin_execute(base_url, _CREATE_APP_ROLE, f"CREATE DATABASE {name}")
    owner_url, app_url = _databases(base_url, name)
    # Alembic runs its own event loop: in a worker thread.
    await asyncio.to_thread(upgrade, owner_url, app_role=APP_ROLE)
    return PostgresDatabase(owner_url=owner_url, app_url=app_url)


async def drop_postgres_database(base_url: str, database: PostgresDatabase) -> None:
    """Drop a database made by :func:`create_postgres_database`."""
    name = make_url(database.owner_url).database
    await _admin_execute(base_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _databases(base_url: str, name: str) -> tuple[str, str]:
    """The owner's and the app role's URLs of database ``name`` on ``base_url``'s server."""
    base = make_url(base_url)
    owner_url = base.set(database=name).render_as_string(hide_password=False)
    app_url = base.set(database=name, username=APP_ROLE, password=None).render_as_string(hide_password=False)
    return owner_url, app_url


TEMPLATE_PREFIX = "minsheng_template_"
# pg_advisory_lock's key for building and cloning the template: one process at a time.
_TEMPLATE_LOCK = 7_316_842_019


def template_name() -> str:
    """The template database's name: a digest of what it is made from (the migrations and the grants),
    so a changed migration gets a template of its own and an unchanged one is reused across runs."""
    digest = hashlib.sha256(APP_ROLE.encode())
    for path in sorted([*MIGRATIONS.rglob("*.py"), MIGRATIONS.parent / "roles.py"]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return TEMPLATE_PREFIX + digest.hexdigest()[:16]


async def clone_postgres_database(base_url: str) -> PostgresDatabase:
    """A database beside ``base_url``'s cloned (``CREATE DATABASE … TEMPLATE``) from a migrated template.

    The template is migrated by the first process that needs it, under an advisory lock, and kept: the
    next run, or the next xdist worker, clones it in a fraction of a second instead of migrating. The
    ``postgres_database`` fixture uses it; Citus databases are still migrated in place (they are
    distributed afterwards, node by node).
    """
    template = template_name()
    engine = create_async_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _TEMPLATE_LOCK})
            try:
                await conn.execute(text(_CREATE_APP_ROLE))
                found = await conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": template})
                if not found:
                    # Built under another name and renamed once whole: an interrupted build is never cloned.
                    building = f"{template}_building"
                    await conn.execute(text(f"DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
                    await conn.execute(text(f"CREATE DATABASE {building}"))
                    owner_url, _app_url = _databases(base_url, building)
                    await asyncio.to_thread(upgrade, owner_url, app_role=APP_ROLE)
                    await conn.execute(text(f"ALTER DATABASE {building} RENAME TO {template}"))
                    await conn.execute(text(f"ALTER DATABASE {template} WITH IS_TEMPLATE true"))
                name = f"minsheng_test_{secrets.token_hex(4)}"
                await conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {template}"))
                # A test database need not wait for the disk at each commit (PostgreSQL itself is
                # not killed in any test; a lost server would lose a few of its last commits only).
                await conn.execute(text(f"ALTER DATABASE {name} SET synchronous_commit TO off"))
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _TEMPLATE_LOCK})
    finally:
        await engine.dispose()
    owner_url, app_url = _databases(base_url, name)
    return PostgresDatabase(owner_url=owner_url, app_url=app_url)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[PostgresDatabase]:
    """This process's PostgreSQL database (one per xdist worker), emptied by the ``settings`` fixture."""
    assert PG_URL, "MINSHENG_TEST_DATABASE_URL is not set"
    database: PostgresDatabase = _in_thread(asyncio.run, clone_postgres_database(PG_URL))
    yield database
    _in_thread(asyncio.run, drop_postgres_database(PG_URL, database))


#: Tables whose rows a reset between tests keeps: rows the migrations wrote and the app needs.
KEPT_ROWS = frozenset({"alembic_version", "cache_epochs"})

# Every table but those, emptied in one statement. DELETE, not TRUNCATE: a test writes a few rows,
# and TRUNCATE makes new files for every table (a second or more for the whole schema on a busy
# machine). Foreign keys are not checked meanwhile (replica mode): every table is emptied anyway.
# Replica mode silences the cache epochs' triggers too, so the counters are bumped by hand: a process
# that cached a login or a tenant of the last test must not find it again.
_EMPTY_TABLES = """
DO $$
DECLARE
    name text;
BEGIN
    PERFORM set_config('session_replication_role', 'replica', true);
    FOR name IN
        SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'
            AND tablename NOT IN ('alembic_version', 'cache_epochs')
    LOOP
        EXECUTE format('DELETE FROM %s', name);
    END LOOP;
    UPDATE cache_epochs SET auth = auth + 1, tenants = tenants + 1 WHERE id = 1 AND auth >= 0;
END $$
"""


async def truncate_all(owner_url: str) -> None:
    """Empty every table of the database at ``owner_url`` (as its owner): the reset between tests."""
    await _admin_execute(owner_url, _EMPTY_TABLES)


async def empty_citus_database(owner_url: str) -> None:
    """Delete every row, dependants first, in one transaction (the tests' reset between tests).

    On a cluster ``TRUNCATE`` of every table takes seconds (locks on every shard, two-phase commit of
    the reference tables); deleting the few rows a test wrote takes a fraction of one. Sequential mode:
    Citus refuses to modify a reference table after a parallel modification of a distributed one.
    """
    from minsheng.db.base import Base
    from minsheng.server import contexts  # noqa: F401  (imports every model)

    engine = create_async_engine(owner_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("SET LOCAL citus.multi_shard_modify_mode TO 'sequential'"))
            for table in reversed(Base.metadata.sorted_tables):
                if table.name not in KEPT_ROWS:
                    await conn.execute(text(f"DELETE FROM {table.name}"))
    finally:
        await engine.dispose()


# --- SQLite: one migrated file per process, copied for each test --------------------------------

_sqlite_template: Path | None = None


def sqlite_template() -> Path:
    """A SQLite file at the migrations' head, migrated once per process (removed when it exits)."""
    global _sqlite_template
    if _sqlite_template is None:
        folder = Path(tempfile.mkdtemp(prefix="minsheng-sqlite-template-"))
        atexit.register(shutil.rmtree, folder, True)
        path = folder / "template.sqlite3"
        _in_thread(upgrade, f"sqlite+aiosqlite:///{path}")
        # The file alone must hold the whole schema (the database runs in WAL mode).
        with closing(sqlite3.connect(path)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _sqlite_template = path
    return _sqlite_template


def migrated_sqlite(path: Path) -> str:
    """A copy of :func:`sqlite_template` at ``path`` (instead of migrating a new file): its URL."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sqlite_template(), path)
    return f"sqlite+aiosqlite:///{path}"


# --- The app -----------------------------------------------------------------------------------

# One secret for the process: settings that differ only in their folders and databases share an app.
_SECRET_KEY = "test-secret-" + secrets.token_hex(16)  # 32 bytes and more, as production requires


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Embedded settings in ``tmp_path`` (its SQLite file is migrated when the app starts).

    ``migrated_settings`` gives the same with the file already migrated.
    """
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'minsheng.sqlite3'}",
        migration_database_url=f"sqlite+aiosqlite:///{tmp_path / 'minsheng.sqlite3'}",
        redis_url=None,
        s3=None,
        secret_key=_SECRET_KEY,
        seed_demo=False,
        log_json=False,
        # Roll-ups at once: tests read figures right after the jobs drain.
        rollup_delay_seconds=0,
    )
    return dataclasses.replace(settings, **overrides)


def migrated_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """:func:`make_settings` with its SQLite file copied from the migrated template."""
    migrated_sqlite(tmp_path / "minsheng.sqlite3")
    return make_settings(tmp_path, **overrides)


#: What ``create_app`` reads of its settings while building the app; everything else is read when the
#: app starts (its lifespan), so settings that agree on these can share one app.
#: (``metrics_token`` and ``trusted_proxies`` shape the app where the settings have them.)
APP_SHAPE = ("secret_key", "debug", "log_json", "metrics_token", "trusted_proxies")
_apps: dict[tuple[Any, ...], Litestar] = {}


def shared_app(settings: Settings) -> Litestar:
    """The app for ``settings``: built once per process for all settings of the same :data:`APP_SHAPE`.

    Building takes half a second of CPU (every route handler, the OpenAPI schema); starting takes a
    few milliseconds. The app's services are made at start-up from the settings handed to it here, so
    one test's app never carries another's database, folder or services. Tests run one at a time in a
    process; an app is never started twice at once.
    """
    key = tuple(repr(getattr(settings, name, None)) for name in APP_SHAPE)
    app = _apps.get(key)
    if app is None:
        app = _apps[key] = create_app(settings)
    app.plugins.get(CorePlugin).settings = settings
    return app


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("citus", marks=pytest.mark.citus),
    ]
)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def settings(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    if backend in ("postgres", "citus"):
        pg: PostgresDatabase = request.getfixturevalue(f"{backend}_database")
        if backend == "citus":
            await empty_citus_database(pg.owner_url)
        else:
            await truncate_all(pg.owner_url)
        return make_settings(tmp_path, database_url=pg.app_url, migration_database_url=pg.owner_url)
    return migrated_settings(tmp_path)


@pytest.fixture
async def app(settings: Settings) -> Litestar:
    return shared_app(settings)


@dataclass
class Api:
    """A test client with the platform's common moves."""

    client: httpx.AsyncClient
    app: Litestar
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def services(self) -> Any:
        return self.app.state.services

    async def make_user(self, username: str, *, platform_admin: bool = False, password: str = PASSWORD) -> None:
        from minsheng.accounts import services as accounts

        async with self.services.database.session() as session:
            await accounts.create_user(session, username, password, platform_admin=platform_admin)

    async def token(self, username: str, password: str = PASSWORD) -> str:
        if username not in self.tokens:
            response = await self.client.post("/api/v1/auth/token", json={"username": username, "password": password})
            assert response.status_code == 200, response.text
            self.tokens[username] = response.json()["access_token"]
        return self.tokens[username]

    async def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {await self.token(username)}"}

    async def operator(self) -> dict[str, str]:
        if "operator" not in self.tokens:
            await self.make_user("operator", platform_admin=True)
        return await self.headers("operator")

    def browser(self) -> httpx.AsyncClient:
        """A client with a cookie jar of its own, as a second browser would have."""
        transport = httpx.ASGITransport(app=self.app)  # type: ignore[arg-type]
        return httpx.AsyncClient(transport=transport, base_url="http://testserver.local")

    @staticmethod
    async def login_form_token(browser: httpx.AsyncClient) -> str:
        """Open the login page: the CSRF cookie lands in the jar, the form's token is returned."""
        page = await browser.get("/login")
        assert page.status_code == 200
        found = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
        assert found, "the login form carries the CSRF middleware's token"
        return found.group(1)

    async def page_login(self, browser: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
        """Log in through the login form (cookie session), as a person would."""
        token = await self.login_form_token(browser)
        return await browser.post(
            "/login", data={"username": username, "password": password, "next": "/", "_csrf_token": token}
        )

    async def alter_audit_event(self, tenant_id: str, seq: int, **values: str) -> None:
        """Change a stored audit event behind the app's back (as the tables' owner), to test the verifier."""
        settings = self.services.settings
        engine = create_async_engine(settings.migration_database_url)
        # SQLite stores UUIDs as 32 hex digits; PostgreSQL needs the cast.
        where = "tenant_id = CAST(:t AS uuid)" if settings.is_postgres else "tenant_id = :t"
        key = tenant_id if settings.is_postgres else tenant_id.replace("-", "")
        assignments = ", ".join(f"{column} = :{column}" for column in values)
        try:
            async with engine.begin() as conn:
                await conn.execute(
                    text(f"UPDATE audit_events SET {assignments} WHERE seq = :seq AND {where}"),
                    {**values, "seq": seq, "t": key},
                )
        finally:
            await engine.dispose()

    async def create_tenant(
        self, slug: str, level: str = "township", parent: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        body = {"slug": slug, "name": extra.pop("name", slug), "level": level, "parent": parent, **extra}
        response = await self.client.post("/api/v1/admin/tenants", json=body, headers=await self.operator())
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def tree(self) -> None:
        """A province, a city, two counties and a township under each county."""
        await self.create_tenant("prov", "province")
        await self.create_tenant("city", "city", "prov")
        await self.create_tenant("county-a", "county", "city")
        await self.create_tenant("county-b", "county", "city")
        await self.create_tenant("town-a", "township", "county-a")
        await self.create_tenant("town-b", "township", "county-b")

    async def add_member(self, slug: str, username: str, roles: list[str]) -> dict[str, Any]:
        response = await self.client.post(
            f"/api/v1/admin/tenants/{slug}/users",
            json={"username": username, "password": PASSWORD, "display_name": username, "roles": roles},
            headers=await self.operator(),
        )
        assert response.status_code == 201, response.text
        return dict(response.json())


@pytest.fixture
async def api(app: Litestar) -> AsyncIterator[Api]:
    # The app, its lifespan and the test share one event loop (asyncpg's pool is bound to its loop).
    async with running(app):
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client:
            yield Api(client=client, app=app)


@asynccontextmanager
async def running(app: Litestar) -> AsyncIterator[None]:
    """Run the app's lifespan in a task of its own (entered and left in one task, as anyio wants)."""
    started, stop = asyncio.Event(), asyncio.Event()

    async def lifespan() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(lifespan())
    waiter = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiter.cancel()
        task.result()  # start-up failed: raise its error here
    try:
        yield
    finally:
        stop.set()
        await task


def random_slug(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@dataclass
class DatabaseDump:
    """Every table's rows as text (``rows``), its reflected columns and foreign keys (``schema``), and
    on PostgreSQL the distinct writing transactions (``xmin``) of the tables asked for."""

    rows: dict[str, list[dict[str, str]]]
    schema: dict[str, dict[str, Any]]
    xmin: dict[str, set[str]]


def _cell_text(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


async def dump_database(url: str, xmin_tables: tuple[str, ...] = ()) -> DatabaseDump:
    """Read the whole database as its owner, table by table, without the models: secrecy tests inspect
    whatever a future migration adds too (nothing may link a deputy to a secret choice)."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            schema = await connection.run_sync(
                lambda sync: {
                    name: {
                        "columns": inspect(sync).get_columns(name),
                        "foreign_keys": inspect(sync).get_foreign_keys(name),
                    }
                    for name in inspect(sync).get_table_names()
                }
            )
            rows = {}
            for name in schema:
                result = await connection.execute(text(f'SELECT * FROM "{name}"'))
                rows[name] = [{k: _cell_text(v) for k, v in row._mapping.items()} for row in result]
            xmin: dict[str, set[str]] = {}
            if connection.dialect.name == "postgresql":
                for name in xmin_tables:
                    found = await connection.execute(text(f'SELECT DISTINCT xmin::text FROM "{name}"'))
                    xmin[name] = {row[0] for row in found}
    finally:
        await engine.dispose()
    return DatabaseDump(rows=rows, schema=schema, xmin=xmin)


@dataclass(frozen=True)
class HeapTuple:
    """One tuple as it lies in a heap page, live or dead: its relation, writing transaction and bytes."""

    relation: str
    xmin: int
    xmax: int
    data: bytes


async def without_dead_rows(url: str) -> None:
    """Rewrite every table of the database at ``url`` (as its owner) without its dead row versions.

    The reset between PostgreSQL tests deletes rows, and the earlier tests' dead versions stay in the
    heap pages; a test reading those pages (:func:`heap_tuples`) starts from this instead, as from a
    database of its own."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text("VACUUM FULL"))
    finally:
        await engine.dispose()


async def heap_tuples(url: str) -> list[HeapTuple]:
    """Every tuple of every table of the ``public`` schema and of their TOAST tables, read from the raw
    heap pages (``pageinspect``) as the superuser who owns the test database: live and dead row versions
    alike, as a reader of the data files, or of a backup of them, would find them."""
    engine = create_async_engine(url)
    found: list[HeapTuple] = []
    try:
        async with engine.connect() as connection:
            await connection.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
            relations = await connection.execute(
                text(
                    "SELECT c.oid::regclass::text, pg_relation_size(c.oid) / current_setting('block_size')::int"
                    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'm')"
                    " UNION ALL"
                    " SELECT t.oid::regclass::text, pg_relation_size(t.oid) / current_setting('block_size')::int"
                    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " JOIN pg_class t ON t.oid = c.reltoastrelid WHERE n.nspname = 'public'"
                )
            )
            for relation, blocks in relations.all():
                for block in range(int(blocks)):
                    items = await connection.execute(
                        text(
                            "SELECT t_xmin::text::bigint, t_xmax::text::bigint, t_data"
                            " FROM heap_page_items(get_raw_page(:relation, :block)) WHERE t_data IS NOT NULL"
                        ),
                        {"relation": relation, "block": block},
                    )
                    found.extend(HeapTuple(relation, int(xmin), int(xmax), bytes(data)) for xmin, xmax, data in items)
            await connection.commit()
    finally:
        await engine.dispose()
    return found


def identity_marks(*values: Any) -> set[bytes]:
    """How ``values`` (UUIDs, names) lie in a heap tuple: as text, and a UUID also as its 16 raw bytes."""
    marks: set[bytes] = set()
    for value in values:
        marks.add(str(value).encode())
        if isinstance(value, uuid.UUID):
            marks.add(value.bytes)
    return marks


async def deputy_identity_marks(url: str, deputy_ids: Iterable[uuid.UUID]) -> set[bytes]:
    """The marks of the deputies ``deputy_ids`` as a reader of the data files finds them: each deputy's
    id, their user's id and user name (read from the database at ``url``, every one of them present)."""
    wanted = set(deputy_ids)
    rows = (await dump_database(url)).rows
    deputies = [row for row in rows["deputies"] if uuid.UUID(row["id"]) in wanted]
    assert len(deputies) == len(wanted), "a deputy asked for is not in the database"
    users = {row["id"]: row["username"] for row in rows["users"]}
    return identity_marks(
        *(uuid.UUID(row["id"]) for row in deputies),
        *(uuid.UUID(row["user_id"]) for row in deputies),
        *(users[row["user_id"]] for row in deputies),
    )


def transactions_holding(tuples: list[HeapTuple], marks: set[bytes]) -> set[int]:
    """The writing transactions (``xmin``) of the tuples that hold any of ``marks``."""
    return {item.xmin for item in tuples if any(mark in item.data for mark in marks)}


# --- Browser tests: the real app behind uvicorn, driven by Debian's Chromium through Playwright ----
#
# Chromium runs once per session (a plain process with a DevTools port); each test connects to it with
# Playwright's async API over CDP, inside the test's own event loop, and gets fresh browser contexts.
# Playwright never downloads a browser of its own.

CHROMIUM = os.environ.get("MINSHENG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these the closed network makes Chromium wait on its background requests.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.40"
)


@dataclass
class LiveServer(Api):
    """The ``Api`` helpers against a real HTTP server; ``url`` is its base URL (no trailing slash).

    ``client`` talks HTTP to the server. Helpers that touch the database directly run their coroutine
    on the server's event loop (the engine is bound to it).
    """

    url: str = ""
    loop: asyncio.AbstractEventLoop | None = None

    async def on_server(self, coro: Any) -> Any:
        """Await ``coro`` on the server's event loop (for direct service or database calls)."""
        assert self.loop is not None
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self.loop))

    async def make_user(self, username: str, *, platform_admin: bool = False, password: str = PASSWORD) -> None:
        await self.on_server(Api.make_user(self, username, platform_admin=platform_admin, password=password))

    def browser(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url)


@asynccontextmanager
async def start_live_server(settings: Settings) -> AsyncIterator[LiveServer]:
    """Serve ``create_app(settings)`` with uvicorn in a background thread on a free port of 127.0.0.1."""
    import socket
    import threading

    import uvicorn

    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level="warning", access_log=False))
    loop = asyncio.new_event_loop()
    failure: list[BaseException] = []

    def serve() -> None:
        try:
            loop.run_until_complete(server.serve(sockets=[sock]))
        except BaseException as error:  # reported to the test below
            failure.append(error)
        finally:
            loop.close()

    thread = threading.Thread(target=serve, name="live-server", daemon=True)
    thread.start()
    while not server.started:
        if failure or not thread.is_alive():
            raise RuntimeError(f"the live server did not start: {failure}")
        await asyncio.sleep(0.02)
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            yield LiveServer(client=client, app=app, url=url, loop=loop)
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join, 30)
        sock.close()


@pytest.fixture
def live_server_settings(tmp_path: Path) -> Settings:
    """The live server's settings (SQLite in ``tmp_path``): override this fixture to change them."""
    return migrated_settings(tmp_path)


@pytest.fixture
async def live_server(live_server_settings: Settings) -> AsyncIterator[LiveServer]:
    async with start_live_server(live_server_settings) as server:
        yield server


@pytest.fixture(scope="session")
def chromium_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start Debian's Chromium once per session; its DevTools endpoint (``http://127.0.0.1:port``)."""
    import subprocess
    import time

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)"
    profile = tmp_path_factory.mktemp("chromium-profile")
    process = subprocess.Popen(
        [CHROMIUM, *CHROMIUM_ARGS, "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 60
    while not (port_file.exists() and port_file.read_text().strip()):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("Chromium did not open its DevTools port")
        time.sleep(0.05)
    port = port_file.read_text().split()[0]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
async def browser(chromium_endpoint: str) -> AsyncIterator[Any]:
    """A Playwright ``Browser`` (async API) connected to the session's Chromium."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        connected = await playwright.chromium.connect_over_cdp(chromium_endpoint)
        default_contexts = list(connected.contexts)  # Chromium's own: left alone
        try:
            yield connected
        finally:
            for context in connected.contexts:
                if context not in default_contexts:
                    await context.close()


async def _page(browser: Any, **context_options: Any) -> Any:
    context = await browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **context_options)
    # Generous: a loaded 2-core CI machine renders pages and PDFs slowly; a real failure still fails.
    context.set_default_timeout(30_000)
    return await context.new_page()


@pytest.fixture
async def phone_page(browser: Any) -> Any:
    """A page in a fresh phone context (390x844, touch, a WeChat-like mobile user agent)."""
    return await _page(
        browser,
        viewport={"width": 390, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        user_agent=PHONE_UA,
    )


@pytest.fixture
async def desktop_page(browser: Any) -> Any:
    """A page in a fresh desktop context (1366x900)."""
    return await _page(browser, viewport={"width": 1366, "height": 900})


# --- What a region plugin's own tests need: they import nothing of the platform but ``minsheng.plugins``
# and this module (``tests/unit/test_plugin_contract.py``).


async def tenant_hooks_of(api: Api, slug: str) -> Any:
    """The hooks (``TenantHooks``) of tenant ``slug`` exactly as a request of that tenant gets them."""
    from minsheng.plugins.manager import get_plugin_manager
    from minsheng.tenancy import services as tenancy
    from minsheng.tenancy.configuration import hooks_for_chain
    from minsheng.tenancy.snapshot import TenantSnapshot

    async with api.services.database.session() as session:
        chain = await tenancy.chain_of(session, slug)
        assert chain, f"no tenant {slug}"
        return hooks_for_chain(get_plugin_manager(), [TenantSnapshot.of(row) for row in chain])


def installed_plugins() -> list[str]:
    """The names of the plugins the platform found installed (its defaults included)."""
    from minsheng.plugins.manager import get_plugin_manager

    return list(get_plugin_manager().plugin_names())


def verifier_digests() -> dict[str, Any]:
    """The digest algorithms the offline verifier follows, by name (every installed plugin's)."""
    from minsheng.plugins.manager import digest_algorithms

    return digest_algorithms()


def verify_round_export(document: dict[str, Any]) -> Any:
    """``minsheng verify`` of a round export, offline (its result has ``ok`` and ``summary``)."""
    from minsheng.congress.voting.verify import verify_round_export as verify

    return verify(document)


def cli_environment(settings: Settings) -> dict[str, str]:
    """The environment an operator's ``minsheng`` command for the installation of ``settings`` runs with
    (its database, data directory and secret: on PostgreSQL the CLI refuses a missing secret)."""
    return {
        "MINSHENG_DATABASE_URL": settings.database_url,
        "MINSHENG_DATA_DIR": str(settings.data_dir),
        "MINSHENG_SECRET_KEY": settings.secret_key,
    }


def server_environment(settings: Settings) -> dict[str, str]:
    """The environment of a server process (``uvicorn minsheng.app:create_app``) for the installation of
    ``settings``: the CLI's, the owner's URL migrations use, no demo and JSON logs. The same secret as
    ``settings``: rounds opened under it keep keys wrapped with a key derived from it."""
    return {
        **cli_environment(settings),
        "MINSHENG_MIGRATION_DATABASE_URL": settings.migration_database_url,
        "MINSHENG_SEED_DEMO": "0",
        "MINSHENG_LOG_JSON": "1",
    }


def run_minsheng(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run the ``minsheng`` command with ``args`` and ``env``: its exit code and output."""
    from click.testing import CliRunner

    from minsheng.cli import main

    result = CliRunner().invoke(main, args, env=env)
    return result.exit_code, result.output


def catalog_problems(package: Path) -> tuple[list[Any], list[Any]]:
    """A plugin's catalog: the marked texts missing from it, and those left untranslated."""
    from minsheng.i18n.catalogs import missing_messages, untranslated_messages

    return list(missing_messages("zh_CN", package=package)), list(untranslated_messages(package))


def translated(message: str, locale: str, **params: Any) -> str:
    """``message`` as the platform shows it in ``locale`` (the plugin's catalogs loaded beside its own)."""
    from minsheng.i18n import translate

    return translate(message, locale, **params)


def with_document_filters(env: Any) -> Any:
    """``env`` (a Jinja2 environment over your templates) with the filters the platform's documents
    give every template (``sentence``, ``cn_date``, ``cn_number``, ...)."""
    from minsheng.documents.template_resolution import _with_filters

    return _with_filters(env)
