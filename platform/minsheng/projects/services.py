"""Use cases of the project pool: make, change, merge suggestions into, screen (platform/docs/domain.md: stages 1-2).

Each runs in the caller's transaction; every status change writes a history row and an audit event,
every change of a project's fields an audit event with the old and the new values.

A project is labelled with the year it is carried out in (实施年度), by default the year the office's
current collection is for (:func:`collection_year_of`). Once the congress chose it, the vote binds:
its fields change only through an approved adjustment (调整) naming it (:func:`update` with
``adjustment_id``), and it is not screened again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, bindparam, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit import services as audit
from minsheng.collection import rules as collection_rules
from minsheng.collection import services as collection
from minsheng.collection.models import Suggestion
from minsheng.db.base import utcnow
from minsheng.db.listing import page_of
from minsheng.db.lookup import one_or_not_found
from minsheng.errors import Conflict, FieldProblem, InvalidFields, InvalidInput, NotFound, RuleViolation
from minsheng.implementation.models import Adjustment
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.plugins.verdicts import Reason
from minsheng.projects import candidates, outcome, rules
from minsheng.projects.models import (
    CollectionYear,
    Project,
    ProjectAmendment,
    ProjectStatus,
    ProjectStatusChange,
    Screening,
)

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
    """A project as staff describe it; ``year`` (实施年度) None: the year the current collection is for."""

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
    year: int | None = None


async def collection_year_of(session: AsyncSession) -> int:
    """The year (实施年度) the office's current collection is for: chosen by staff, else this year."""
    row = (await session.execute(select(CollectionYear))).scalar_one_or_none()
    return row.year if row is not None else collection_rules.collection_year()


async def choose_collection_year(session: AsyncSession, year: int, *, actor: str) -> int:
    """Staff state the year the current collection is for: projects drafted from now on are its."""
    rules.require_plausible_year(year)
    row = (await session.execute(select(CollectionYear))).scalar_one_or_none()
    before = row.year if row is not None else None
    if row is None:
        session.add(CollectionYear(year=year, chosen_by=actor))
    else:
        row.year, row.chosen_by, row.chosen_at = year, actor, utcnow()
    await session.flush()
    await audit.record(
        session, "collection.year_chosen", actor=actor, subject=str(year), payload={"old": before, "new": year}
    )
    return year


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
    year = draft.year if draft.year is not None else await collection_year_of(session)
    rules.require_plausible_year(year)
    project = Project(year=year, status=ProjectStatus.POOL.value, created_by=actor, **values)
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
        payload={"title": project.title, "category": project.category, "year": year, "suggestions": merged},
    )
    return project


async def get(session: AsyncSession, project_id: uuid.UUID) -> Project:
    """One project of the tenant in context, or 404."""
    return await one_or_not_found(session, select(Project).where(Project.id == project_id), NotFound("Not found"))


async def title_of(session: AsyncSession, project_id: uuid.UUID) -> str | None:
    """A project's title (for a suggestion's public status page)."""
    return (await session.execute(select(Project.title).where(Project.id == project_id))).scalar_one_or_none()


async def update(
    session: AsyncSession,
    project_id: uuid.UUID,
    changes: Mapping[str, Any],
    hooks: TenantHooks,
    *,
    actor: str,
    adjustment_id: uuid.UUID | None = None,
) -> Project:
    """Change the platform/docs/domain.md fields of a project (extra fields checked against the tenant's
    schemas), and its ``year`` while it is on no fixed candidate list. The audit chain keeps each
    changed field's old and new value.

    Once the congress chose the project, a change needs ``adjustment_id``: an approved amendment (调整)
    of this project, used once (409 otherwise: the outcome of the vote binds).
    """
    project = await get(session, project_id)
    values = {name: value for name, value in changes.items() if name in (*EDITABLE, "year")}
    _check(values, hooks)
    if "title" in values:
        values["title"] = values["title"].strip()
    changed = rules.changed_fields(project, values)
    if not changed:
        return project
    chosen = await outcome.chosen_by_vote(session, project.id)
    if chosen and adjustment_id is None:
        conflict = Conflict(
            "Project «{title}» was chosen by the congress: it changes only through an approved adjustment",
            title=project.title,
        )
        conflict.extra["rule"] = "outcome_binds"
        raise conflict
    if "year" in changed:
        rules.require_plausible_year(values["year"])
        if chosen or await candidates.on_fixed_list(session, project.id):
            raise Conflict(
                "Project «{title}» is on a fixed candidate list: its year no longer changes", title=project.title
            )
    adjustment = await _approved_amendment(session, project, adjustment_id) if adjustment_id else None
    for name in changed:
        setattr(project, name, values[name])
    await session.flush()
    payload: dict[str, Any] = {"changes": rules.audited_changes(changed)}
    if adjustment is not None:
        try:
            async with session.begin_nested():
                session.add(
                    ProjectAmendment(
                        project_id=project.id, adjustment_id=adjustment.id, changes=payload["changes"], actor=actor
                    )
                )
        except IntegrityError as exc:
            raise Conflict("This adjustment has already changed the project") from exc
        payload |= {
            "adjustment": str(adjustment.id),
            "decided_by": adjustment.decided_by,
            "decided_at": adjustment.decided_at.isoformat() if adjustment.decided_at else None,
            "decision_body": adjustment.decision_body,
            "decision_notes": adjustment.decision_notes,
        }
    event = "project.amended" if adjustment is not None else "project.updated"
    await audit.record(session, event, actor=actor, subject=str(project.id), payload=payload)
    return project


async def _approved_amendment(session: AsyncSession, project: Project, adjustment_id: uuid.UUID) -> Adjustment:
    """The approved amendment ``adjustment_id`` of ``project``; 422 for a project the congress did not
    choose, 409 for an adjustment of another project or kind, or not approved."""
    if not await outcome.chosen_by_vote(session, project.id):
        raise InvalidInput("Only a project the congress chose is changed through an adjustment")
    adjustment = (await session.execute(select(Adjustment).where(Adjustment.id == adjustment_id))).scalar_one_or_none()
    if adjustment is None:
        raise NotFound("No adjustment {adjustment} in this tenant", adjustment=str(adjustment_id))
    if adjustment.project_id != project.id or adjustment.kind != "amend" or adjustment.status != "approved":
        raise Conflict("Only an approved amendment of this project changes it")
    return adjustment


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
    values = pool_filter_values(where)
    # The values are given to the whole statement: SQLAlchemy 2.1 takes params() on statements only.
    query = select(Project).where(*pool_conditions_named(values)).params(values)
    return await page_of(session, query, Project.created_at.desc(), Project.id, page=page, per_page=per_page)


def pool_filter_values(where: PoolFilter) -> dict[str, Any]:
    """The filters ``where`` sets, as the values of :func:`pool_conditions_named`'s parameters."""
    values: dict[str, Any] = {}
    if where.status:
        values["status"] = where.status
    if where.category:
        values["category"] = where.category
    if where.year:
        values["year"] = where.year
    if where.q and where.q.strip():
        text = where.q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        values["pattern"] = f"%{text}%"
    return values


def pool_conditions_named(names: Iterable[str]) -> list[ColumnElement[bool]]:
    """The pool filter's conditions on ``projects`` for the filters ``names``, their values bound by
    name: one statement per set of filters can be built once (``pool_page.py``)."""
    conditions: list[ColumnElement[bool]] = []
    if "status" in names:
        conditions.append(Project.status == bindparam("status"))
    if "category" in names:
        conditions.append(Project.category == bindparam("category"))
    if "year" in names:
        conditions.append(Project.year == bindparam("year"))
    if "pattern" in names:
        pattern: BindParameter[str] = bindparam("pattern")
        conditions.append(or_(Project.title.ilike(pattern, escape="\\"), Project.content.ilike(pattern, escape="\\")))
    return conditions


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
    if await outcome.chosen_by_vote(session, project.id):
        raise Conflict("Project «{title}» was chosen by the congress: it is not screened again", title=project.title)
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
