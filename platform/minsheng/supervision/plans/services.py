"""The supervision plan (监督计划) of a year and its groups: who follows which chosen project, how.

platform/docs/domain.md, stage 5: "the presidium adopts a supervision plan; often one presidium member or one deputy
group follows one project (点对点)". Only projects chosen by a closed voting round may be supervised.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts import services as accounts
from minsheng.accounts.models import Role, User
from minsheng.audit import services as audit
from minsheng.congress.models import RoundStatus, VotingRound
from minsheng.congress.roster import services as roster
from minsheng.db.base import utcnow
from minsheng.db.listing import page_of
from minsheng.db.lookup import one_or_not_found
from minsheng.errors import Conflict, InvalidInput, NotFound
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.projects import services as projects
from minsheng.projects.models import Project
from minsheng.supervision.models import PlanStatus, SupervisionGroup, SupervisionPlan
from minsheng.tenancy.context import current_tenant


async def chosen_project_ids(session: AsyncSession) -> set[uuid.UUID]:
    """Every project a closed voting round of the tenant chose (its stored result says ``chosen``)."""
    query = select(VotingRound.result).where(VotingRound.status == RoundStatus.CLOSED.value)
    chosen: set[uuid.UUID] = set()
    for result in (await session.execute(query)).scalars():
        for candidate in (result or {}).get("candidates", []):
            if candidate.get("chosen"):
                chosen.add(uuid.UUID(str(candidate["project_id"])))
    return chosen


async def chosen_projects(session: AsyncSession, *, year: int | None = None) -> list[Project]:
    """The chosen projects (of ``year`` when given), by title."""
    ids = await chosen_project_ids(session)
    if not ids:
        return []
    query = select(Project).where(Project.id.in_(ids))
    if year is not None:
        query = query.where(Project.year == year)
    return list((await session.execute(query.order_by(Project.title, Project.id))).scalars())


async def require_chosen(session: AsyncSession, project_id: uuid.UUID) -> Project:
    """The project, when a voting round chose it; 404 when unknown, 409 when it was not chosen."""
    project = await projects.get(session, project_id)
    if project.id not in await chosen_project_ids(session):
        raise Conflict(
            "The project {title} was not chosen by a vote: only chosen projects are supervised", title=project.title
        )
    return project


async def create_plan(session: AsyncSession, *, year: int, title: str, actor: str) -> SupervisionPlan:
    """A draft supervision plan for ``year``; 409 when the year has one already."""
    plan = SupervisionPlan(year=year, title=title.strip(), created_by=actor)
    try:
        async with session.begin_nested():
            session.add(plan)
    except IntegrityError as exc:
        raise Conflict("The year {year} already has a supervision plan", year=year) from exc
    await audit.record(
        session,
        "supervision_plan.created",
        actor=actor,
        subject=str(plan.id),
        payload={"year": year, "title": plan.title},
    )
    return plan


async def get_plan(session: AsyncSession, plan_id: uuid.UUID) -> SupervisionPlan:
    """A plan of the tenant in context, or 404."""
    query = select(SupervisionPlan).where(SupervisionPlan.id == plan_id)
    return await one_or_not_found(
        session, query, NotFound("No supervision plan {plan} in this tenant", plan=str(plan_id))
    )


async def list_plans(
    session: AsyncSession, *, page: int, per_page: int, year: int | None = None
) -> tuple[list[SupervisionPlan], int]:
    """The tenant's plans, newest year first."""
    query = select(SupervisionPlan)
    if year is not None:
        query = query.where(SupervisionPlan.year == year)
    return await page_of(session, query, SupervisionPlan.year.desc(), page=page, per_page=per_page)


async def adopt_plan(session: AsyncSession, plan_id: uuid.UUID, *, actor: str) -> SupervisionPlan:
    """Adopt a draft plan (the presidium's decision); 409 when adopted already or without any group."""
    plan = await get_plan(session, plan_id)
    if plan.status != PlanStatus.DRAFT.value:
        raise Conflict("The supervision plan is adopted already")
    if not await groups_of(session, plan.id):
        raise Conflict("Assign a supervision group to at least one project before adopting the plan")
    plan.status = PlanStatus.ADOPTED.value
    plan.adopted_by = actor
    plan.adopted_at = utcnow()
    await session.flush()
    await audit.record(session, "supervision_plan.adopted", actor=actor, subject=str(plan.id), payload={})
    return plan


async def _leader(session: AsyncSession, username: str | None) -> uuid.UUID | None:
    if username is None:
        return None
    tenant = current_tenant()
    user = await accounts.find_user(session, username)
    roles = await accounts.roles_in(session, user.id, tenant.id) if user and tenant else None
    if user is None or roles is None or Role.PRESIDIUM.value not in roles:
        raise InvalidInput("{username} is not a member of this tenant with the role presidium", username=username)
    return user.id


async def add_group(
    session: AsyncSession,
    plan_id: uuid.UUID,
    *,
    project_id: uuid.UUID,
    name: str,
    leader: str | None,
    deputies: Sequence[uuid.UUID],
    methods: Sequence[str],
    actor: str,
    hooks: TenantHooks,
) -> SupervisionGroup:
    """Assign a supervision group to a chosen project of the plan's year.

    422 without a presidium member or a deputy, for a leader who is not of the presidium, a deputy not
    on the roster, or a method the tenant does not offer; 409 when the project has a group already or
    was not chosen, or the project is of another year.
    """
    plan = await get_plan(session, plan_id)
    project = await require_chosen(session, project_id)
    if project.year != plan.year:
        raise Conflict(
            "The project {title} is of {year}, not of the plan's year", title=project.title, year=project.year
        )
    if leader is None and not deputies:
        raise InvalidInput("A supervision group needs a presidium member or at least one deputy")
    leader_id = await _leader(session, leader)
    for deputy_id in dict.fromkeys(deputies):
        await roster.get_deputy(session, deputy_id)
    offered = hooks.supervision_methods()
    for code in methods:
        if code not in offered:
            raise InvalidInput("Unknown supervision method {method}", method=code)
    group = SupervisionGroup(
        plan_id=plan.id,
        project_id=project.id,
        name=name.strip() or project.title,
        leader_user_id=leader_id,
        deputy_ids=[str(d) for d in dict.fromkeys(deputies)],
        methods=list(dict.fromkeys(methods)),
        created_by=actor,
    )
    try:
        async with session.begin_nested():
            session.add(group)
    except IntegrityError as exc:
        raise Conflict("The project {title} already has a supervision group in this plan", title=project.title) from exc
    await audit.record(
        session,
        "supervision_group.assigned",
        actor=actor,
        subject=str(group.id),
        payload={
            "plan": str(plan.id),
            "project": str(project.id),
            "leader": leader,
            "deputies": group.deputy_ids,
            "methods": group.methods,
        },
    )
    return group


async def groups_of(session: AsyncSession, plan_id: uuid.UUID) -> list[SupervisionGroup]:
    """The plan's groups, in the order they were assigned."""
    query = select(SupervisionGroup).where(SupervisionGroup.plan_id == plan_id)
    return list((await session.execute(query.order_by(SupervisionGroup.created_at, SupervisionGroup.id))).scalars())


async def planned_methods(session: AsyncSession, project_id: uuid.UUID) -> list[str]:
    """The methods every plan sets for the project (usually one plan: the project's year's)."""
    query = select(SupervisionGroup.methods).where(SupervisionGroup.project_id == project_id)
    return [code for methods in (await session.execute(query)).scalars() for code in methods]


async def leader_names(session: AsyncSession, user_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The user names of group leaders, for views."""
    if not user_ids:
        return {}
    rows = await session.execute(select(User.id, User.username).where(User.id.in_(set(user_ids))))
    return {user_id: username for user_id, username in rows}
