"""Tenant placement with the app serving throughout (platform/docs/citus.md, "Placing tenants").

The cluster of this test starts with one worker. A big county is moved to a shard group of its own
(``minsheng db citus-isolate``) while its staff keep reading and citizens keep writing suggestions;
then a second worker joins and ``minsheng db citus-rebalance`` spreads the shard groups over both,
the same load running. Every request is answered (reads during the moves; writes to the moving shards
wait for the copy: ``block_writes``, since this cluster runs without ``wal_level = logical``), and the
county's and the province's figures afterwards are the ones before plus what the load added.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from oversight.conftest import Province, make_province
from sqlalchemy import text
from sqlalchemy.engine import make_url

from minsheng.cli import main
from minsheng.db.citus import ANCHOR
from minsheng.settings import Settings
from minsheng.testing import APP_ROLE, Api, PostgresDatabase, _in_thread, make_settings
from minsheng.testing_citus import (
    CITUS_URL,
    cluster_workers,
    create_citus_database,
    drop_citus_database,
    prepare_node,
)

pytestmark = pytest.mark.citus

BIG = "county-a"


@pytest.fixture
def one_worker_database() -> Iterator[PostgresDatabase]:
    """A database of its own whose metadata knows the cluster's first worker only."""
    assert CITUS_URL
    first = _in_thread(asyncio.run, cluster_workers(CITUS_URL))[0]
    database: PostgresDatabase = _in_thread(asyncio.run, create_citus_database(CITUS_URL, [first]))
    yield database
    _in_thread(asyncio.run, drop_citus_database(CITUS_URL, database))


@pytest.fixture
def settings(one_worker_database: PostgresDatabase, tmp_path: Path) -> Settings:
    base = make_settings(
        tmp_path, database_url=one_worker_database.app_url, migration_database_url=one_worker_database.owner_url
    )
    return dataclasses.replace(base, suggestion_rate_per_minute=0, suggestion_rate_per_day=0)


@dataclass
class Load:
    """Staff reading the county's figures and citizens writing suggestions, until stopped."""

    place: Province
    answers: list[tuple[float, str, int]] = field(default_factory=list)  # (finished at, what, status)
    written: int = 0

    async def run(self, stop: asyncio.Event) -> None:
        api, n = self.place.api, 0
        while not stop.is_set():
            for what, request in (
                ("read", api.client.get(f"/api/v1/t/{BIG}/oversight", headers=self.place.staff[BIG])),
                ("read", api.client.get(f"/api/v1/t/{BIG}/suggestions", headers=self.place.staff[BIG])),
                ("write", api.client.post(f"/api/v1/t/{BIG}/suggestions", json=suggestion(n))),
                ("read", api.client.get("/api/v1/t/county-b/projects", headers=self.place.staff["county-b"])),
            ):
                response = await request
                self.answers.append((time.monotonic(), what, response.status_code))
                self.written += what == "write" and response.status_code == 201
            n += 1

    async def during(self, action: Any) -> tuple[float, float]:
        """Run ``action`` (blocking: in a thread) under the load; its start and end times."""
        stop = asyncio.Event()
        runner = asyncio.create_task(self.run(stop))
        await asyncio.sleep(0.3)
        started = time.monotonic()
        try:
            await asyncio.to_thread(action)
        finally:
            ended = time.monotonic()
            stop.set()
            await runner
        return started, ended


def suggestion(n: int) -> dict[str, str]:
    return {"content": f"第{n}条：村口的路灯坏了，希望尽快修好", "channel": "online"}


async def figures(place: Province) -> dict[str, Any]:
    api = place.api
    await place.settle()
    county = await api.client.get(f"/api/v1/t/{BIG}/oversight", headers=place.staff[BIG])
    province = await api.client.get("/api/v1/t/prov/oversight", headers=place.staff["prov"])
    listing = await api.client.get(f"/api/v1/t/{BIG}/suggestions?per_page=1", headers=place.staff[BIG])
    chain = await api.client.get(f"/api/v1/t/{BIG}/audit/verify", headers=place.staff[BIG])
    for response in (county, province, listing, chain):
        assert response.status_code == 200, response.text
    assert chain.json()["ok"] is True
    return {
        "county": county.json()["totals"],
        "province": province.json()["totals"],
        "suggestions": listing.json()["total"],
    }


def cli(settings: Settings, *args: str) -> str:
    env = {
        "MINSHENG_DATABASE_URL": settings.database_url,
        "MINSHENG_MIGRATION_DATABASE_URL": settings.migration_database_url,
        "MINSHENG_SECRET_KEY": settings.secret_key,
    }
    result = CliRunner().invoke(main, ["db", *args], env=env)
    assert result.exit_code == 0, result.output
    return result.output


async def owner_rows(settings: Settings, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(settings.migration_database_url)
    try:
        async with engine.begin() as conn:
            return [tuple(r) for r in await conn.execute(text(sql), params)]
    finally:
        await engine.dispose()


def assert_served(load: Load, window: tuple[float, float]) -> None:
    failed = [a for a in load.answers if a[2] not in (200, 201)]
    assert not failed, failed
    during = [a for a in load.answers if window[0] <= a[0] <= window[1] and a[1] == "read"]
    assert during, "reads were answered while the shards moved"


async def test_a_big_county_moves_to_its_own_shard_and_the_cluster_grows_while_serving(
    api: Api, settings: Settings
) -> None:
    place = await make_province(api)
    projects = [await place.project(BIG, title) for title in ("道路提质改造", "农贸市场改造", "学校食堂扩建")]
    for n in range(5):
        await place.suggest(BIG, f"第{n}条：希望修一修村里的路")
    await place.choose(BIG, projects[:2], not_chosen=projects[2:])
    before = await figures(place)
    assert before["suggestions"] == 5 and before["county"]["projects"] == 3 and before["county"]["chosen"] == 2

    county_id = (await owner_rows(settings, "SELECT id::text FROM tenants WHERE slug = :s", s=BIG))[0][0]
    shard_of = (
        "SELECT shardid, shardminvalue, shardmaxvalue FROM pg_dist_shard WHERE shardid = "
        "get_shard_id_for_distribution_column(CAST(:table AS regclass), CAST(:t AS uuid))"
    )
    (old_shard, low, high) = (await owner_rows(settings, shard_of, table=ANCHOR, t=county_id))[0]
    assert low != high, "shared with other hash values before"

    # 1. The county gets a shard group of its own, the app serving.
    load = Load(place)
    window = await load.during(lambda: cli(settings, "citus-isolate", BIG, "--transfer-mode", "block_writes"))
    assert_served(load, window)
    (new_shard, low, high) = (await owner_rows(settings, shard_of, table=ANCHOR, t=county_id))[0]
    assert new_shard != old_shard and low == high, "a shard holding one hash value: the county's alone"
    after = await figures(place)
    assert after["suggestions"] == before["suggestions"] + load.written
    assert after["county"]["suggestions"] == before["county"]["suggestions"] + load.written
    assert {k: v for k, v in after["county"].items() if k != "suggestions"} == {
        k: v for k, v in before["county"].items() if k != "suggestions"
    }
    assert after["province"]["suggestions"] == before["province"]["suggestions"] + load.written

    # 2. A second worker joins; the rebalancer spreads the shard groups over both, the app serving.
    assert CITUS_URL
    first, second = (await cluster_workers(CITUS_URL))[:2]
    name = str(make_url(settings.migration_database_url).database)
    await prepare_node(CITUS_URL, second, name, APP_ROLE)
    await owner_rows(settings, "SELECT citus_add_node(:h, :p)", h=second.host, p=second.port)
    nodes = "SELECT DISTINCT nodeport FROM citus_shards WHERE table_name = CAST(:table AS regclass)"
    assert await owner_rows(settings, nodes, table=ANCHOR) == [(first.port,)]
    before = after
    load = Load(place)
    output: list[str] = []
    window = await load.during(
        lambda: output.append(cli(settings, "citus-rebalance", "--transfer-mode", "block_writes", "--timeout", "300"))
    )
    assert_served(load, window)
    assert "shard move(s) done" in output[0]
    assert sorted(await owner_rows(settings, nodes, table=ANCHOR)) == [(first.port,), (second.port,)]
    after = await figures(place)
    assert after["suggestions"] == before["suggestions"] + load.written
    assert after["province"]["suggestions"] == before["province"]["suggestions"] + load.written
    again = await asyncio.to_thread(cli, settings, "citus-rebalance", "--transfer-mode", "block_writes")
    assert "balanced already" in again
