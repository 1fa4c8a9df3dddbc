"""Counting a tenant's implementation and supervision into figures: completion, overdue work plans,
satisfaction outcomes of its chosen projects (platform/docs/domain.md stages 4 and 5).

Set-based (a few queries per tenant whatever its size), with implementation's own rules for what
is due when, so the dashboards and the implementation pages tell one story:

* completed: a chosen project whose latest progress reports 100 % and that was not terminated;
* overdue work plan: a chosen, unfinished, not terminated project whose work plan is missing after
  it was due (a month after the vote), or whose deadline (as postponed by an approved adjustment)
  has passed;
* satisfaction: the outcome of each project's latest closed evaluation; and the whole history behind
  it (rated unsatisfied at least once, rectifications reported, re-evaluations closed), so a later
  "satisfied" does not hide the "unsatisfied" and the rectification that came before;
* supervision: a project is supervised once it has any supervision, whatever the way: a record of any
  method (inspection, follow-up review, deliberation ...) or a special inquiry.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.implementation import adjustments, rules
from minsheng.implementation.chosen import ChosenProject
from minsheng.implementation.models import ProgressReport, WorkPlan
from minsheng.oversight.figures import Figures, Key
from minsheng.supervision.models import (
    EvaluationStatus,
    Rectification,
    RectificationStatus,
    SatisfactionEvaluation,
    SpecialInquiry,
    SupervisionRecord,
)

OUTCOMES = ("satisfied", "basically_satisfied", "unsatisfied")
INSPECTION, REVIEW, INQUIRY = "inspection", "follow_up_review", "special_inquiry"


def is_overdue(today: date, vote_day: date, *, has_plan: bool, deadline: date | None, finished: bool) -> bool:
    """Whether a chosen project's work plan is overdue on ``today`` (the due day itself is on time)."""
    if finished:
        return False
    if not has_plan:
        return rules.deadline_stage(today, rules.work_plan_due(vote_day), done=False) == rules.Stage.OVERDUE
    return deadline is not None and rules.deadline_stage(today, deadline, done=False) == rules.Stage.OVERDUE


async def _latest_outcomes(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    query = select(SatisfactionEvaluation.project_id, SatisfactionEvaluation.outcome, SatisfactionEvaluation.closed_at)
    query = query.where(SatisfactionEvaluation.status == EvaluationStatus.CLOSED.value)
    query = query.where(SatisfactionEvaluation.project_id.in_(ids))
    latest: dict[uuid.UUID, tuple[datetime, str]] = {}
    for project_id, outcome, closed_at in await session.execute(query):
        if outcome in OUTCOMES and closed_at is not None:
            if project_id not in latest or closed_at > latest[project_id][0]:
                latest[project_id] = (closed_at, outcome)
    return {project_id: outcome for project_id, (_at, outcome) in latest.items()}


async def count_progress(
    session: AsyncSession, table: dict[Key, Figures], chosen: Sequence[ChosenProject], today: date
) -> None:
    """Add completion, work plans, overdue plans (as of ``today``, in the tenant's zone) and
    satisfaction outcomes of ``chosen`` to ``table``."""
    if not chosen:
        return
    ids = [c.project.id for c in chosen]
    plans = dict((await session.execute(select(WorkPlan.project_id, WorkPlan.deadline))).all())
    percent_query = select(ProgressReport.project_id, func.max(ProgressReport.percent_done)).where(
        ProgressReport.project_id.in_(ids)
    )
    percent = dict((await session.execute(percent_query.group_by(ProgressReport.project_id))).all())
    ended = await adjustments.terminated_ids(session, ids)
    postponed = await adjustments.postponed_deadlines(session)
    outcomes = await _latest_outcomes(session, ids)
    for choice in chosen:
        project = choice.project
        slot = table.setdefault((project.year, project.category), Figures())
        terminated = project.id in ended
        completed = not terminated and (percent.get(project.id) or 0) >= 100
        has_plan = project.id in plans
        deadline = postponed.get(project.id) or plans.get(project.id) or project.deadline
        slot.completed += int(completed)
        slot.work_plans += int(has_plan)
        slot.overdue_plans += int(
            not terminated
            and is_overdue(today, choice.vote_day, has_plan=has_plan, deadline=deadline, finished=completed)
        )
        outcome = outcomes.get(project.id)
        if outcome is not None:
            slot.evaluations += 1
            setattr(slot, outcome, getattr(slot, outcome) + 1)
    await count_supervision(session, table, chosen)


async def count_supervision(session: AsyncSession, table: dict[Key, Figures], chosen: Sequence[ChosenProject]) -> None:
    """Add supervision coverage and the evaluations' history of ``chosen`` to ``table``."""
    ids = [c.project.id for c in chosen]
    records: dict[uuid.UUID, Counter[str]] = {}
    by_method = select(SupervisionRecord.project_id, SupervisionRecord.method, func.count())
    by_method = by_method.where(SupervisionRecord.project_id.in_(ids))
    for project_id, method, count in await session.execute(
        by_method.group_by(SupervisionRecord.project_id, SupervisionRecord.method)
    ):
        records.setdefault(project_id, Counter())[method] += int(count)
    inquiries_query = select(SpecialInquiry.project_id, func.count()).where(SpecialInquiry.project_id.in_(ids))
    inquiries = dict((await session.execute(inquiries_query.group_by(SpecialInquiry.project_id))).all())
    history = await _evaluation_history(session, ids)
    for choice in chosen:
        project = choice.project
        slot = table.setdefault((project.year, project.category), Figures())
        methods = records.get(project.id, Counter())
        held = int(inquiries.get(project.id, 0)) + methods[INQUIRY]
        slot.supervised += int(bool(held or sum(methods.values())))
        slot.inspections += methods[INSPECTION]
        slot.reviews += methods[REVIEW]
        slot.inquiries += held
        unsatisfied, rectified, reevaluated = history.get(project.id, (False, 0, 0))
        slot.rated_unsatisfied += int(unsatisfied)
        slot.rectified += rectified
        slot.reevaluated += reevaluated


async def _evaluation_history(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[bool, int, int]]:
    """Per project: ever rated unsatisfied, rectifications reported, re-evaluations closed."""
    closed = select(
        SatisfactionEvaluation.project_id, SatisfactionEvaluation.outcome, SatisfactionEvaluation.reevaluation_of
    ).where(SatisfactionEvaluation.status == EvaluationStatus.CLOSED.value, SatisfactionEvaluation.project_id.in_(ids))
    unsatisfied: set[uuid.UUID] = set()
    reevaluated: Counter[uuid.UUID] = Counter()
    for project_id, outcome, reevaluation_of in await session.execute(closed):
        if outcome == "unsatisfied":
            unsatisfied.add(project_id)
        if reevaluation_of is not None:
            reevaluated[project_id] += 1
    reported = select(Rectification.project_id, func.count()).where(
        Rectification.status == RectificationStatus.REPORTED.value, Rectification.project_id.in_(ids)
    )
    rectified = dict((await session.execute(reported.group_by(Rectification.project_id))).all())
    return {
        project_id: (project_id in unsatisfied, int(rectified.get(project_id, 0)), reevaluated[project_id])
        for project_id in ids
    }
