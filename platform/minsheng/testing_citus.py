"""``minsheng.testing_citus``: the PostgreSQL test database, distributed on a real Citus cluster.

When ``MINSHENG_TEST_CITUS_URL`` names a Citus coordinator (its ``postgres`` database, with the workers
already added there, as ``cluster up`` leaves it), the ``backend`` fixture of :mod:`minsheng.testing`
gains ``citus``: the PostgreSQL path (a fresh database migrated by its owner, the app connecting as a
role that owns nothing and cannot bypass RLS), plus the steps a deployment takes
(platform/docs/citus.md): the database and the extension on every worker, the workers added to the
new database's metadata, and ``minsheng db citus-sql`` run by the owner.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from minsheng.db.citus import apply_distribution
from minsheng.db.roles import create_app_role
from minsheng.testing import (
    APP_ROLE,
    PostgresDatabase,
    _admin_execute,
    _in_thread,
    create_postgres_database,
    drop_postgres_database,
)

CITUS_URL = os.environ.get("MINSHENG_TEST_CITUS_URL")
# Two shards a worker keep the test cluster quick and still spread tenants over every worker.
TEST_SHARDS_PER_WORKER = 2


@dataclass(frozen=True)
class Node:
    host: str
    port: int


async def _fetch(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return [tuple(row) for row in (await conn.execute(text(sql))).all()]
    finally:
        await engine.dispose()


async def cluster_workers(base_url: str) -> list[Node]:
    """The active primary workers registered in ``base_url``'s database."""
    rows = await _fetch(
        base_url,
        "SELECT nodename, nodeport FROM pg_dist_node WHERE groupid <> 0 AND noderole = 'primary' AND isactive "
        "ORDER BY nodeport",
    )
    return [Node(str(host), int(str(port))) for host, port in rows]


def node_url(base_url: str, node: Node, database: str) -> str:
    """``base_url`` (the owner's credentials) pointed at ``node`` and ``database``."""
    url = make_url(base_url).set(host=node.host, port=node.port, database=database)
    return url.render_as_string(hide_password=False)


async def prepare_node(base_url: str, node: Node, database: str, app_role: str) -> None:
    """A worker's side of a new database: the app's login role, the database and the extension."""
    engine = create_async_engine(node_url(base_url, node, "postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.run_sync(create_app_role, app_role)
            await conn.execute(text(f"CREATE DATABASE {database}"))
    finally:
        await engine.dispose()
    await _admin_execute(node_url(base_url, node, database), "CREATE EXTENSION IF NOT EXISTS citus")


async def make_citus(
    base_url: str, owner_url: str, app_role: str, workers: list[Node] | None = None, shard_count: int | None = None
) -> None:
    """Turn the migrated database at ``owner_url`` into a Citus database over ``workers`` and distribute it.

    ``workers`` defaults to every worker of ``base_url``'s cluster; ``shard_count`` to two a worker.
    """
    from minsheng.server import contexts  # noqa: F401  (the script is made from every model)

    nodes = await cluster_workers(base_url) if workers is None else workers
    database = str(make_url(owner_url).database)
    coordinator = make_url(owner_url)
    await asyncio.gather(*(prepare_node(base_url, node, database, app_role) for node in nodes))
    await _admin_execute(
        owner_url,
        "CREATE EXTENSION IF NOT EXISTS citus",
        f"SELECT citus_set_coordinator_host('{coordinator.host}', {coordinator.port or 5432})",
        *(f"SELECT citus_add_node('{node.host}', {node.port})" for node in nodes),
    )
    await apply_distribution(owner_url, shard_count or TEST_SHARDS_PER_WORKER * max(len(nodes), 1))


async def create_citus_database(
    base_url: str, workers: list[Node] | None = None, shard_count: int | None = None
) -> PostgresDatabase:
    """A fresh database on the Citus cluster at ``base_url``: migrated, distributed, with the app role.

    Used by the ``citus_database`` fixture and by ``tests/bench/bench_citus.py``.
    """
    database = await create_postgres_database(base_url)
    await make_citus(base_url, database.owner_url, APP_ROLE, workers, shard_count)
    return database


async def drop_citus_database(base_url: str, database: PostgresDatabase) -> None:
    """Drop a database made by :func:`create_citus_database`, on the coordinator and every worker."""
    name = make_url(database.owner_url).database
    nodes = await cluster_workers(base_url)
    await drop_postgres_database(base_url, database)
    for node in nodes:
        await _admin_execute(node_url(base_url, node, "postgres"), f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "citus: needs MINSHENG_TEST_CITUS_URL (a Citus coordinator)")


_deselected: list[str] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Deselected, not skipped, when no cluster is configured (as minsheng.testing does for PostgreSQL).
    if CITUS_URL:
        return
    # The marker, not the keyword: a keyword also matches a directory named "citus".
    drop = [item for item in items if item.get_closest_marker("citus")]
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = [item for item in items if not item.get_closest_marker("citus")]
        _deselected.extend(item.nodeid for item in drop)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _deselected:
        terminalreporter.write_line(
            f"{len(_deselected)} tests need a Citus cluster and were not run: set MINSHENG_TEST_CITUS_URL "
            "(.ci/run starts one and runs them)."
        )


@pytest.fixture(scope="session")
def citus_database() -> Iterator[PostgresDatabase]:
    assert CITUS_URL, "MINSHENG_TEST_CITUS_URL is not set"
    database: PostgresDatabase = _in_thread(asyncio.run, create_citus_database(CITUS_URL))
    yield database
    _in_thread(asyncio.run, drop_citus_database(CITUS_URL, database))
