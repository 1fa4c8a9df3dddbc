"""Benchmark of public suggestion submission on PostgreSQL behind a real server.

Run it explicitly (pytest does not collect ``tests/bench``)::

    .venv/bin/python tests/bench/bench_suggestions.py [--clients 32] [--requests 3000] [--workers 1]

It makes a fresh database beside ``MINSHENG_TEST_DATABASE_URL`` (as ``bench_ballots.py`` does), creates
a county, and runs ``--clients`` citizens in a closed loop (each sends its next suggestion when the
last is answered) against ``POST /api/v1/t/{slug}/suggestions`` and, right before or after it, the
same load against the bare Litestar app of ``bench_ballots.py`` (one INSERT per request), ``--repeat``
times, each server started fresh and warmed up. It prints accepted/s, p50/p99 latency of every run and the
medians, with the median ratio to the bare endpoint. Aim: at least 1,000 accepted/s with p99 under
100 ms at 32 clients. Nothing here asserts a timing; figures depend on the machine, and the load
generator shares its cores with the server and PostgreSQL.

Rate limiting: the endpoint allows 5 suggestions a minute per client address. The bench keeps the
limiter in the path and sends each request as if from a different citizen behind the hall's proxy:
``X-Forwarded-For: 10.a.b.c``, a new address every 4 requests, which uvicorn trusts from 127.0.0.1
(``--proxy-headers --forwarded-allow-ips 127.0.0.1``, the deployment's setting). A 429 would be
counted among "other statuses", never as accepted.

Measured 2026-11-28 on a shared 2-core machine (client, servers and PostgreSQL on the same cores,
other work running beside; figures noisy): 1 worker 331-343 accepted/s, p99 ~420 ms, ratio 0.50 to
the bare endpoint (709/644 per s, p99 ~350 ms); 2 workers 215-279/s, ratio 0.54. The aim is not met
there, and the bare one-insert endpoint itself reaches neither 1,000/s nor a p99 under 100 ms on that
machine: the aim needs more cores (one worker per core, the load generator elsewhere).

What holds the platform back beyond the machine: a submission is CPU-bound in Python, and it costs
the database more than its insert:

* the request itself: the tenant with its ancestors, ``set_config``, ``SAVEPOINT`` (so a
  tracking-code collision can retry), the INSERT, the outbox INSERT of an ``oversight.rollup`` job,
  ``RELEASE``, COMMIT. (The savepoint used to send a second ``set_config``; it now inherits the
  transaction's binding, ``tenancy/isolation.py``.)
* the roll-up job is no longer run once per suggestion: it is due ``MINSHENG_ROLLUP_DELAY_SECONDS``
  (3 s) later, the request tells no runner, and the first roll-up to run takes over the tenant's
  other waiting ones (``oversight/coalescing.py``). Before, the in-process dispatcher ran about 60
  statements for each suggestion (claim, tenant tree, ``pg_advisory_xact_lock`` serialising all
  roll-ups, counts, DELETE + INSERT of the roll-up rows for the tenant and each ancestor).

Measured 2026-11-28 08:03 (same machine, shared with other agents' test runs; 2 runs of 2,000, one
worker), this tree with and without these two changes, back to back: roll-up executions during the runs
1,326 before, 20 after; accepted/s 185 before (175-195, ratio 0.43 to the bare endpoint, p99 ~560 ms)
and 205 after (191-218, ratio 0.43, p99 ~410 ms). So the database work of a burst fell by about two
orders of magnitude, but throughput barely moved on this machine: a submission is CPU-bound in
Python (below), and the load generator takes the same two cores. The bare endpoint itself made
only 400-500/s there.

Python's share: uvicorn's HTTP parsing, Litestar's middleware and DI (request id, logging, metrics,
CSRF, problem handlers), the tenant's plugin hooks (categories), SQLAlchemy's ORM flush. The bare
endpoint skips all of it but the INSERT. More workers scale it with cores (``--workers``). A py-spy
profile of the server under this load (08:00): about half its samples in the request (the tenant
lookup with ancestors ~14%, the savepoint's flush ~16%, dependency injection ~20%), much of the rest
in socket writes on the starved cores; uvicorn runs its pure-Python h11 parser and asyncio's loop
here because neither ``httptools`` nor ``uvloop`` is installed (``uvicorn[standard]`` would bring
both: a deployment choice, not measured here).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_ballots import (  # noqa: E402  (the sibling bench, found through this folder)
    DEFAULT_URL,
    Figures,
    prepare_bare_table,
    server,
)

PROXY = ["--proxy-headers", "--forwarded-allow-ips", "127.0.0.1"]
#: Requests per fake citizen address: below the limit of 5 a minute.
PER_ADDRESS = 4
CONTENT = "建议在村口修建一座便民桥，方便群众出行和农产品运输。"


def address(number: int) -> str:
    block = number // PER_ADDRESS
    return f"10.{block // 65536 % 256}.{block // 256 % 256}.{block % 256}"


async def closed_loop(label: str, url: str, clients: int, total: int, body: Any, first: int) -> Figures:
    """``clients`` clients, one connection each, send ``total`` requests in all, each the next when answered."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    counter = iter(range(first, first + total))

    async def citizen() -> None:
        async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=1)) as client:
            for number in counter:
                headers = {"X-Forwarded-For": address(number)}
                started = time.perf_counter()
                try:
                    status = (await client.post(url, json=body, headers=headers)).status_code
                except httpx.HTTPError:
                    status = 0
                latencies.append(time.perf_counter() - started)
                statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(citizen() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    return Figures(label, total, statuses.get(201, 0), elapsed, latencies, statuses)


async def wait_ready(url: str) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(300):
            try:
                if (await client.get(url)).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"the server at {url} did not start")


async def seed(settings: Any) -> str:
    from minsheng.db.session import Database
    from minsheng.tenancy.services import TenantDraft, create_tenant

    database = Database(settings)
    async with database.session() as session:
        await create_tenant(session, TenantDraft(slug="bench-prov", name="省", level="province"), actor="bench")
        draft = TenantDraft(slug="bench-county", name="县", level="county", parent="bench-prov")
        await create_tenant(session, draft, actor="bench")
    await database.dispose()
    return "bench-county"


async def run(args: argparse.Namespace) -> None:
    from minsheng.testing import create_postgres_database, drop_postgres_database, make_settings

    logging.getLogger("httpx").setLevel(logging.WARNING)
    base_url = os.environ.get("MINSHENG_TEST_DATABASE_URL", DEFAULT_URL)
    database = await create_postgres_database(base_url)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            urls = {"database_url": database.app_url, "migration_database_url": database.owner_url}
            slug = await seed(make_settings(Path(tmp), **urls))
            env = await prepare_bare_table(database.owner_url, database.app_url, tmp)
            body = {"content": CONTENT, "channel": "online", "category": "roads_transport", "place": "赵庄村"}
            warm = max(args.clients * 4, 200)
            print(f"== {args.workers} worker(s), {args.clients} clients, {args.requests} requests ==")
            pairs: list[tuple[Figures, Figures]] = []

            async def ours(first: int) -> Figures:
                with server("minsheng.app:create_app", args.workers, env, extra=PROXY) as base:
                    await wait_ready(f"{base}/health")
                    url = f"{base}/api/v1/t/{slug}/suggestions"
                    await closed_loop("warm-up", url, args.clients, warm, body, first)
                    return await closed_loop("suggestions", url, args.clients, args.requests, body, first + warm)

            async def bare() -> Figures:
                with server("bench_ballots:bare_app", args.workers, env, app_dir=HERE) as base:
                    await wait_ready(f"{base}/schema")
                    await closed_loop("bare warm-up", f"{base}/insert", args.clients, warm, body, 0)
                    return await closed_loop("bare: one insert", f"{base}/insert", args.clients, args.requests, body, 0)

            # One server at a time (both would need more connections than PostgreSQL allows), back to
            # back and alternating which goes first, so other work on the machine slows both alike.
            for repeat in range(args.repeat):
                first = repeat * (warm + args.requests)
                if repeat % 2 == 0:
                    mine = await ours(first)
                    pairs.append((mine, await bare()))
                else:
                    theirs = await bare()
                    pairs.append((await ours(first), theirs))
    finally:
        await drop_postgres_database(base_url, database)
    for platform, bare_app in pairs:
        print(platform.line())
        print(bare_app.line())
    rate = statistics.median(platform.rate for platform, _bare in pairs)
    p99 = statistics.median(platform.quantile(0.99) for platform, _bare in pairs)
    print(f"median of {args.repeat}: accepted/s {rate:.0f} (aim 1000); p99 {p99:.0f} ms (aim 100 ms)")
    print(f"median ratio to the bare endpoint: {statistics.median(o.rate / b.rate for o, b in pairs):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32, help="concurrent citizens (closed loop)")
    parser.add_argument("--requests", type=int, default=3000, help="suggestions sent in the measured run")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--repeat", type=int, default=3, help="pairs (platform, bare) run; medians reported")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
