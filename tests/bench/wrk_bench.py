"""The hot paths under ``wrk``, each beside a bare Litestar + asyncpg endpoint in the same run.

Run it explicitly (pytest does not collect ``tests/bench``)::

    .venv/bin/python tests/bench/wrk_bench.py [--pairs 3] [--seconds 8] [--connections 32]

It makes a fresh PostgreSQL database beside ``MINSHENG_TEST_DATABASE_URL`` (default
``postgresql+asyncpg://postgres@127.0.0.1:5432/test``) with the app role RLS binds, seeds a township
(deputies checked in, one API token each, many open rounds), a county and a clerk's token, then for
each pair starts the product server (``uvicorn minsheng.app:create_app``, one process) pinned to CPU 0
with ``taskset``, and ``wrk`` (Debian's, one thread, ``--connections``) pinned to CPU 1, and measures:

* ``ballots``: ``POST /api/v1/t/{township}/rounds/{id}/ballots``, every request a distinct deputy's
  token in a distinct (deputy, round) pair (``wrk_replay.lua`` cycles through a prepared file);
* ``suggestions``: ``POST /api/v1/t/{county}/suggestions``, a new ``X-Forwarded-For`` every 4 requests
  (the limiter stays in the path: 5 a minute per address; uvicorn trusts the header from 127.0.0.1);
* ``staff list``: ``GET /api/v1/t/{township}/projects?per_page=20`` with the clerk's token;
* ``dashboard``: ``GET /api/v1/t/{province}/oversight``, the province's dashboard (its roll-up rows,
  the tree below it), with a province clerk's token (``bench_province.py`` measures it over 3,000
  tenants; here it is the request's own cost beside the bare constant answer);

then the bare app (``bare_app`` below: one INSERT through an asyncpg pool, and a constant JSON
answer), started the same way, under the same load, right before or after (alternating). It prints
per run: requests/s of 2xx answers, p50/p99 latency, the server's CPU milliseconds per request (utime
+ stime of its process from ``/proc/<pid>/stat``) and PostgreSQL's (all ``postgres`` processes: other
databases' work on the machine counts too), and the medians of the same-run ratios: ballots and
suggestions to the bare INSERT, the staff list and the dashboard to the bare constant answer.

Figures depend on the machine (two cores here, shared with other work): nothing asserts a timing.
Both servers get the same uvicorn (with ``httptools``/``uvloop`` when installed) and the same pinning.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar import Litestar, get, post

HERE = Path(__file__).resolve().parent
LUA = HERE / "wrk_replay.lua"
DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
BARE_DSN_ENV = "BENCH_BARE_DSN"
SERVER_CPU = "0"
CLIENT_CPU = "1"
PROXY = ["--proxy-headers", "--forwarded-allow-ips", "127.0.0.1"]
CONTENT = "建议在村口修建一座便民桥，方便群众出行和农产品运输。"
SUGGESTION = {"content": CONTENT, "channel": "online", "category": "roads_transport", "place": "赵庄村"}


# --- The bare app: the stack's ceiling (Litestar, asyncpg, one statement) --------------------------

_pool: Any = None


@contextlib.asynccontextmanager
async def _bare_lifespan(_app: Litestar) -> AsyncIterator[None]:
    import asyncpg

    global _pool
    _pool = await asyncpg.create_pool(os.environ[BARE_DSN_ENV], min_size=32, max_size=32)
    try:
        yield
    finally:
        await _pool.close()


@post("/insert", status_code=201)
async def insert_one(data: dict[str, Any]) -> dict[str, str]:
    """Store the body as one row and answer its id."""
    row_id = secrets.token_hex(16)
    async with _pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO bench_bare (id, content) VALUES ($1::uuid, $2::jsonb)", row_id, json.dumps(data)
        )
    return {"id": row_id}


@get("/constant")
async def constant() -> dict[str, Any]:
    """A fixed answer about the size of a page of twenty short items."""
    return {"items": [{"id": n, "title": f"项目{n}", "status": "accepted"} for n in range(20)], "total": 20}


bare_app = Litestar(route_handlers=[insert_one, constant], lifespan=[_bare_lifespan])


# --- Processes ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """utime + stime of every ``postgres`` process on the machine (backends come and go: a lower bound)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            if (entry / "comm").read_text().strip() == "postgres":
                total += cpu_seconds(int(entry.name))
    return total


@contextlib.contextmanager
def server(target: str, env: dict[str, str], *, app_dir: Path | None = None) -> Iterator[tuple[str, int]]:
    """Run ``target`` in one uvicorn process pinned to the server's CPU; yield its URL and pid."""
    port = free_port()
    command = ["taskset", "-c", SERVER_CPU, sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "warning", "--no-access-log", "--backlog", "2048", *PROXY]
    command += ["--timeout-keep-alive", "300"]
    if target.endswith("create_app"):
        command.append("--factory")
    if app_dir is not None:
        command += ["--app-dir", str(app_dir)]
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_ready(url: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=2):
                return
        time.sleep(0.2)
    raise RuntimeError(f"the server at {url} did not start")


@dataclass
class Run:
    label: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    server_cpu_ms: float
    db_cpu_ms: float

    @property
    def ok(self) -> int:
        return self.requests - self.errors

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        per = max(self.ok, 1)
        # Backends that exit during the run take their CPU time with them: no figure then.
        postgres = f"{self.db_cpu_ms / per:5.2f} ms/req" if self.db_cpu_ms >= 0 else "  n/a"
        return (
            f"{self.label:<24} {self.rate:8.0f}/s  p50 {self.p50_ms:6.1f} ms  p99 {self.p99_ms:6.1f} ms  "
            f"server CPU {self.server_cpu_ms / per:5.2f} ms/req  postgres CPU {postgres}"
            + (f"  non-2xx/errors {self.errors}" if self.errors else "")
        )


def wrk(label: str, base: str, pid: int, lines: Path, first: int, seconds: float, connections: int) -> Run:
    """Drive ``base`` with the requests of ``lines`` from line ``first``; the server's CPU measured around it."""
    command = [
        "taskset",
        "-c",
        CLIENT_CPU,
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{round(seconds)}s",
        "--timeout",
        "10s",
    ]
    command += ["-s", str(LUA), base, "--", str(lines), str(first)]
    server_before, db_before = cpu_seconds(pid), postgres_cpu_seconds()
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    server_used, db_used = cpu_seconds(pid) - server_before, postgres_cpu_seconds() - db_before
    found = json.loads(next(line for line in output.splitlines() if line.startswith("{")))
    errors = sum(found[k] for k in ("status_errors", "connect_errors", "read_errors", "write_errors", "timeouts"))
    return Run(
        label,
        found["requests"],
        errors,
        found["duration_us"] / 1e6,
        found["p50_us"] / 1000,
        found["p99_us"] / 1000,
        server_used * 1000,
        db_used * 1000,
    )


# --- Seeding and request files ------------------------------------------------------------------


def ensure_wrk() -> None:
    """Install Debian's ``wrk`` when it is missing (as root; otherwise say how)."""
    if shutil.which("wrk") is not None:
        return
    if os.geteuid() != 0:
        raise SystemExit("wrk is not installed: sudo apt-get install wrk")
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, stdout=subprocess.DEVNULL)


def write_lines(path: Path, rows: list[tuple[str, str, str, str, str]]) -> Path:
    path.write_text("".join("\t".join(row) + "\n" for row in rows))
    return path


def address(number: int) -> str:
    block = number // 4  # below the limiter's 5 a minute per address
    return f"10.{block // 65536 % 256}.{block // 256 % 256}.{block % 256}"


async def seed(args: argparse.Namespace, database: Any, tmp: Path) -> dict[str, Path]:
    """The township, county and clerk; one file of requests for each measured path."""
    from minsheng.congress.seeding import seed_townships, staff_header
    from minsheng.testing import make_settings

    settings = make_settings(tmp, database_url=database.app_url, migration_database_url=database.owner_url)
    started = time.perf_counter()
    (township,) = await seed_townships(settings, "wrk", args.deputies, 0, 0, args.rounds)
    clerk = await staff_header(settings, township.slug, "wrk-clerk", ["clerk"])
    province_clerk = await staff_header(settings, "wrk-prov", "wrk-province-clerk", ["clerk"])
    print(f"seeded {args.deputies} deputies x {args.rounds} rounds in {time.perf_counter() - started:.0f} s")
    chosen = random.Random(7)
    ballots = []
    # Round by round, every deputy once: consecutive requests come from different deputies.
    for round_id in township.rounds:
        path = f"/api/v1/t/{township.slug}/rounds/{round_id}/ballots"
        for headers in township.headers:
            body = json.dumps({"selected": chosen.sample(township.candidates, 10)})
            ballots.append(("POST", path, headers["Authorization"], "-", body))
    suggestion = json.dumps(SUGGESTION, ensure_ascii=False)
    suggestions = [
        ("POST", "/api/v1/t/wrk-county/suggestions", "-", address(n), suggestion) for n in range(args.suggestions)
    ]
    staff = [("GET", f"/api/v1/t/{township.slug}/projects?per_page=20", clerk["Authorization"], "-", "-")]
    dashboard = [("GET", "/api/v1/t/wrk-prov/oversight", province_clerk["Authorization"], "-", "-")]
    insert = [("POST", "/insert", "-", "-", suggestion)]
    return {
        "ballots": write_lines(tmp / "ballots.tsv", ballots),
        "suggestions": write_lines(tmp / "suggestions.tsv", suggestions),
        "staff list": write_lines(tmp / "staff.tsv", staff),
        "dashboard": write_lines(tmp / "dashboard.tsv", dashboard),
        "bare insert": write_lines(tmp / "insert.tsv", insert),
        "bare constant": write_lines(tmp / "constant.tsv", [("GET", "/constant", "-", "-", "-")]),
    }


async def prepare_bare_table(owner_url: str, app_url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(owner_url)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE bench_bare (id uuid PRIMARY KEY, content jsonb NOT NULL)"))
        await conn.execute(text(f"GRANT SELECT, INSERT ON bench_bare TO {make_url(app_url).username}"))
    await engine.dispose()


def plain_dsn(url: str) -> str:
    """asyncpg's DSN for a SQLAlchemy URL."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


# --- The measurement ----------------------------------------------------------------------------


PRODUCT = ("ballots", "suggestions", "staff list", "dashboard")
BARE_OF = {
    "ballots": "bare insert",
    "suggestions": "bare insert",
    "staff list": "bare constant",
    "dashboard": "bare constant",
}


def product_pass(env: dict[str, str], files: dict[str, Path], offsets: dict[str, int], args: Any) -> list[Run]:
    runs = []
    with server("minsheng.app:create_app", env) as (base, pid):
        wait_ready(f"{base}/health")
        for label in PRODUCT:
            # A short warm-up (imports, caches, pool) on lines no measured run sends again.
            warm = wrk(f"{label} warm-up", base, pid, files[label], offsets[label], 2, args.connections)
            offsets[label] += warm.requests + args.connections
            run = wrk(label, base, pid, files[label], offsets[label], args.seconds, args.connections)
            offsets[label] += run.requests + args.connections
            runs.append(run)
    return runs


def bare_pass(env: dict[str, str], files: dict[str, Path], args: Any) -> list[Run]:
    runs = []
    with server("wrk_bench:bare_app", env, app_dir=HERE) as (base, pid):
        wait_ready(f"{base}/constant")
        for label in ("bare insert", "bare constant"):
            wrk(f"{label} warm-up", base, pid, files[label], 0, 2, args.connections)
            runs.append(wrk(label, base, pid, files[label], 0, args.seconds, args.connections))
    return runs


async def run(args: argparse.Namespace) -> None:
    from minsheng.testing import create_postgres_database, drop_postgres_database, make_settings, server_environment

    ensure_wrk()
    base_url = os.environ.get("MINSHENG_TEST_DATABASE_URL", DEFAULT_URL)
    database = await create_postgres_database(base_url)
    try:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            files = await seed(args, database, tmp)
            await prepare_bare_table(database.owner_url, database.app_url)
            # The settings ``seed`` made: the server runs on the same database, folder and secret.
            settings = make_settings(tmp, database_url=database.app_url, migration_database_url=database.owner_url)
            env = {**server_environment(settings), BARE_DSN_ENV: plain_dsn(database.app_url)}
            measure(env, files, args)
    finally:
        await drop_postgres_database(base_url, database)


def measure(env: dict[str, str], files: dict[str, Path], args: Any) -> None:
    print(
        f"== {args.pairs} pairs, {args.seconds} s each, {args.connections} connections, server on CPU {SERVER_CPU} =="
    )
    offsets = dict.fromkeys(PRODUCT, 0)
    pairs: list[tuple[dict[str, Run], dict[str, Run]]] = []
    for number in range(args.pairs):
        # Alternating which goes first, so other work on the machine slows both sides alike.
        if number % 2 == 0:
            ours = product_pass(env, files, offsets, args)
            bare = bare_pass(env, files, args)
        else:
            bare = bare_pass(env, files, args)
            ours = product_pass(env, files, offsets, args)
        pairs.append(({r.label: r for r in ours}, {r.label: r for r in bare}))
        for found in (*ours, *bare):
            print(f"pair {number + 1}: {found.line()}")
    print(f"\nmedians of {args.pairs} pairs:")
    for label in PRODUCT:
        ratio = statistics.median(o[label].rate / b[BARE_OF[label]].rate for o, b in pairs)
        rate = statistics.median(o[label].rate for o, _b in pairs)
        bare_rate = statistics.median(b[BARE_OF[label]].rate for _o, b in pairs)
        p99 = statistics.median(o[label].p99_ms for o, _b in pairs)
        cpu = statistics.median(o[label].server_cpu_ms / max(o[label].ok, 1) for o, _b in pairs)
        bare_cpu = statistics.median(b[BARE_OF[label]].server_cpu_ms / max(b[BARE_OF[label]].ok, 1) for _o, b in pairs)
        print(
            f"  {label:<12} {rate:6.0f}/s (p99 {p99:5.0f} ms, {cpu:4.2f} ms CPU)  {BARE_OF[label]} {bare_rate:6.0f}/s "
            f"({bare_cpu:4.2f} ms CPU)  ratio {ratio:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=3, help="pairs (product, bare), alternating which goes first")
    parser.add_argument("--seconds", type=int, default=8, help="length of each measured wrk run")
    parser.add_argument("--connections", type=int, default=32, help="wrk's connections")
    parser.add_argument("--deputies", type=int, default=300, help="deputies of the township (one token each)")
    parser.add_argument("--rounds", type=int, default=60, help="open rounds: deputies x rounds distinct ballots")
    parser.add_argument("--suggestions", type=int, default=60000, help="distinct suggestion requests prepared")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
