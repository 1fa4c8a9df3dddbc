"""Use cases of the project pool: make, change, merge suggestions into, screen (platform/docs/domain.md: stages 1-2).

Each runs in the caller's transaction; every status change writes a history row and an audit event.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit import services as audit
from minsheng.collection import rules as collection_rules
from minsheng.collection import services as collection
from minsheng.collection.models import Suggestion
from minsheng.db.listing import page_of
from minsheng.db.lookup import one_or_not_found
from minsheng.errors import FieldProblem, InvalidFields, NotFound, RuleViolation
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.plugins.verdicts import Reason
from minsheng.projects import rules
from minsheng.projects.models import Project, ProjectStatus, ProjectStatusChange, Screening

EDITABLE = (
    "title",
    "content",
    "category",
    "target",
    "location",
    "budget",
    "funding_source",
    "responsible_unit",
    "deadline",
    "multi_year",
    "extra",
)


@dataclass(frozen=True)
class ProjectDraft:
    title: str
    content: str
    category: str
    budget: Decimal | None = None
    responsible_unit: str = ""
    deadline: date | None = None
    target: str = ""
    location: str = ""
    funding_source: str = ""
    multi_year: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)


def _check(values: Mapping[str, Any], hooks: TenantHooks, *, complete: bool = False) -> None:
    problems: list[FieldProblem] = []
    if "title" in values and not str(values["title"]).strip():
        problems.append(FieldProblem("title", Reason("A project needs a title")))
    if "category" in values and values["category"] not in hooks.project_categories():
        problems.append(
            FieldProblem("category", Reason("Unknown category {category}", {"category": values["category"]}))
        )
    if "extra" in values:
        problems.extend(rules.extra_problems(values["extra"], hooks.project_fields(), complete=complete))
    if problems:
        raise InvalidFields(problems[0].reason.message, problems=problems, **problems[0].reason.params)


async def _status_change(session: AsyncSession, project: Project, to: str, *, actor: str, notes: str = "") -> None:
    session.add(
        ProjectStatusChange(project_id=project.id, from_status=project.status, to_status=to, actor=actor, notes=notes)
    )
    project.status = to


async def create(
    session: AsyncSession, draft: ProjectDraft, hooks: TenantHooks, *, actor: str, suggestion_ids: Sequence[uuid.UUID]
) -> Project:
    """Put a project into the pool, merging the given suggestions into it (409 if one is taken)."""
    values = {name: getattr(draft, name) for name in EDITABLE}
    _check(values, hooks)
    values["title"] = draft.title.strip()
    values["extra"] = dict(draft.extra)
    project = Project(
        year=collection_rules.collection_year(), status=ProjectStatus.POOL.value, created_by=actor, **values
    )
    session.add(project)
    await session.flush()
    session.add(
        ProjectStatusChange(project_id=project.id, from_status=None, to_status=project.status, actor=actor, notes="")
    )
    merged = await collection.link_to_project(session, suggestion_ids, project.id)
    await audit.record(
        session,
        "project.created",
        actor=actor,
        subject=str(project.id),
        payload={"title": project.title, "category": project.category, "suggestions": merged},
    )
    return project


async def get(session: AsyncSession, project_id: uuid.UUID) -> Project:
    """One project of the tenant in context, or 404."""
    return await one_or_not_found(session, select(Project).where(Project.id == project_id), NotFound("Not found"))


async def title_of(session: AsyncSession, project_id: uuid.UUID) -> str | None:
    """A project's title (for a suggestion's public status page)."""
    return (await session.execute(select(Project.title).where(Project.id == project_id))).scalar_one_or_none()


async def update(
    session: AsyncSession, project_id: uuid.UUID, changes: Mapping[str, Any], hooks: TenantHooks, *, actor: str
) -> Project:
    """Change the platform/docs/domain.md fields of a project (extra fields checked against the tenant's schemas)."""
    project = await get(session, project_id)
    values = {name: value for name, value in changes.items() if name in EDITABLE}
    _check(values, hooks)
    for name, value in values.items():
        setattr(project, name, value.strip() if name == "title" else value)
    await session.flush()
    await audit.record(
        session, "project.updated", actor=actor, subject=str(project.id), payload={"fields": sorted(values)}
    )
    return project


async def merge(
    session: AsyncSession, project_id: uuid.UUID, suggestion_ids: Sequence[uuid.UUID], *, actor: str
) -> Project:
    """Merge suggestions into a project; each keeps its link (its author sees the project)."""
    project = await get(session, project_id)
    count = await collection.link_to_project(session, suggestion_ids, project.id)
    await audit.record(
        session,
        "project.suggestions_merged",
        actor=actor,
        subject=str(project.id),
        payload={"suggestions": sorted(str(i) for i in suggestion_ids), "count": count},
    )
    return project


async def unmerge(session: AsyncSession, project_id: uuid.UUID, suggestion_id: uuid.UUID, *, actor: str) -> Project:
    """Take a suggestion out of a project: it waits in the inbox again."""
    project = await get(session, project_id)
    suggestion = await collection.unlink_from_project(session, suggestion_id, project.id)
    await audit.record(
        session, "project.suggestion_unmerged", actor=actor, subject=str(project.id), payload={"code": suggestion.code}
    )
    return project


@dataclass(frozen=True)
class PoolFilter:
    status: str | None = None
    category: str | None = None
    year: int | None = None
    q: str | None = None


async def pool(
    session: AsyncSession, where: PoolFilter, *, page: int, per_page: int | None
) -> tuple[list[Project], int]:
    """The project pool, filtered, newest first (``per_page`` None: every match, for exports)."""
    query = select(Project)
    if where.status:
        query = query.where(Project.status == where.status)
    if where.category:
        query = query.where(Project.category == where.category)
    if where.year:
        query = query.where(Project.year == where.year)
    if where.q and where.q.strip():
        text = where.q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{text}%"
        query = query.where(or_(Project.title.ilike(pattern, escape="\\"), Project.content.ilike(pattern, escape="\\")))
    return await page_of(session, query, Project.created_at.desc(), Project.id, page=page, per_page=per_page)


async def supporters(session: AsyncSession, project_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many suggestions stand behind each project."""
    return await collection.supporters(session, project_ids)


async def linked_suggestions(session: AsyncSession, project_id: uuid.UUID) -> list[Suggestion]:
    """The suggestions merged into a project, oldest first."""
    rows = await session.execute(
        select(Suggestion).where(Suggestion.project_id == project_id).order_by(Suggestion.created_at, Suggestion.id)
    )
    return list(rows.scalars())


async def history(session: AsyncSession, project_id: uuid.UUID) -> list[ProjectStatusChange]:
    """A project's status changes, oldest first."""
    rows = await session.execute(
        select(ProjectStatusChange)
        .where(ProjectStatusChange.project_id == project_id)
        .order_by(ProjectStatusChange.at, ProjectStatusChange.id)
    )
    return list(rows.scalars())


async def latest_screening(session: AsyncSession, project_id: uuid.UUID) -> Screening | None:
    """The project's most recent screening, if any."""
    rows = await session.execute(
        select(Screening).where(Screening.project_id == project_id).order_by(Screening.at.desc()).limit(1)
    )
    return rows.scalar_one_or_none()


@dataclass(frozen=True)
class ScreeningDraft:
    decision: str
    notes: str = ""
    need: str = ""
    feasibility: str = ""
    cost: str = ""
    legality: str = ""
    risk: str = ""


async def screen(
    session: AsyncSession, project_id: uuid.UUID, draft: ScreeningDraft, hooks: TenantHooks, *, actor: str
) -> Screening:
    """The government's screening (初审): accepted or rejected, with need, feasibility, cost, legality, risk.

    Screening in is refused (422 naming the plugin's rule) when the tenant's ``minsheng_screen_project``
    objects, e.g. a project on the negative list (platform/docs/domain.md: screening), or when a required extra
    field is missing.
    """
    project = await get(session, project_id)
    if draft.decision == ProjectStatus.ACCEPTED.value:
        data = {name: getattr(project, name) for name in EDITABLE}
        refusals = hooks.screen_project(rules.screening_view(data))
        if refusals:
            first = refusals[0]
            raise RuleViolation(first.rule, first.reason.message, **first.reason.params)
        _check({"extra": project.extra}, hooks, complete=True)
    screening = Screening(project_id=project.id, screened_by=actor, **vars(draft))
    session.add(screening)
    if project.status != draft.decision:
        await _status_change(session, project, draft.decision, actor=actor, notes=draft.notes)
    await session.flush()
    await audit.record(
        session,
        "project.screened",
        actor=actor,
        subject=str(project.id),
        payload={"decision": draft.decision, "notes": draft.notes},
    )
    return screening
