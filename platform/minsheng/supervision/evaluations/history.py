"""A project's whole satisfaction record (read only): every closed evaluation in order, with the
rectification an "unsatisfied" outcome called for and what the government reported.

A re-evaluation that ends 满意 does not erase the 不满意 before it nor the 整改 in between
(platform/docs/domain.md, satisfaction evaluation): documents print the whole chain.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.collection.rules import china_day
from minsheng.supervision.evaluations import services as evaluations
from minsheng.supervision.models import EvaluationStatus, Rectification, SatisfactionEvaluation


@dataclass(frozen=True)
class EvaluationStep:
    """One closed evaluation of the chain and the rectification its outcome opened (if any)."""

    evaluation: SatisfactionEvaluation
    closed_on: date | None
    counts: dict[str, int]
    members: int
    reason: dict[str, Any] | None
    rectification: Rectification | None


async def project_history(session: AsyncSession, project_id: uuid.UUID) -> list[EvaluationStep]:
    """Every closed evaluation of the project, oldest first, each with its rectification."""
    rows, _total = await evaluations.list_evaluations(
        session, page=1, per_page=1000, status=EvaluationStatus.CLOSED.value, project_id=project_id
    )
    ordered = sorted(rows, key=lambda row: (row.closed_at or row.created_at, str(row.id)))
    steps = []
    for row in ordered:
        result = row.result or {}
        steps.append(
            EvaluationStep(
                evaluation=row,
                closed_on=china_day(row.closed_at) if row.closed_at else None,
                counts={str(k): int(v) for k, v in (result.get("counts") or {}).items()},
                members=int(result.get("members") or row.members or 0),
                reason=result.get("reason"),
                rectification=await evaluations.rectification_of(session, row.id),
            )
        )
    return steps
