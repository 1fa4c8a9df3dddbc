"""Tests that need a real Citus cluster (``MINSHENG_TEST_CITUS_URL``): the app runs on the coordinator
as its role that owns nothing and cannot bypass RLS; these tests also read the workers directly.

Every test here is marked ``citus`` (each module's ``pytestmark``) and deselected without a cluster.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest
from congress.conftest import Hall, open_hall
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from minsheng.testing import APP_ROLE, Api, PostgresDatabase
from minsheng.testing_citus import CITUS_URL, Node, cluster_workers, node_url


@pytest.fixture
def backend() -> str:
    return "citus"


@dataclass
class Cluster:
    """The test database on the coordinator and on each worker, as its owner or as the app's role."""

    database: PostgresDatabase
    workers: list[Node]

    @property
    def name(self) -> str:
        return str(make_url(self.database.owner_url).database)

    def worker_url(self, node: Node, *, as_app: bool = False) -> str:
        url = make_url(node_url(str(CITUS_URL), node, self.name))
        return url.set(username=APP_ROLE, password=None).render_as_string(hide_password=False) if as_app else str(url)

    @asynccontextmanager
    async def connect(self, url: str) -> AsyncIterator[AsyncConnection]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                yield conn
        finally:
            await engine.dispose()

    @asynccontextmanager
    async def on_worker(self, node: Node) -> AsyncIterator[AsyncConnection]:
        """The owner's connection to ``node``, with the shard tables listed in its catalog."""
        engine = create_async_engine(
            self.worker_url(node), connect_args={"server_settings": {"citus.show_shards_for_app_name_prefixes": "*"}}
        )
        try:
            async with engine.connect() as conn:
                yield conn
        finally:
            await engine.dispose()

    async def shards(self, table: str) -> list[tuple[int, str, int]]:
        """(shard id, host, port) of every placement of ``table``'s shards."""
        async with self.connect(self.database.owner_url) as conn:
            rows = await conn.execute(
                text(
                    "SELECT shardid, nodename, nodeport FROM citus_shards "
                    "WHERE table_name = CAST(:t AS regclass) ORDER BY shardid"
                ),
                {"t": table},
            )
            return [(int(r[0]), str(r[1]), int(r[2])) for r in rows]

    async def tenant_shard(self, table: str, tenant_id: str) -> tuple[int, str, int]:
        async with self.connect(self.database.owner_url) as conn:
            row = (
                await conn.execute(
                    text(
                        "SELECT shardid, nodename, nodeport FROM citus_shards WHERE shardid = "
                        "get_shard_id_for_distribution_column(CAST(:t AS regclass), CAST(:id AS uuid))"
                    ),
                    {"t": table, "id": tenant_id},
                )
            ).one()
            return int(row[0]), str(row[1]), int(row[2])


@pytest.fixture
async def cluster(citus_database: PostgresDatabase) -> Cluster:
    assert CITUS_URL
    return Cluster(citus_database, await cluster_workers(CITUS_URL))


@pytest.fixture
async def hall(api: Api) -> Hall:
    """A county's congress hall (``tests/congress``): clerk, tellers, no deputies yet."""
    return await open_hall(api)
