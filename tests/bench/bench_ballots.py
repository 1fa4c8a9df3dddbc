"""Benchmark of the secret-ballot endpoint on PostgreSQL behind a real server.

Run it explicitly (pytest does not collect ``tests/bench``)::

    .venv/bin/python tests/bench/bench_ballots.py [--deputies 300] [--tenants 20] [--per-tenant 100]

It makes a fresh database beside ``MINSHENG_TEST_DATABASE_URL`` (default
``postgresql+asyncpg://postgres@127.0.0.1:5432/test``) with the app role RLS binds, as the test
suite does (``minsheng.testing.create_postgres_database``), seeds tenants, deputies checked in, tokens
and open rounds through the services, then for 1 and 2 uvicorn workers:

* a warm-up round, then the burst: every deputy of one township votes at once;
* 20 rounds in 20 townships at once (``--per-tenant`` deputies each);
* after the burst, the close of its round (the tally, the chain, the documents queued) and
  ``minsheng verify`` of the round's export, offline, each timed (aim: under 200 ms together);
* each load sent right after (or before, alternately) to a bare Litestar app defined here, one
  INSERT per request, with the same bodies; ``--repeat`` pairs, each server started fresh.

It prints ballots/s, p50/p99 latency, the time to accept the whole burst for every pair, and the
medians of the ratios to the bare app, so a machine busy with other work slows both sides alike.
Figures depend on the machine: nothing here asserts a timing. The load generator (httpx) shares the
machine's cores with the servers, which holds both figures down alike.
Seeding is ``minsheng.congress.seeding`` (shared with ``tests/e2e/test_sigkill_ballots.py``).

The ballot path sends 3 statements per ballot on PostgreSQL once the deputy's token is known to the
server process (5 on its first request), down from 12: the cache epochs with the tenant's
``set_config`` in the same statement (``minsheng.http.context``: the token, memberships and tenant
come from the process's cache), one query for the locked round with the deputy, check-in and earlier
vote, and one statement writing participation and ballot (a data-modifying CTE); candidates are
cached per open round. ``tests/congress/test_ballot_queries.py`` and
``tests/congress/test_request_context_cost.py`` pin the counts. What remains per request is mostly
Python: uvicorn, Litestar's middleware and dependency injection, SQLAlchemy's session and execution
layers. The pool no longer pings at checkout. ``wrk_bench.py`` measures the server without this
bench's client in the way (``tests/bench/README.md``); the figures below predate both.

Measured 2026-11-28 on a shared 2-core machine (client, servers and PostgreSQL on the same cores,
other work beside; noisy): 1 worker, burst of 300 accepted in 1.26-1.35 s (222-238/s), p99 ~1.2 s;
20 rounds in 20 tenants 246-272/s; median ratios 0.37 (burst) and 0.38 (sustained) to the bare
endpoint; 2 workers about the same (0.40/0.40). Before this work the ratio was 0.2-0.31 with 12
statements per ballot. The aims (burst within 0.5 s, p99 under 250 ms, ratio 0.5) are not met there.

Ballots enqueue no oversight roll-up (participations and ballots are not counted; a round's figures
change when it opens and closes: ``tests/congress/test_ballots_no_rollup.py``), so coalescing the
roll-ups (``oversight/coalescing.py``) changes nothing here. Re-run 2026-11-28 08:05, one worker, one
pair each, the machine busier than above (bare endpoint 384-492/s): burst of 300 in 1.60-1.70 s
(176-187/s), 20 tenants 170-171/s, ratios 0.44-0.46 (burst) and 0.35-0.40 (sustained), the same
before and after within noise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from litestar import Litestar, post
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

if TYPE_CHECKING:
    from minsheng.congress.seeding import Township
    from minsheng.settings import Settings

HERE = Path(__file__).resolve().parent
DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
BARE_URL_ENV = "BENCH_BARE_DATABASE_URL"
#: Set by --server-pythonpath: the platform's code the server runs (e.g. an older checkout's platform/).
SERVER_PYTHONPATH = ""


# --- The bare app: one endpoint, one INSERT, the same pool size as the platform's ----------------

_bare_engine: AsyncEngine | None = None


@contextlib.asynccontextmanager
async def _bare_lifespan(_app: Litestar) -> AsyncIterator[None]:
    global _bare_engine
    _bare_engine = create_async_engine(os.environ[BARE_URL_ENV], pool_size=20, max_overflow=20)
    try:
        yield
    finally:
        await _bare_engine.dispose()


@post("/insert", status_code=201)
async def insert_one(data: dict[str, Any]) -> dict[str, str]:
    """Store the body as one row and answer its id."""
    assert _bare_engine is not None
    row_id = uuid.uuid4()
    async with _bare_engine.begin() as conn:
        await conn.execute(
            text("INSERT INTO bench_bare (id, content) VALUES (:id, CAST(:content AS jsonb))"),
            {"id": row_id, "content": json.dumps(data)},
        )
    return {"id": str(row_id)}


bare_app = Litestar(route_handlers=[insert_one], lifespan=[_bare_lifespan])


# --- Servers and load ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server(
    target: str, workers: int, env: dict[str, str], app_dir: Path | None = None, extra: Sequence[str] = ()
) -> Iterator[str]:
    """Run ``target`` with uvicorn on a free port until the block ends (``extra``: more uvicorn options)."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port), *extra]
    command += ["--workers", str(workers), "--log-level", "warning", "--no-access-log", "--backlog", "2048"]
    # Longer than a load step lasts: a keep-alive connection the server closes between steps would
    # otherwise fail the next request sent on it (counted as status 0).
    command += ["--timeout-keep-alive", "300"]
    if target.endswith("create_app"):
        command.append("--factory")
    if app_dir is not None:
        command += ["--app-dir", str(app_dir)]
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def wait_ready(clients: Clients, url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            response = await clients.pick().get(url)
            if response.status_code < 500:
                return
        await asyncio.sleep(0.2)
    raise RuntimeError(f"the server at {url} did not start")


@dataclass
class Figures:
    label: str
    requests: int
    accepted: int
    elapsed: float
    latencies: list[float]
    statuses: dict[int, int]

    @property
    def rate(self) -> float:
        return self.accepted / self.elapsed if self.elapsed else 0.0

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def line(self) -> str:
        others = {code: n for code, n in self.statuses.items() if code != 201}
        return (
            f"{self.label:<42} {self.accepted:>5}/{self.requests:<5} accepted in {self.elapsed:6.3f} s  "
            f"{self.rate:7.0f}/s  p50 {self.quantile(0.5):6.1f} ms  p99 {self.quantile(0.99):6.1f} ms"
            + (f"  other statuses {others}" if others else "")
        )


async def fire(clients: Clients, label: str, requests: Sequence[tuple[str, dict[str, Any], Any]]) -> Figures:
    """Send every request at once (the client's pool holds them to its connection limit)."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def one(url: str, headers: dict[str, Any], body: Any) -> None:
        client = clients.pick()
        started = time.perf_counter()
        try:
            status = (await client.post(url, json=body, headers=headers)).status_code
        except httpx.HTTPError:
            status = 0  # the connection failed: counted, never accepted
        latencies.append(time.perf_counter() - started)
        statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(one(*request) for request in requests))
    elapsed = time.perf_counter() - started
    return Figures(label, len(requests), statuses.get(201, 0), elapsed, latencies, statuses)


def ballots(base: str, township: Township, round_id: str) -> list[tuple[str, dict[str, Any], Any]]:
    url = f"{base}/api/v1/t/{township.slug}/rounds/{round_id}/ballots"
    chosen = random.Random(round_id)
    return [(url, headers, {"selected": chosen.sample(township.candidates, 10)}) for headers in township.headers]


class Clients:
    """``connections`` connections in all, as many small httpx clients of ``CLIENT_SHARE`` each.

    One client holding 300 connections spends its time in httpcore's pool bookkeeping, which grows
    with the queued requests times the connections: the load generator, not the server, would be
    measured. Phones are separate clients anyway.
    """

    def __init__(self, connections: int) -> None:
        share = min(CLIENT_SHARE, connections)
        limits = httpx.Limits(max_connections=share, max_keepalive_connections=share)
        self.clients = [httpx.AsyncClient(limits=limits, timeout=120) for _ in range(-(-connections // share))]
        self._next = 0

    def pick(self) -> httpx.AsyncClient:
        self._next = (self._next + 1) % len(self.clients)
        return self.clients[self._next]

    async def __aenter__(self) -> Clients:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        for client in self.clients:
            await client.aclose()


CLIENT_SHARE = 10


async def run(args: argparse.Namespace) -> None:
    from minsheng.congress.seeding import seed_townships, staff_header
    from minsheng.testing import create_postgres_database, drop_postgres_database, make_settings

    logging.getLogger("httpx").setLevel(logging.WARNING)
    base_url = os.environ.get("MINSHENG_TEST_DATABASE_URL", DEFAULT_URL)
    workers_list = [int(w) for w in args.workers.split(",")]
    database = await create_postgres_database(base_url)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            urls = {"database_url": database.app_url, "migration_database_url": database.owner_url}
            settings = make_settings(Path(tmp), **urls)
            started = time.perf_counter()
            per_run = 2 * args.repeat
            townships = await seed_townships(
                settings, "bench", args.deputies, args.tenants, args.per_tenant, per_run * len(workers_list)
            )
            print(f"seeded {args.tenants + 1} townships in {time.perf_counter() - started:.1f} s")
            env = await prepare_bare_table(settings)
            main, others = townships[0], townships[1:]
            global CLERK
            CLERK = await staff_header(settings, main.slug, "bench-clerk", ["tenant_admin", "presidium"])
            for index, workers in enumerate(workers_list):
                await measure(env, workers, main, others, index * per_run, args)
    finally:
        await drop_postgres_database(base_url, database)


async def prepare_bare_table(settings: Settings) -> dict[str, str]:
    """Create the bare app's table; answer the environment of both servers."""
    from minsheng.testing import server_environment

    app_url = settings.database_url
    engine = create_async_engine(settings.migration_database_url)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE bench_bare (id uuid PRIMARY KEY, content jsonb NOT NULL)"))
        await conn.execute(text(f"GRANT SELECT, INSERT ON bench_bare TO {make_app_role(app_url)}"))
    await engine.dispose()
    return {**server_environment(settings), BARE_URL_ENV: app_url}


def make_app_role(app_url: str) -> str:
    from sqlalchemy.engine import make_url

    return str(make_url(app_url).username)


@dataclass
class Pair:
    """One load sent to the platform and, just before or after it, to the bare app."""

    ours: Figures
    bare: Figures

    @property
    def ratio(self) -> float:
        return self.ours.rate / self.bare.rate if self.bare.rate else 0.0


Requests = list[tuple[str, dict[str, Any], Any]]


async def platform_run(
    http: Clients, env: dict[str, str], workers: int, main: Township, others: list[Township], rounds: tuple[int, int]
) -> tuple[Figures, Figures, Requests, Requests]:
    """A fresh platform server: a warm-up round, the burst, then the rounds of the other tenants."""
    warm_round, number = rounds
    platform_env = {**env, "PYTHONPATH": SERVER_PYTHONPATH} if SERVER_PYTHONPATH else env
    with server("minsheng.app:create_app", workers, platform_env) as base:
        await wait_ready(http, f"{base}/health")
        await fire(http, "warm-up", ballots(base, main, main.rounds[warm_round]))
        burst = ballots(base, main, main.rounds[number])
        burst_figures = await fire(http, f"burst: {len(main.headers)} deputies, one round", burst)
        CLOSES.append(await close_and_verify(http, base, main, main.rounds[number]))
        many = [request for t in others for request in ballots(base, t, t.rounds[number])]
        random.Random(number).shuffle(many)
        spread = await fire(http, f"{len(others)} rounds in {len(others)} tenants at once", many)
    return burst_figures, spread, burst, many


#: A clerk of the burst's township (tenant admin and presidium): closes and exports its rounds.
CLERK: dict[str, str] = {}


@dataclass
class Close:
    """One round of the burst closed over HTTP, exported, and verified offline."""

    ballots: int
    close_ms: float
    export_ms: float
    verify_ms: float

    def line(self) -> str:
        return (
            f"close of the burst's round ({self.ballots} ballots) {self.close_ms:6.1f} ms,"
            f" export {self.export_ms:6.1f} ms, verify {self.verify_ms:6.1f} ms:"
            f" close + verify {self.close_ms + self.verify_ms:6.1f} ms (aim 200 ms)"
        )


CLOSES: list[Close] = []


async def close_and_verify(http: Clients, base: str, township: Township, round_id: str) -> Close:
    """Close ``round_id``, fetch its export and run ``minsheng verify``'s check of it in this process."""
    from minsheng.congress.voting.verify import verify_round_export

    client = http.pick()
    rounds = f"{base}/api/v1/t/{township.slug}/rounds/{round_id}"
    started = time.perf_counter()
    closed = await client.post(f"{rounds}/close", headers=CLERK)
    close_ms = (time.perf_counter() - started) * 1000
    assert closed.status_code == 200, closed.text
    started = time.perf_counter()
    exported = await client.get(f"{rounds}/export", headers=CLERK)
    export_ms = (time.perf_counter() - started) * 1000
    assert exported.status_code == 200, exported.text
    document = exported.json()
    started = time.perf_counter()
    verdict = verify_round_export(document)
    verify_ms = (time.perf_counter() - started) * 1000
    assert verdict.ok, verdict.summary
    return Close(closed.json()["valid"] + closed.json().get("invalid", 0), close_ms, export_ms, verify_ms)


async def bare_run(
    http: Clients, env: dict[str, str], workers: int, burst: Requests, many: Requests
) -> tuple[Figures, Figures]:
    """A fresh bare server: a warm-up, then the same bodies as the platform's burst and spread."""
    with server("bench_ballots:bare_app", workers, env, app_dir=HERE) as base:
        await wait_ready(http, f"{base}/schema")
        url = f"{base}/insert"
        await fire(http, "bare warm-up", [(url, {}, body) for _url, _headers, body in burst])
        burst_figures = await fire(http, f"bare: {len(burst)} inserts at once", [(url, {}, b) for _u, _h, b in burst])
        spread = await fire(http, f"bare: {len(many)} inserts at once", [(url, {}, b) for _u, _h, b in many])
    return burst_figures, spread


async def measure(
    env: dict[str, str], workers: int, main: Township, others: list[Township], first: int, args: argparse.Namespace
) -> None:
    """``--repeat`` pairs: the platform's loads and the bare app's, back to back, alternating which goes
    first; one server at a time (both at once would need more connections than PostgreSQL allows)."""
    print(
        f"\n== {workers} worker(s), {args.connections} connections, server code: {SERVER_PYTHONPATH or 'this tree'} =="
    )
    bursts: list[Pair] = []
    spreads: list[Pair] = []
    async with Clients(args.connections) as http:
        for repeat in range(args.repeat):
            rounds = (first + 2 * repeat, first + 2 * repeat + 1)
            if repeat % 2 == 0:
                burst, spread, burst_requests, many = await platform_run(http, env, workers, main, others, rounds)
                bare_burst, bare_spread = await bare_run(http, env, workers, burst_requests, many)
            else:
                # The bare app first: it needs only the bodies, which do not depend on the server.
                burst_requests = ballots("", main, main.rounds[rounds[1]])
                many = [request for t in others for request in ballots("", t, t.rounds[rounds[1]])]
                random.Random(rounds[1]).shuffle(many)
                bare_burst, bare_spread = await bare_run(http, env, workers, burst_requests, many)
                burst, spread, _burst, _many = await platform_run(http, env, workers, main, others, rounds)
            bursts.append(Pair(burst, bare_burst))
            spreads.append(Pair(spread, bare_spread))
    for found in (*bursts, *spreads):
        print(found.ours.line())
        print(found.bare.line())
    for close in CLOSES:
        print(close.line())
    if CLOSES:
        together = statistics.median(c.close_ms + c.verify_ms for c in CLOSES)
        print(f"median of {len(CLOSES)}: close + verify of a burst's round {together:.0f} ms (aim 200 ms)")
    CLOSES.clear()
    elapsed = statistics.median(p.ours.elapsed for p in bursts)
    p99 = statistics.median(p.ours.quantile(0.99) for p in bursts)
    print(f"median of {args.repeat}: burst accepted within {elapsed:.3f} s (aim 0.5 s); p99 {p99:.0f} ms (aim 250 ms)")
    print(f"median ratio to the bare endpoint, burst:     {statistics.median(p.ratio for p in bursts):.2f}")
    print(f"median ratio to the bare endpoint, sustained: {statistics.median(p.ratio for p in spreads):.2f} (aim 0.5)")
    slower = statistics.median(
        statistics.median(p.ours.latencies) / statistics.median(p.bare.latencies) for p in spreads
    )
    print(f"median latency, ballots over bare inserts (sustained): {slower:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deputies", type=int, default=300, help="deputies voting at once in one round")
    parser.add_argument("--tenants", type=int, default=20, help="tenants voting at once")
    parser.add_argument("--per-tenant", type=int, default=100, help="deputies in each of those tenants")
    parser.add_argument("--workers", default="1,2", help="uvicorn worker counts to measure, comma-separated")
    parser.add_argument("--connections", type=int, default=300, help="the client's connection limit")
    parser.add_argument("--repeat", type=int, default=3, help="pairs (platform, bare) of each load; medians reported")
    parser.add_argument(
        "--server-pythonpath",
        default="",
        help="run the server on another copy of platform/ (e.g. `git archive` of a commit), to compare",
    )
    args = parser.parse_args()
    global SERVER_PYTHONPATH
    SERVER_PYTHONPATH = args.server_pythonpath
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
