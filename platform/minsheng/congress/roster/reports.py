"""The roster import's report of wrong cells, in the reader's language, and what its job came to."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.congress.roster.jobs import NAME
from minsheng.errors import NotFound
from minsheng.i18n import translate
from minsheng.jobs.models import Job, JobStatus


def translated(problems: Sequence[Mapping[str, Any]], locale: str) -> list[dict[str, Any]]:
    """The report in the reader's language: ``[{row, column, message}]``."""
    return [
        {"row": p["row"], "column": p["column"], "message": translate(p["message"], locale, **(p.get("params") or {}))}
        for p in problems
    ]


@dataclass(frozen=True)
class ImportState:
    """A roster import job as its page and the API show it."""

    job: Job
    finished: bool
    percent: int | None
    summary: dict[str, Any] | None
    problems: list[dict[str, Any]]


async def import_state(session: AsyncSession, tenant_id: uuid.UUID, job_id: uuid.UUID) -> ImportState:
    """The roster import ``job_id`` of the tenant (404 for any other job: the outbox is a platform table)."""
    job = await session.get(Job, job_id)
    if job is None or job.tenant_id != tenant_id or job.name != NAME:
        raise NotFound("Not found")
    result = job.result or {}
    percent = min(100, round(100 * job.progress / job.total)) if job.total else None
    refused = result.get("refused") or []
    summary = None if refused or job.status != JobStatus.DONE else result
    finished = job.status in (JobStatus.DONE, JobStatus.FAILED)
    return ImportState(job, finished, 100 if finished and job.status == JobStatus.DONE else percent, summary, refused)
