"""Benchmark of the secret-ballot endpoint on PostgreSQL behind a real server (issue 4, must-show 11).

Run it explicitly (pytest does not collect ``tests/bench``)::

    .venv/bin/python tests/bench/bench_ballots.py [--deputies 300] [--tenants 20] [--per-tenant 100]

It makes a fresh database beside ``MINSHENG_TEST_DATABASE_URL`` (default
``postgresql+asyncpg://postgres@127.0.0.1:5432/test``) with the app role RLS binds, as the test
suite does (``minsheng.testing.create_postgres_database``), seeds tenants, deputies checked in, tokens
and open rounds through the services, then for 1 and 2 uvicorn workers:

* a warm-up round, then the burst: every deputy of one township votes at once;
* 20 rounds in 20 townships at once (``--per-tenant`` deputies each);
* the same loads against a bare Litestar app defined here, one INSERT per request.

It prints ballots/s, p50/p99 latency, the time to accept the whole burst and the ratios to the bare
app measured in the same run. Figures depend on the machine: nothing here asserts a timing. The load
generator (httpx) shares the machine's cores with the server, which holds both figures down alike.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from litestar import Litestar, post
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

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


# --- Seeding through the services ---------------------------------------------------------------


@dataclass
class Township:
    slug: str
    candidates: list[str]
    headers: list[dict[str, str]] = field(default_factory=list)
    rounds: list[str] = field(default_factory=list)


async def seed(settings: Any, deputies: int, tenants: int, per_tenant: int, rounds_each: int) -> list[Township]:
    """A province, a county, then townships: the first with ``deputies``, the others ``per_tenant``."""
    from minsheng.accounts import service as accounts
    from minsheng.accounts.models import Membership, User
    from minsheng.congress import rounds, sessions
    from minsheng.congress.models import CheckIn, Deputy, VotingMethod
    from minsheng.db.session import Database
    from minsheng.projects.models import Project
    from minsheng.tenancy.context import TenantRef, tenant_scope
    from minsheng.tenancy.service import TenantDraft, create_tenant

    database = Database(settings)
    townships: list[Township] = []
    async with database.session() as session:
        await create_tenant(session, TenantDraft(slug="bench-prov", name="省", level="province"), actor="bench")
        await create_tenant(
            session,
            TenantDraft(slug="bench-county", name="县", level="county", parent="bench-prov"),
            actor="bench",
        )
    for number in range(tenants + 1):
        slug = f"bench-t{number}"
        async with database.session() as session:
            tenant = await create_tenant(
                session,
                TenantDraft(slug=slug, name=f"乡{number}", level="township", parent="bench-county"),
                actor="bench",
            )
            tenant_id = tenant.id
        township = Township(slug=slug, candidates=[])
        with tenant_scope(TenantRef(tenant_id, slug)):
            async with database.session() as session:
                projects = [
                    Project(year=2026, title=f"项目{n}", content="内容", category="education", status="accepted")
                    for n in range(15)
                ]
                for project in projects:
                    project.created_by = "bench"
                session.add_all(projects)
                await session.flush()
                township.candidates = [str(p.id) for p in projects]
                congress = await sessions.create_session(session, title="会议", on=date(2026, 1, 10), actor="bench")
                deputy_ids = []
                for d in range(deputies if number == 0 else per_tenant):
                    user = User(username=f"d{d}-{slug}", display_name=f"代表{d}", password_hash="!")
                    session.add(user)
                    await session.flush()
                    session.add(Membership(tenant_id=tenant_id, user_id=user.id, roles=["deputy"]))
                    deputy = Deputy(name=f"代表{d:03d}", user_id=user.id, created_by="bench")
                    session.add(deputy)
                    secret, _row = await accounts.open_session(session, settings, user, "api")
                    township.headers.append({"Authorization": f"Bearer {secret}"})
                    await session.flush()
                    deputy_ids.append(deputy.id)
                session.add_all(CheckIn(session_id=congress.id, deputy_id=d, checked_in_by="bench") for d in deputy_ids)
                await session.flush()
                for r in range(rounds_each):
                    voting_round = await rounds.create_round(
                        session,
                        congress,
                        title=f"票决{r}",
                        seats=10,
                        candidates=[p.id for p in projects],
                        format_code="approve_up_to_seats",
                        method=VotingMethod.ELECTRONIC.value,
                        actor="bench",
                    )
                    await rounds.open_round(session, voting_round.id, actor="bench")
                    township.rounds.append(str(voting_round.id))
        townships.append(township)
    await database.dispose()
    return townships


# --- Servers and load ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server(target: str, workers: int, env: dict[str, str], app_dir: Path | None = None) -> Iterator[str]:
    """Run ``target`` with uvicorn on a free port until the block ends."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port)]
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
            townships = await seed(settings, args.deputies, args.tenants, args.per_tenant, 2 * len(workers_list))
            print(f"seeded {args.tenants + 1} townships in {time.perf_counter() - started:.1f} s")
            engine = create_async_engine(database.owner_url)
            async with engine.begin() as conn:
                await conn.execute(text("CREATE TABLE bench_bare (id uuid PRIMARY KEY, content jsonb NOT NULL)"))
                await conn.execute(text(f"GRANT SELECT, INSERT ON bench_bare TO {make_app_role(database.app_url)}"))
            await engine.dispose()
            env = {
                "MINSHENG_DATABASE_URL": database.app_url,
                "MINSHENG_MIGRATION_DATABASE_URL": database.owner_url,
                "MINSHENG_DATA_DIR": tmp,
                "MINSHENG_SECRET_KEY": secrets.token_hex(16),
                "MINSHENG_SEED_DEMO": "0",
                "MINSHENG_LOG_JSON": "1",
                BARE_URL_ENV: database.app_url,
            }
            main, others = townships[0], townships[1:]
            for index, workers in enumerate(workers_list):
                await measure(env, workers, main, others, index, args.connections)
    finally:
        await drop_postgres_database(base_url, database)


def make_app_role(app_url: str) -> str:
    from sqlalchemy.engine import make_url

    return str(make_url(app_url).username)


async def measure(
    env: dict[str, str], workers: int, main: Township, others: list[Township], index: int, connections: int
) -> None:
    print(f"\n== {workers} worker(s), {connections} connections, server code: {SERVER_PYTHONPATH or 'this tree'} ==")
    warm_round, burst_round = main.rounds[2 * index], main.rounds[2 * index + 1]
    async with Clients(connections) as http:
        platform_env = {**env, "PYTHONPATH": SERVER_PYTHONPATH} if SERVER_PYTHONPATH else env
        with server("minsheng.app:create_app", workers, platform_env) as base:
            await wait_ready(http, f"{base}/health")
            await fire(http, "warm-up", ballots(base, main, warm_round))
            label = f"burst: {len(main.headers)} deputies, one round"
            burst = await fire(http, label, ballots(base, main, burst_round))
            many = [request for t in others for request in ballots(base, t, t.rounds[2 * index])]
            random.Random(index).shuffle(many)
            spread = await fire(http, f"{len(others)} rounds in {len(others)} tenants at once", many)
        with server("bench_ballots:bare_app", workers, env, app_dir=HERE) as base:
            await wait_ready(http, f"{base}/schema")
            url = f"{base}/insert"
            warm = [(url, {}, {"selected": ["x"] * 10}) for _ in main.headers]
            await fire(http, "bare warm-up", warm)
            bare_burst = await fire(http, f"bare: {len(warm)} inserts at once", warm)
            bare_spread = await fire(http, f"bare: {len(many)} inserts at once", [(url, {}, b) for _u, _h, b in many])
    for figures in (burst, spread, bare_burst, bare_spread):
        print(figures.line())
    print(f"burst accepted within {burst.elapsed:.3f} s (aim 0.5 s); p99 {burst.quantile(0.99):.0f} ms (aim 250 ms)")
    print(f"ratio to the bare endpoint, burst:     {burst.rate / bare_burst.rate:.2f}")
    print(f"ratio to the bare endpoint, sustained: {spread.rate / bare_spread.rate:.2f} (aim 0.5)")
    slower = statistics.median(spread.latencies) / statistics.median(bare_spread.latencies)
    print(f"median latency, ballots over bare inserts (sustained): {slower:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deputies", type=int, default=300, help="deputies voting at once in one round")
    parser.add_argument("--tenants", type=int, default=20, help="tenants voting at once")
    parser.add_argument("--per-tenant", type=int, default=100, help="deputies in each of those tenants")
    parser.add_argument("--workers", default="1,2", help="uvicorn worker counts to measure, comma-separated")
    parser.add_argument("--connections", type=int, default=300, help="the client's connection limit")
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
