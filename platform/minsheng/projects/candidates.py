"""The year's candidate list (候选项目): edited as a draft, fixed by the presidium (platform/docs/domain.md: stage 2).

While the list is edited the tenant's margin rule is shown against the planned seats; it can be fixed
only when the rule allows it, so the session's voting round starts from a lawful list.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit import services as audit
from minsheng.db.base import utcnow
from minsheng.errors import Conflict, InvalidFields, NotFound, RuleViolation
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.plugins.verdicts import MarginVerdict
from minsheng.projects import rules
from minsheng.projects.models import CandidateEntry, CandidateList, Project

DRAFT = "draft"
FIXED = "fixed"


@dataclass(frozen=True)
class CandidateListState:
    """A candidate list with its projects in order and the margin rule's verdict on it."""

    row: CandidateList
    projects: list[Project]
    verdict: MarginVerdict


async def _find(session: AsyncSession, year: int) -> CandidateList | None:
    return (await session.execute(select(CandidateList).where(CandidateList.year == year))).scalar_one_or_none()


async def _state(session: AsyncSession, row: CandidateList, hooks: TenantHooks) -> CandidateListState:
    entries = await session.execute(
        select(Project)
        .join(
            CandidateEntry, (CandidateEntry.project_id == Project.id) & (CandidateEntry.tenant_id == Project.tenant_id)
        )
        .where(CandidateEntry.list_id == row.id)
        .order_by(CandidateEntry.position)
    )
    projects = list(entries.scalars())
    verdict = hooks.margin_rule(seats=row.planned_seats, candidates=len(projects))
    return CandidateListState(row, projects, verdict)


async def get(session: AsyncSession, year: int, hooks: TenantHooks) -> CandidateListState:
    """The candidate list of ``year``, or 404."""
    row = await _find(session, year)
    if row is None:
        raise NotFound("There is no candidate list for {year}", year=year)
    return await _state(session, row, hooks)


async def save_draft(
    session: AsyncSession,
    year: int,
    planned_seats: int,
    project_ids: Sequence[uuid.UUID],
    hooks: TenantHooks,
    *,
    actor: str,
) -> CandidateListState:
    """Replace the draft list of ``year``: only projects screened in; 409 once the list is fixed."""
    found = await session.execute(select(Project.id, Project.status).where(Project.id.in_(list(project_ids))))
    problems = rules.candidate_problems(project_ids, dict(found.tuples().all()))
    if problems:
        raise InvalidFields(problems[0].reason.message, problems=problems, **problems[0].reason.params)
    row = await _find(session, year)
    if row is None:
        row = CandidateList(year=year, planned_seats=planned_seats, status=DRAFT)
        session.add(row)
        await session.flush()
    elif row.status == FIXED:
        raise Conflict("The candidate list for {year} is fixed and can no longer change", year=year)
    row.planned_seats = planned_seats
    await session.execute(delete(CandidateEntry).where(CandidateEntry.list_id == row.id))
    session.add_all(
        CandidateEntry(list_id=row.id, project_id=project_id, position=index + 1)
        for index, project_id in enumerate(project_ids)
    )
    await session.flush()
    await audit.record(
        session,
        "candidate_list.saved",
        actor=actor,
        subject=str(year),
        payload={"planned_seats": planned_seats, "projects": [str(i) for i in project_ids]},
    )
    return await _state(session, row, hooks)


async def fix(session: AsyncSession, year: int, hooks: TenantHooks, *, actor: str) -> CandidateListState:
    """Fix the list (the presidium's decision): refused with 422 naming ``margin_rule`` unless it allows it."""
    row = await _find(session, year)
    if row is None:
        raise NotFound("There is no candidate list for {year}", year=year)
    if row.status == FIXED:
        raise Conflict("The candidate list for {year} is fixed and can no longer change", year=year)
    state = await _state(session, row, hooks)
    if not state.verdict.allowed:
        reason = state.verdict.reason
        if reason is None:
            raise RuleViolation("margin_rule", "The margin rule does not allow this candidate list")
        raise RuleViolation("margin_rule", reason.message, **reason.params)
    row.status = FIXED
    row.fixed_by = actor
    row.fixed_at = utcnow()
    await session.flush()
    await audit.record(
        session,
        "candidate_list.fixed",
        actor=actor,
        subject=str(year),
        payload={"planned_seats": row.planned_seats, "projects": [str(p.id) for p in state.projects]},
    )
    return state
