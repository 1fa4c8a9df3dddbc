"""The visible status of a job, as the API shows it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec

from minsheng.jobs.models import Job


class JobView(msgspec.Struct):
    id: uuid.UUID
    name: str
    status: str
    progress: int
    total: int | None
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    updated_at: datetime


def job_view(job: Job) -> JobView:
    return JobView(
        id=job.id,
        name=job.name,
        status=job.status.value,
        progress=job.progress,
        total=job.total,
        result=job.result,
        error=job.error,
        created_at=job.created_at,
        updated_at=job.updated_at,
    )
