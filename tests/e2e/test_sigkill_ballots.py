"""a server killed with SIGKILL in the middle of a ballot burst loses no ballot
it answered 201, records none twice, and the round still closes to a result that verifies; after the
close, the sealed ballots (as a backup taken before it holds them) open for nobody: the round's key
was destroyed, so not even the app's own configuration opens them.

The real server (``minsheng serve``) runs on PostgreSQL as a subprocess. Every deputy of a township
votes at once; once a third of the ballots are answered the server is killed (``kill -9``: no
shutdown, no flush), then started again. Deputies without an answer vote again, as a phone would:
each gets 201, or 409 when the ballot of the killed request had been committed. Then the round is
closed and its export verified offline.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from minsheng.congress.seeding import seed_townships, staff_header
from minsheng.congress.voting.verify import verify_round_export
from minsheng.secrecy.custody import KeyDestroyed, wrapping_key
from minsheng.secrecy.keeping import custody_for
from minsheng.secrecy.sealing import SealBroken, open_sealed
from minsheng.testing import PG_URL, clone_postgres_database, drop_postgres_database, make_settings, server_environment

pytestmark = pytest.mark.postgres

DEPUTIES = 150


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(env: dict[str, str], port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``minsheng serve`` on ``port``, its output appended to ``log``; killed outright when the block
    ends, if still running. A failure inside the block shows the server's errors (an answer 500 names
    only an incident id)."""
    with log.open("ab") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "minsheng.cli", "serve", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=output,
        )
    try:
        yield server
    except AssertionError as failure:
        errors = [line for line in log.read_text(errors="replace").splitlines() if '"level": "info"' not in line]
        raise AssertionError(
            f"{failure}\nthe server's log, but for its info lines:\n" + "\n".join(errors[-60:])
        ) from None
    finally:
        if server.poll() is None:
            server.kill()
        server.wait(timeout=10)


async def wait_ready(base: str, server: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(200):
            assert server.poll() is None, "the server exited while starting"
            with contextlib.suppress(httpx.TransportError):
                if (await client.get(f"{base}/health", timeout=1)).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise AssertionError("the server did not start")


async def burst_then_kill(
    url: str, headers: list[dict[str, str]], ballot: Any, server: subprocess.Popen[bytes]
) -> dict[int, str]:
    """Every deputy votes at once; SIGKILL once a third are answered. Answered 201: index -> receipt."""
    accepted: dict[int, str] = {}
    killed = asyncio.Event()

    async def vote(client: httpx.AsyncClient, index: int) -> None:
        with contextlib.suppress(httpx.TransportError):
            response = await client.post(url, json=ballot(index), headers=headers[index])
            if response.status_code == 201 and not killed.is_set():
                accepted[index] = response.json()["receipt"]
                if len(accepted) >= len(headers) // 3:
                    os.kill(server.pid, signal.SIGKILL)
                    killed.set()
            elif response.status_code == 201:
                # Answered after the kill was sent: it was answered all the same, so it must be kept.
                accepted[index] = response.json()["receipt"]
            else:
                raise AssertionError(f"ballot {index}: {response.status_code} {response.text}")

    # 20 at a time: enough to have ballots in flight at the kill, and the server's pool opens no more
    # database connections than that while the other test worker's tests hold theirs (the test
    # server has 100 in all; past them a connection is refused and the ballot answers 500).
    limits = httpx.Limits(max_connections=20)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        await asyncio.gather(*(vote(client, index) for index in range(len(headers))))
    assert killed.is_set(), "the burst ended before the server was killed"
    return dict(accepted)


async def sealed_ballots(owner_url: str) -> list[bytes]:
    """The sealed ballots as the database's owner (or a backup) sees them."""
    engine = create_async_engine(owner_url)
    try:
        async with engine.connect() as connection:
            return [bytes(row[0]) for row in await connection.execute(text("SELECT sealed FROM sealed_ballots"))]
    finally:
        await engine.dispose()


async def tenant_id(owner_url: str, slug: str) -> uuid.UUID:
    engine = create_async_engine(owner_url)
    try:
        async with engine.connect() as connection:
            found = await connection.execute(text("SELECT id FROM tenants WHERE slug = :slug"), {"slug": slug})
            return uuid.UUID(str(found.scalar_one()))
    finally:
        await engine.dispose()


async def test_a_killed_server_keeps_every_ballot_it_answered(tmp_path: Path) -> None:
    assert PG_URL, "MINSHENG_TEST_DATABASE_URL is not set"
    database = await clone_postgres_database(PG_URL)
    try:
        settings = make_settings(tmp_path, database_url=database.app_url, migration_database_url=database.owner_url)
        township = (await seed_townships(settings, "kill", DEPUTIES, 0, 0, 1))[0]
        clerk = await staff_header(settings, township.slug, "clerk-kill", ["tenant_admin", "presidium"])
        env = {k: v for k, v in os.environ.items() if not k.startswith("MINSHENG_")}
        # The data folder and secret the rounds were opened with: its object store keeps their keys.
        env.update(server_environment(settings))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        round_id = township.rounds[0]
        url = f"{base}/api/v1/t/{township.slug}/rounds/{round_id}/ballots"
        candidates = township.candidates

        def ballot(index: int) -> dict[str, list[str]]:
            # Deputy i approves candidates i, i+1, i+2 (of 15), so the tally depends on which ballots count.
            return {"selected": [candidates[(index + k) % len(candidates)] for k in range(3)]}

        with serving(env, port, tmp_path / "server.log") as server:
            await wait_ready(base, server)
            accepted = await burst_then_kill(url, township.headers, ballot, server)
            assert server.wait(timeout=10) == -signal.SIGKILL
        unanswered = [index for index in range(DEPUTIES) if index not in accepted]
        assert unanswered, "every ballot was answered before the kill: nothing was interrupted"

        with serving(env, port, tmp_path / "server.log") as server:
            await wait_ready(base, server)
            async with httpx.AsyncClient(timeout=30) as client:
                retried = {}
                for index in unanswered:
                    response = await client.post(url, json=ballot(index), headers=township.headers[index])
                    # 409: the killed request's ballot was committed before its answer was lost.
                    assert response.status_code in (201, 409), response.text
                    retried[index] = response.status_code
                # What a backup taken before the close holds: every sealed ballot, which the key opens now.
                backup = await sealed_ballots(database.owner_url)
                township_id = await tenant_id(database.owner_url, township.slug)
                key = await custody_for(settings).fetch(township_id, uuid.UUID(round_id))
                assert len(backup) == DEPUTIES and open_sealed(key, backup[0])["receipt"]
                closed = await client.post(f"{base}/api/v1/t/{township.slug}/rounds/{round_id}/close", headers=clerk)
                assert closed.status_code == 200, closed.text
                exported = await client.get(f"{base}/api/v1/t/{township.slug}/rounds/{round_id}/export", headers=clerk)
                assert exported.status_code == 200, exported.text
        result = closed.json()
        lost_answers = sum(status == 409 for status in retried.values())
        print(f"answered before the kill {len(accepted)}, unanswered {len(unanswered)} ({lost_answers} committed)")

        # Every receipt answered 201 before the kill is in the round; every deputy voted exactly once.
        assert set(accepted.values()) <= set(result["receipts"])
        assert result["ballots_returned"] == result["valid"] == DEPUTIES
        assert len(set(result["receipts"])) == DEPUTIES
        # The tally is the one of all deputies' ballots (each counted once), and the export verifies.
        expected = {candidate: 0 for candidate in candidates}
        for index in range(DEPUTIES):
            for candidate in ballot(index)["selected"]:
                expected[candidate] += 1
        assert {row["project_id"]: row["yes"] for row in result["candidates"]} == expected
        report = verify_round_export(exported.json())
        assert report.ok, report.summary
        # After the close: nothing sealed is left, and the round's key is gone from the app's custody.
        assert await sealed_ballots(database.owner_url) == []
        with pytest.raises(KeyDestroyed):
            await custody_for(settings).fetch(township_id, uuid.UUID(round_id))
        # Nor does the key the app's secret derives (the one that wrapped the round's key) open them.
        with pytest.raises(SealBroken):
            open_sealed(wrapping_key(settings.secret_key), backup[0])
    finally:
        await drop_postgres_database(PG_URL, database)
