"""The server's CPU per request on the hot paths, steady on a machine shared with other work.

Run it explicitly (pytest does not collect ``tests/bench``)::

    .venv/bin/python tests/bench/cpu_per_request.py [--requests 1500] [--connections 8] [--profile DIR]

Throughput on a shared 2-core machine swings with whatever else runs; the CPU a request costs the
server does not (much). This makes a fresh PostgreSQL database beside ``MINSHENG_TEST_DATABASE_URL``
(default ``postgresql+asyncpg://postgres@127.0.0.1:5432/test``), seeds it as ``wrk_bench.py`` does
(a township with deputies checked in and open rounds, a county, a clerk's token), starts the product
server (one ``uvicorn minsheng.app:create_app`` process, as deployed: ``httptools``/``uvloop`` when
installed) and drives it from this process with a small keep-alive HTTP/1.1 client over loopback
(``--connections`` at once). For each path (ballots, suggestions, the staff list) it sends a warm-up
first (caches, pool, the server's imports), then ``--requests`` more, and prints the server's CPU
(utime + stime of its process, ``/proc/<pid>/stat``) divided by the requests answered 2xx, with the
wall time and the requests per second of that run. ``--rounds`` repeats the measurement (the server
restarted each time) and prints the median. The client's own CPU is not counted: it is another process.

``--profile DIR`` adds, after the measurement, one more run per path under ``py-spy`` (``pip install
py-spy``) and writes ``DIR/<path>.txt``: the functions most often on the stack (inclusive) and on
top of it (own time), the two views that tell where a request's CPU goes.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from wrk_bench import DEFAULT_URL, address, cpu_seconds, free_port, wait_ready  # noqa: E402

PATHS = ("ballots", "suggestions", "staff list")
WARM_UP = 200


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def encode(self) -> bytes:
        lines = [f"{self.method} {self.path} HTTP/1.1", "Host: 127.0.0.1"]
        lines += [f"{name}: {value}" for name, value in self.headers.items()]
        if self.body:
            lines += ["Content-Type: application/json", f"Content-Length: {len(self.body)}"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    """Send one request on a kept-alive connection; answer its status (the body is read and dropped)."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


async def drive(port: int, requests: list[Request], connections: int) -> collections.Counter[int]:
    """Send ``requests`` over ``connections`` kept-alive connections, each taking the next one free."""
    encoded = iter([r.encode() for r in requests])
    statuses: collections.Counter[int] = collections.Counter()

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
        try:
            for request in encoded:
                statuses[await _exchange(reader, writer, request)] += 1
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    return statuses


# --- Seeding ------------------------------------------------------------------------------------


async def seed(args: argparse.Namespace, database: Any, tmp: Path) -> dict[str, list[Request]]:
    """One list of distinct requests per path: warm-up and every measured run included."""
    from wrk_bench import SUGGESTION

    from minsheng.congress.seeding import seed_townships, staff_header
    from minsheng.testing import make_settings

    settings = make_settings(tmp, database_url=database.app_url, migration_database_url=database.owner_url)
    runs = args.rounds * len(args.platform or [None]) + (1 if args.profile else 0) + (1 if args.cprofile else 0)
    needed = (WARM_UP + args.requests) * runs
    rounds = -(-needed // args.deputies)
    started = time.perf_counter()
    (township,) = await seed_townships(settings, "cpu", args.deputies, 0, 0, rounds)
    clerk = await staff_header(settings, township.slug, "cpu-clerk", ["clerk"])
    print(f"seeded {args.deputies} deputies x {rounds} rounds in {time.perf_counter() - started:.0f} s")
    ballots = [
        Request(
            "POST",
            f"/api/v1/t/{township.slug}/rounds/{round_id}/ballots",
            headers,
            json.dumps({"selected": township.candidates[n % 7 : n % 7 + 10]}).encode(),
        )
        for round_id in township.rounds
        for n, headers in enumerate(township.headers)
    ]
    suggestion = json.dumps(SUGGESTION, ensure_ascii=False).encode()
    suggestions = [
        Request("POST", "/api/v1/t/cpu-county/suggestions", {"X-Forwarded-For": address(n)}, suggestion)
        for n in range(needed)
    ]
    staff = [Request("GET", f"/api/v1/t/{township.slug}/projects?per_page=20", clerk, b"")] * needed
    return {"ballots": ballots, "suggestions": suggestions, "staff list": staff}


# --- Measuring ----------------------------------------------------------------------------------


@contextlib.contextmanager
def server(env: dict[str, str], cprofile: Path | None = None) -> Any:
    port = free_port()
    command = [sys.executable, *([str(HERE / "profiled_uvicorn.py"), str(cprofile)] if cprofile else ["-m", "uvicorn"])]
    command += ["minsheng.app:create_app", "--factory", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    command += ["--proxy-headers", "--forwarded-allow-ips", "127.0.0.1", "--timeout-keep-alive", "300"]
    # The server's log (jobs run, warnings) goes beside its data, not between the figures.
    log = (Path(env["MINSHENG_DATA_DIR"]) / "server.log").open("ab")
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=log)
    try:
        try:
            wait_ready(f"http://127.0.0.1:{port}/health")
        except RuntimeError:
            log.flush()
            sys.stderr.write((Path(env["MINSHENG_DATA_DIR"]) / "server.log").read_text()[-4000:])
            raise
        yield port, process.pid
    finally:
        # SIGINT: uvicorn stops and raises it again, and cProfile writes its stats on the way out.
        process.send_signal(signal.SIGINT if cprofile else signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@dataclass
class Figure:
    cpu_ms: float
    wall_s: float
    ok: int
    others: dict[int, int]


async def measure_one(port: int, pid: int, requests: list[Request], connections: int) -> Figure:
    before, started = cpu_seconds(pid), time.perf_counter()
    statuses = await drive(port, requests, connections)
    wall, used = time.perf_counter() - started, cpu_seconds(pid) - before
    ok = sum(count for status, count in statuses.items() if 200 <= status < 300)
    others = {status: count for status, count in statuses.items() if not 200 <= status < 300}
    return Figure(used * 1000 / max(ok, 1), wall, ok, others)


async def one_round(env: dict[str, str], files: dict[str, list[Request]], cursor: dict[str, int], args: Any) -> Any:
    found: dict[str, Figure] = {}
    with server(env) as (port, pid):
        for label in PATHS:
            start = cursor[label]
            await drive(port, files[label][start : start + WARM_UP], args.connections)
            measured = files[label][start + WARM_UP : start + WARM_UP + args.requests]
            cursor[label] = start + WARM_UP + args.requests
            found[label] = figure = await measure_one(port, pid, measured, args.connections)
            extra = f"  non-2xx {figure.others}" if figure.others else ""
            print(
                f"  {label:<12} {figure.cpu_ms:5.2f} ms CPU/request  "
                f"({figure.ok} in {figure.wall_s:4.1f} s, {figure.ok / figure.wall_s:5.0f}/s){extra}"
            )
    return found


async def cprofile(env: dict[str, str], files: dict[str, list[Request]], cursor: dict[str, int], args: Any) -> None:
    """One server per path under cProfile: warm-up and measured requests, then its stats by own time."""
    import io
    import pstats

    out = Path(args.cprofile)
    for label in PATHS:
        stats_file = out / f"{label.replace(' ', '_')}.prof"
        with server(env, cprofile=stats_file) as (port, _pid):
            start = cursor[label]
            cursor[label] = start + WARM_UP + args.requests
            await drive(port, files[label][start : cursor[label]], args.connections)
        buffer = io.StringIO()
        stats = pstats.Stats(str(stats_file), stream=buffer)
        stats.sort_stats("tottime").print_stats(60)
        stats.sort_stats("cumulative").print_stats(120)
        summary = out / f"{label.replace(' ', '_')}.txt"
        summary.write_text(buffer.getvalue())
        print(f"  cProfile of {label}: {summary}")


def start_py_spy(py_spy: str, pid: int, raw: Path) -> subprocess.Popen[bytes]:
    command = [py_spy, "record", "--pid", str(pid), "--rate", "400", "--format", "raw", "--output", str(raw)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def profile(env: dict[str, str], files: dict[str, list[Request]], cursor: dict[str, int], args: Any) -> None:
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    out = Path(args.profile)
    with server(env) as (port, pid):
        for label in PATHS:
            start = cursor[label]
            await drive(port, files[label][start : start + WARM_UP], args.connections)
            raw = out / f"{label.replace(' ', '_')}.raw"
            spy = start_py_spy(py_spy, pid, raw)
            await asyncio.sleep(1.0)
            measured = files[label][start + WARM_UP : start + WARM_UP + args.requests]
            cursor[label] = start + WARM_UP + args.requests
            await drive(port, measured, args.connections)
            spy.send_signal(2)
            spy.wait(timeout=30)
            summary = out / f"{label.replace(' ', '_')}.txt"
            summary.write_text(summarize(raw))
            print(f"  profile of {label}: {summary}")


def summarize(raw: Path, top: int = 60) -> str:
    """Inclusive and own sample counts per function from py-spy's collapsed stacks (idle excluded)."""
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        frames = stack.split(";")
        if any(idle in frames[-1] for idle in ("select (selectors.py", "run_once (uvloop", "run (uvloop")):
            continue
        count = int(count_text)
        total += count
        for frame in set(frames):
            inclusive[frame] += count
        own[frames[-1]] += count
    lines = [f"{total} busy samples", "", "inclusive:"]
    lines += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in inclusive.most_common(top)]
    lines += ["", "own:"]
    lines += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in own.most_common(top)]
    return "\n".join(lines) + "\n"


async def run(args: argparse.Namespace) -> None:
    from minsheng.testing import create_postgres_database, drop_postgres_database, make_settings, server_environment

    base_url = os.environ.get("MINSHENG_TEST_DATABASE_URL", DEFAULT_URL)
    database = await create_postgres_database(base_url)
    try:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            files = await seed(args, database, tmp)
            # The settings ``seed`` made: the server runs on the same database, folder and secret.
            env = server_environment(
                make_settings(tmp, database_url=database.app_url, migration_database_url=database.owner_url)
            )
            cursor = dict.fromkeys(PATHS, 0)
            platforms = args.platform or [None]
            rounds: dict[str | None, list[dict[str, Figure]]] = {platform: [] for platform in platforms}
            for number in range(args.rounds):
                # Platforms alternate within a round: what else the machine does weighs on each alike.
                for platform in platforms if number % 2 == 0 else reversed(platforms):
                    where = f", platform {platform}" if platform else ""
                    print(
                        f"round {number + 1} ({args.requests} requests a path, {args.connections} connections{where}):"
                    )
                    served = {**env, "PYTHONPATH": platform} if platform else env
                    rounds[platform].append(await one_round(served, files, cursor, args))
            for platform, found in rounds.items():
                print(f"\nmedian server CPU per request{f' ({platform})' if platform else ''}:")
                for label in PATHS:
                    print(f"  {label:<12} {statistics.median(r[label].cpu_ms for r in found):5.2f} ms")
            if args.profile:
                await profile(env, files, cursor, args)
            if args.cprofile:
                await cprofile(env, files, cursor, args)
    finally:
        await drop_postgres_database(base_url, database)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1500, help="measured requests per path and round")
    parser.add_argument("--connections", type=int, default=8, help="requests in flight at once")
    parser.add_argument("--rounds", type=int, default=3, help="measurements (server restarted each), median shown")
    parser.add_argument("--deputies", type=int, default=200, help="deputies of the township (one token each)")
    parser.add_argument("--profile", metavar="DIR", help="one more run per path under py-spy, summaries in DIR")
    parser.add_argument(
        "--platform",
        action="append",
        metavar="DIR",
        help="serve the platform package from DIR (a worktree's platform/); repeat to compare, rounds alternating",
    )
    parser.add_argument("--cprofile", metavar="DIR", help="one more run per path under cProfile, stats in DIR")
    args = parser.parse_args()
    for folder in (args.profile, args.cprofile):
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
