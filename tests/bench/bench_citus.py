"""Benchmark of the ballot path and the province dashboard on a Citus cluster beside the same on one
PostgreSQL, in one run (platform/docs/citus.md, "When to move").

Run it explicitly (pytest does not collect ``tests/bench``), with a cluster up (``cluster up``)::

    .venv/bin/python tests/bench/bench_citus.py [--deputies 300] [--tenants 20] [--per-tenant 100]
        [--province-tenants 1000] [--projects 50000] [--repeat 3] [--shard-count 32]

It makes a fresh database on each side, as the test suite does (the app's role that owns nothing and
cannot bypass RLS): beside ``MINSHENG_TEST_DATABASE_URL`` (default
``postgresql+asyncpg://postgres@127.0.0.1:5432/test``) and on the coordinator of
``MINSHENG_TEST_CITUS_URL`` (default ``postgresql+asyncpg://postgres@127.0.0.1:5440/postgres``),
migrated and distributed there with ``minsheng db citus-sql``. Then, one side after the other,
alternating which goes first:

* the ballot path (``bench_ballots.py``'s loads, one uvicorn worker): a burst of ``--deputies``
  ballots in one round, then ``--tenants`` rounds in as many townships at once;
* the province dashboard (``bench_province.py``'s province, loaded by COPY, roll-ups rebuilt as the
  app's role): p50/p95 of the province's figures through the API.

It prints both sides and the Citus/PostgreSQL ratio of each figure (above 1: Citus slower, for
latencies; below 1: Citus slower, for rates). On one machine the cluster's coordinator and workers
share the cores with the server and the load generator: a cluster pays its network hops and
two-phase commits here without the extra machines that make it worth them. Nothing here asserts a
timing.

Measured 2026-12-04 with the defaults (3 loads a side, 32 shards, a coordinator and two workers from
``cluster up``) on the shared 2-core machine under a load average of 13 (other work beside: every
absolute figure is several times below an idle machine's; the ratios are what this run is for):

    medians                              PostgreSQL |      Citus | Citus/PostgreSQL
    burst of 300: ballots/s                    28.8 |       21.8 |   0.76
    burst of 300: accepted within s            10.4 |       13.7 |   1.32
    burst of 300: p99 ms                      10136 |      13319 |   1.31
    20 rounds in 20 tenants: ballots/s         15.6 |       12.9 |   0.83
    20 rounds in 20 tenants: p50 ms           75875 |      83869 |   1.11
    province dashboard (API): p50 ms          132.2 |      256.0 |   1.94
    province dashboard (API): p95 ms          240.4 |      546.5 |   2.27

Both sides answered some of the 2,000 spread ballots 503 (saturated: 59-129 on PostgreSQL, 194-235 on
Citus; a phone retries those). Roll-ups of 1,023 tenants rebuilt in 47.8 s on PostgreSQL, 229.3 s on
Citus (each tenant's roll-up rows are written to a reference table: a two-phase commit on every node).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

# Run by path: this folder is on sys.path, with the two benchmarks whose loads this one reuses.
from bench_ballots import Clients, Figures, ballots, fire, server, wait_ready
from bench_province import bulk_load, timed

from minsheng.testing import PostgresDatabase

PG_DEFAULT = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
CITUS_DEFAULT = "postgresql+asyncpg://postgres@127.0.0.1:5440/postgres"


@dataclass
class Side:
    name: str
    base_url: str
    database: PostgresDatabase | None = None
    bursts: list[Figures] | None = None
    spreads: list[Figures] | None = None
    dashboard: list[float] | None = None

    @property
    def db(self) -> PostgresDatabase:
        assert self.database is not None, "created first"
        return self.database


async def create(side: Side, shard_count: int) -> None:
    from minsheng.testing import create_postgres_database
    from minsheng.testing_citus import create_citus_database

    if side.name == "citus":
        side.database = await create_citus_database(side.base_url, shard_count=shard_count)
    else:
        side.database = await create_postgres_database(side.base_url)


async def drop(side: Side) -> None:
    from minsheng.testing import drop_postgres_database
    from minsheng.testing_citus import drop_citus_database

    if side.database is None:
        return
    if side.name == "citus":
        await drop_citus_database(side.base_url, side.database)
    else:
        await drop_postgres_database(side.base_url, side.database)


async def ballot_path(sides: list[Side], args: argparse.Namespace) -> None:
    from minsheng.congress.seeding import seed_townships
    from minsheng.testing import make_settings

    for side in sides:
        side.bursts, side.spreads = [], []
    with tempfile.TemporaryDirectory() as tmp:
        seeded = {}
        for side in sides:
            db = side.db
            settings = make_settings(Path(tmp), database_url=db.app_url, migration_database_url=db.owner_url)
            started = time.perf_counter()
            seeded[side.name] = await seed_townships(
                settings, f"b{side.name[0]}", args.deputies, args.tenants, args.per_tenant, 2 * args.repeat
            )
            print(f"{side.name}: seeded {args.tenants + 1} townships in {time.perf_counter() - started:.1f} s")
        async with Clients(args.connections) as http:
            for repeat in range(args.repeat):
                order = sides if repeat % 2 == 0 else list(reversed(sides))
                for side in order:
                    db = side.db
                    env = {
                        "MINSHENG_DATABASE_URL": db.app_url,
                        "MINSHENG_MIGRATION_DATABASE_URL": db.owner_url,
                        "MINSHENG_DATA_DIR": tmp,
                        "MINSHENG_SECRET_KEY": "bench-" + "x" * 32,
                        "MINSHENG_SEED_DEMO": "0",
                        "MINSHENG_LOG_JSON": "1",
                    }
                    main, others = seeded[side.name][0], seeded[side.name][1:]
                    warm, number = 2 * repeat, 2 * repeat + 1
                    with server("minsheng.app:create_app", 1, env) as base:
                        await wait_ready(http, f"{base}/health")
                        await fire(http, "warm-up", ballots(base, main, main.rounds[warm]))
                        burst = await fire(
                            http, f"{side.name}: burst of {len(main.headers)}", ballots(base, main, main.rounds[number])
                        )
                        many = [r for t in others for r in ballots(base, t, t.rounds[number])]
                        random.Random(number).shuffle(many)
                        spread = await fire(http, f"{side.name}: {len(others)} rounds at once", many)
                    side.bursts.append(burst)
                    side.spreads.append(spread)
                    print(burst.line())
                    print(spread.line())


async def province_dashboard(sides: list[Side], args: argparse.Namespace) -> None:
    from minsheng.app import create_app
    from minsheng.oversight.rollup import refresh_everything
    from minsheng.testing import Api, make_settings, running

    for side in sides:
        started = time.perf_counter()
        loaded = await bulk_load(side.db.owner_url, args.province_tenants, args.projects)
        print(f"{side.name}: loaded {loaded} in {time.perf_counter() - started:.1f} s (COPY)")
    apps = {}
    for side in sides:
        settings = make_settings(
            Path(tempfile.mkdtemp()), database_url=side.db.app_url, migration_database_url=side.db.owner_url
        )
        apps[side.name] = create_app(settings)
    side_samples: dict[str, list[float]] = {side.name: [] for side in sides}
    for side in sides:
        app = apps[side.name]
        async with running(app):
            transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
            async with httpx.AsyncClient(transport=transport, base_url="http://bench.local", timeout=300) as client:
                api = Api(client=client, app=app)
                started = time.perf_counter()
                async with api.services.database.session() as session:
                    count = await refresh_everything(session)
                print(f"{side.name}: roll-ups of {count} tenants rebuilt in {time.perf_counter() - started:.1f} s")
                await api.make_user("ops", platform_admin=True)
                await api.add_member("prov", "prov-staff", ["tenant_admin"])
                staff = await api.headers("prov-staff")
                summary = (await client.get("/api/v1/t/prov/oversight", headers=staff)).json()
                print(f"{side.name}: province totals {summary['totals']['projects']} projects")
                await timed(3, lambda: client.get("/api/v1/t/prov/oversight", headers=staff))  # warm
                side_samples[side.name] += await timed(
                    args.dashboard_repeat, lambda: client.get("/api/v1/t/prov/oversight", headers=staff)
                )
    for side in sides:
        side.dashboard = side_samples[side.name]


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def summary(pg: Side, citus: Side) -> None:
    def med(values: list[float]) -> float:
        return statistics.median(values)

    rows = []
    assert pg.bursts and citus.bursts and pg.spreads and citus.spreads and pg.dashboard and citus.dashboard
    for label, get in (
        ("burst: ballots/s", lambda s: med([f.rate for f in s.bursts])),
        ("burst: accepted within s", lambda s: med([f.elapsed for f in s.bursts])),
        ("burst: p99 ms", lambda s: med([f.quantile(0.99) for f in s.bursts])),
        ("20 tenants: ballots/s", lambda s: med([f.rate for f in s.spreads])),
        ("20 tenants: p50 ms", lambda s: med([f.quantile(0.5) for f in s.spreads])),
        ("20 tenants: p99 ms", lambda s: med([f.quantile(0.99) for f in s.spreads])),
        ("province dashboard (API): p50 ms", lambda s: med(s.dashboard)),
        ("province dashboard (API): p95 ms", lambda s: p95(s.dashboard)),
    ):
        a, b = get(pg), get(citus)
        rows.append((label, a, b, b / a if a else float("nan")))
    print("\n== medians: one PostgreSQL | Citus (coordinator + workers) | ratio Citus/PostgreSQL ==")
    for label, a, b, ratio in rows:
        print(f"{label:<36} {a:10.1f} | {b:10.1f} | {ratio:6.2f}")


async def run(args: argparse.Namespace) -> None:
    logging.disable(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    pg = Side("postgres", os.environ.get("MINSHENG_TEST_DATABASE_URL", PG_DEFAULT))
    citus = Side("citus", os.environ.get("MINSHENG_TEST_CITUS_URL", CITUS_DEFAULT))
    sides = [pg, citus]
    try:
        for side in sides:
            await create(side, args.shard_count)
        from minsheng.testing_citus import cluster_workers

        workers = await cluster_workers(citus.base_url)
        print(f"citus: {len(workers)} workers, {args.shard_count} shards per table")
        await ballot_path(sides, args)
        await province_dashboard(sides, args)
        summary(pg, citus)
    finally:
        for side in sides:
            await drop(side)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deputies", type=int, default=300, help="deputies voting at once in one round")
    parser.add_argument("--tenants", type=int, default=20, help="townships voting at once")
    parser.add_argument("--per-tenant", type=int, default=100, help="deputies in each of those townships")
    parser.add_argument("--connections", type=int, default=300, help="the client's connection limit")
    parser.add_argument("--repeat", type=int, default=3, help="ballot loads on each side; medians reported")
    parser.add_argument("--province-tenants", type=int, default=1000, help="tenants of the province")
    parser.add_argument("--projects", type=int, default=50_000, help="projects over five years")
    parser.add_argument("--dashboard-repeat", type=int, default=30, help="dashboard requests on each side")
    parser.add_argument("--shard-count", type=int, default=32, help="shards per distributed table (Citus's default)")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
