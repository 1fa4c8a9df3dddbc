"""Work plans (工作方案): the government files one per chosen project, due a month after the vote."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit import services as audit
from minsheng.collection.rules import china_day
from minsheng.db.base import utcnow
from minsheng.errors import Conflict, FieldProblem, InvalidFields, NotFound
from minsheng.implementation import adjustments, chosen
from minsheng.implementation.models import Milestone, ProgressReport, WorkPlan
from minsheng.plugins.verdicts import Reason


@dataclass(frozen=True)
class MilestoneDraft:
    title: str
    due: date


@dataclass(frozen=True)
class WorkPlanDraft:
    responsible_unit: str
    targets: str
    budget: Decimal
    funding_source: str
    deadline: date
    safeguards: str
    milestones: Sequence[MilestoneDraft]


def plan_problems(draft: WorkPlanDraft) -> list[FieldProblem]:
    """What is wrong with a work plan: every part platform/docs/domain.md names must be there."""
    problems = []
    for key in ("responsible_unit", "targets", "funding_source"):
        if not str(getattr(draft, key)).strip():
            problems.append(FieldProblem(key, Reason("This field is required")))
    if draft.budget < 0:
        problems.append(FieldProblem("budget", Reason("The budget cannot be negative")))
    if not draft.milestones:
        problems.append(FieldProblem("milestones", Reason("A work plan needs at least one milestone")))
    for row, milestone in enumerate(draft.milestones):
        if not milestone.title.strip():
            problems.append(FieldProblem("title", Reason("This field is required"), row=row))
        if milestone.due > draft.deadline:
            problems.append(FieldProblem("due", Reason("A milestone cannot fall after the deadline"), row=row))
    return problems


def _check(draft: WorkPlanDraft) -> None:
    problems = plan_problems(draft)
    if problems:
        raise InvalidFields(problems[0].reason.message, problems=problems)


async def get_plan(session: AsyncSession, project_id: uuid.UUID) -> WorkPlan | None:
    """The project's work plan, if filed."""
    return (await session.execute(select(WorkPlan).where(WorkPlan.project_id == project_id))).scalar_one_or_none()


async def _reported_milestones(session: AsyncSession, project_id: uuid.UUID) -> list[uuid.UUID]:
    query = select(ProgressReport.milestone_id).where(
        ProgressReport.project_id == project_id, ProgressReport.milestone_id.is_not(None)
    )
    return [m for m in set((await session.execute(query)).scalars()) if m is not None]


async def milestones_of(session: AsyncSession, project_id: uuid.UUID) -> list[Milestone]:
    query = select(Milestone).where(Milestone.project_id == project_id).order_by(Milestone.position)
    return list((await session.execute(query)).scalars())


def _audit_payload(draft: WorkPlanDraft) -> dict[str, object]:
    return {
        "responsible_unit": draft.responsible_unit,
        "budget": str(draft.budget),
        "funding_source": draft.funding_source,
        "deadline": draft.deadline.isoformat(),
        "milestones": [[m.title, m.due.isoformat()] for m in draft.milestones],
    }


async def _write_milestones(session: AsyncSession, project_id: uuid.UUID, drafts: Sequence[MilestoneDraft]) -> None:
    session.add_all(
        Milestone(project_id=project_id, position=i, title=m.title.strip(), due=m.due) for i, m in enumerate(drafts)
    )
    await session.flush()


async def file_plan(
    session: AsyncSession, project_id: uuid.UUID, draft: WorkPlanDraft, *, actor: str, now: datetime | None = None
) -> WorkPlan:
    """File the work plan of a chosen project (409 if it has one, or was terminated)."""
    project = (await chosen.get_chosen(session, project_id)).project
    await adjustments.require_not_terminated(session, project)
    _check(draft)
    if await get_plan(session, project_id) is not None:
        raise Conflict("Project «{title}» already has a work plan: change it instead", title=project.title)
    plan = WorkPlan(
        project_id=project_id,
        responsible_unit=draft.responsible_unit.strip(),
        targets=draft.targets.strip(),
        budget=draft.budget,
        funding_source=draft.funding_source.strip(),
        deadline=draft.deadline,
        safeguards=draft.safeguards.strip(),
        filed_by=actor,
        filed_on=china_day(now or utcnow()),
    )
    session.add(plan)
    await session.flush()
    await _write_milestones(session, project_id, draft.milestones)
    await audit.record(session, "work_plan.filed", actor=actor, subject=str(project_id), payload=_audit_payload(draft))
    return plan


async def change_plan(session: AsyncSession, project_id: uuid.UUID, draft: WorkPlanDraft, *, actor: str) -> WorkPlan:
    """Change a filed work plan; milestones already reported on are kept and the new ones replace the rest."""
    project = (await chosen.get_chosen(session, project_id)).project
    await adjustments.require_not_terminated(session, project)
    _check(draft)
    plan = await get_plan(session, project_id)
    if plan is None:
        raise NotFound("Project «{title}» has no work plan yet", title=project.title)
    plan.responsible_unit = draft.responsible_unit.strip()
    plan.targets = draft.targets.strip()
    plan.budget = draft.budget
    plan.funding_source = draft.funding_source.strip()
    plan.deadline = draft.deadline
    plan.safeguards = draft.safeguards.strip()
    # Milestones already reported on stay (their reports point at them); the rest are replaced.
    kept = await _reported_milestones(session, project_id)
    await session.execute(delete(Milestone).where(Milestone.project_id == project_id, Milestone.id.not_in(kept)))
    await session.flush()
    kept_titles = {m.title for m in await milestones_of(session, project_id)}
    fresh = [m for m in draft.milestones if m.title.strip() not in kept_titles]
    session.add_all(
        Milestone(project_id=project_id, position=len(kept) + i, title=m.title.strip(), due=m.due)
        for i, m in enumerate(fresh)
    )
    await session.flush()
    await audit.record(
        session, "work_plan.changed", actor=actor, subject=str(project_id), payload=_audit_payload(draft)
    )
    return plan
