"""The roster import as a background job: the request checks the workbook and returns at once with the
job; the job writes the deputies and their accounts (``importing``), reporting its progress.

The rows travel sealed (``accounts.sealing``): they may hold initial passwords, and a job's arguments
wait in the outbox until it runs. Once the rows are imported the job wipes them from its arguments, in
the same transaction. A job that finds the accounts changed since the check refuses, as the request
would have, and writes nothing; its result lists the problems.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.sealing import seal, unseal
from minsheng.congress.roster.excel import RosterImportRefused, RosterRow, problem_dicts
from minsheng.congress.roster.importing import import_rows
from minsheng.i18n import msgid
from minsheng.jobs.models import Job
from minsheng.jobs.outbox import enqueue
from minsheng.jobs.registry import JobContext, PermanentFailure, job

NAME = "roster.import"
PURPOSE = "roster-rows"


def start_import(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    rows: list[RosterRow],
    *,
    deactivate_missing: bool,
    actor: str,
    secret_key: str,
) -> Job:
    """Enqueue the import of checked ``rows`` (in the caller's transaction); the job's id names it."""
    sealed = seal(secret_key, PURPOSE, json.dumps([asdict(row) for row in rows], ensure_ascii=False).encode())
    args = {"rows": sealed, "count": len(rows), "deactivate_missing": deactivate_missing, "actor": actor}
    return enqueue(session, NAME, args, tenant_id=tenant_id)


@job(NAME, title=msgid("Importing the roster and making the deputies' accounts"))
async def import_roster(
    ctx: JobContext, rows: str | None, count: int, deactivate_missing: bool, actor: str
) -> dict[str, Any]:
    """Import the sealed rows; the result is the import's summary, or ``refused`` with its problems."""
    if ctx.tenant_id is None or rows is None:
        raise PermanentFailure("a roster import needs its tenant and its rows")
    checked = [RosterRow(**row) for row in json.loads(unseal(ctx.settings.secret_key, PURPOSE, rows))]
    try:
        summary = await import_rows(
            ctx.session,
            ctx.tenant_id,
            checked,
            deactivate_missing=deactivate_missing,
            actor=actor,
            secret_key=ctx.settings.secret_key,
            batch=ctx.job_id,
            progress=ctx.progress,
        )
    except RosterImportRefused as refused:  # raised before anything is written
        return {"refused": problem_dicts(refused.problems)}
    # Done with the rows (and any initial password in them): nothing sealed stays behind.
    await ctx.session.execute(
        update(Job)
        .where(Job.id == ctx.job_id)
        .values(args={"rows": None, "count": count, "deactivate_missing": deactivate_missing, "actor": actor})
    )
    result = asdict(summary)
    result.pop("names")
    return result
