"""Jobs of the platform itself (every context's own jobs live in its ``jobs.py``)."""

from __future__ import annotations

from typing import Any

from minsheng.db.base import utcnow
from minsheng.i18n import msgid
from minsheng.jobs.registry import JobContext, job


@job("platform.ping", title=msgid("Checking the job runner"))
async def ping(ctx: JobContext, echo: str | None = None) -> dict[str, Any]:
    """Prove that jobs run end to end: a health check enqueues one and waits for its result.

    Idempotent: it only reports, and a second run of a finished job never happens (see the runner).
    """
    await ctx.progress(1, 1)
    return {
        "pong": True,
        "echo": echo,
        "tenant_id": str(ctx.tenant_id) if ctx.tenant_id else None,
        "attempt": ctx.attempt,
        "at": utcnow().isoformat(),
    }
