"""Liveness (``/health``) and readiness (``/ready``: database, Redis and the object store answer)."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Response, get
from litestar.datastructures import State
from sqlalchemy import text

from minsheng.http.dependencies import services


@get("/health", exclude_from_auth=True, include_in_schema=True, tags=["operations"], sync_to_thread=False)
def health() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


async def _check_database(state: State) -> None:
    async with services(state).database.sessionmaker() as session:
        await session.execute(text("SELECT 1"))


async def _check_redis(url: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        await client.ping()
    finally:
        await client.aclose()


@get("/ready", tags=["operations"])
async def ready(state: State) -> Response[dict[str, Any]]:
    """Every backing service answers; 503 naming the ones that do not."""
    svc = services(state)
    checks: dict[str, Any] = {"database": _check_database(state), "storage": svc.store.exists("health/probe")}
    if svc.settings.redis_url:
        checks["redis"] = _check_redis(svc.settings.redis_url)
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            await asyncio.wait_for(check, timeout=3)
            results[name] = "ok"
        except Exception as exc:  # a readiness probe reports every failure instead of raising
            results[name] = f"error: {type(exc).__name__}"
    ok = all(v == "ok" for v in results.values())
    return Response({"status": "ok" if ok else "unavailable", "checks": results}, status_code=200 if ok else 503)
