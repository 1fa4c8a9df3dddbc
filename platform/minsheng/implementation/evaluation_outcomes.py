"""The seam to supervision: a project's latest satisfaction evaluation outcome (满意度测评).

Read through the supervision context's own service (``supervision.evaluations.list_evaluations``),
so the portal and the completion report show what supervision decided without knowing its tables.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.collection.rules import china_day


@dataclass(frozen=True)
class EvaluationOutcome:
    outcome: str  # satisfied | basically_satisfied | unsatisfied (the tenant's satisfaction rule)
    closed_on: date | None
    rectification_required: bool


async def latest_outcome(session: AsyncSession, project_id: uuid.UUID) -> EvaluationOutcome | None:
    """The outcome of the project's latest closed evaluation, or None when none has closed."""
    # Imported here: supervision reads implementation's services too, and neither may need the other
    # imported first.
    from minsheng.supervision.evaluations import services as evaluations

    rows, _total = await evaluations.list_evaluations(
        session, page=1, per_page=1, status="closed", project_id=project_id
    )
    if not rows or rows[0].outcome is None:
        return None
    row = rows[0]
    result = row.result or {}
    return EvaluationOutcome(
        outcome=str(row.outcome),
        closed_on=china_day(row.closed_at) if row.closed_at else None,
        rectification_required=bool(result.get("rectification_required")),
    )
