"""The desktop page preparing and adopting the year's supervision plan.

The congress office prepares (start the plan, assign a presidium member or a group of deputies to each
chosen project with the methods it sets); the standing committee (in a township the presidium) adopts
it (platform/docs/roles.md). Each action has its route and its permission, and calls the same service as
the API (``POST /supervision/plans``, ``/plans/{id}/groups``, ``/plans/{id}/adopt``); a refusal is
shown at the form that was sent, with what was typed.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.admin import members
from minsheng.collection.rules import collection_year
from minsheng.congress.roster import services as roster
from minsheng.errors import DomainError, Forbidden, InvalidInput
from minsheng.http.forms import FormValues, posted, read_id, read_ids
from minsheng.http.scope import TenantScope, requires
from minsheng.permissions import Permission, Role
from minsheng.supervision.models import PlanStatus
from minsheng.supervision.pages import render_page
from minsheng.supervision.plans import services as plans
from minsheng.supervision.records import services as records


def _year(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else None


def _back(access: TenantScope, year: int) -> Redirect:
    return Redirect(f"/t/{access.tenant.slug}/supervision/plan/edit?year={year}", status_code=303)


async def _page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    year: int,
    *,
    error: DomainError | None = None,
    failed: str = "",
    values: FormValues | None = None,
) -> Template:
    found, _total = await plans.list_plans(db_session, page=1, per_page=1, year=year)
    plan = found[0] if found else None
    groups = {g.project_id: g for g in await plans.groups_of(db_session, plan.id)} if plan else {}
    chosen = await plans.chosen_projects(db_session, year=year)
    rows: list[dict[str, Any]] = [
        {
            "project": project,
            "group": groups.get(project.id),
            "coverage": await records.coverage(db_session, project.id, hooks=access.hooks),
        }
        for project in chosen
    ]
    editable = plan is not None and plan.status == PlanStatus.DRAFT.value
    prepares = access.may(Permission.SUPERVISION_PLANS_PREPARE)
    forms_shown = {"create"} if plan is None and prepares else set()
    if editable and access.may(Permission.SUPERVISION_PLANS_ADOPT):
        forms_shown.add("adopt")
    if editable and prepares:
        forms_shown |= {f"assign-{project.id}" for project in chosen if project.id not in groups}
    people, _count = await members.list_members(db_session, access.tenant, page=1, per_page=500)
    deputies, _count = await roster.list_deputies(db_session, page=1, per_page=1000, q=None)
    return render_page(
        request,
        access,
        "supervision/plan_edit.html",
        year=year,
        plan=plan,
        editable=editable,
        forms_shown=forms_shown,
        rows=rows,
        methods=records.tenant_methods(access.hooks),
        presidium=[m for m in people if Role.PRESIDIUM in m.roles],
        deputies=[d for d, _username in deputies],
        deputy_names={str(d.id): d.name for d, _username in deputies},
        leaders=await plans.leader_names(db_session, [g.leader_user_id for g in groups.values() if g.leader_user_id]),
        error=error,
        failed=failed,
        values=values,
    )


@requires(Permission.SUPERVISION_READ)
@get("/t/{slug:str}/supervision/plan/edit")
async def edit_plan_page(
    request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession, year: int | None = None
) -> Template:
    """The plan of ``?year=`` (the collection year by default), with the forms the caller may use: for
    those who prepare the plan or adopt it (403 for the other readers, who have the plan's page)."""
    if not (access.may(Permission.SUPERVISION_PLANS_PREPARE) or access.may(Permission.SUPERVISION_PLANS_ADOPT)):
        raise Forbidden("You do not have the role needed for this action")
    return await _page(request, access, db_session, _year(year) or collection_year())


@requires(Permission.SUPERVISION_PLANS_PREPARE)
@post("/t/{slug:str}/supervision/plans")
async def create_plan_page(
    request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession
) -> Redirect | Template:
    """Start the year's plan with its title."""
    values, _items = await posted(request)
    year = _year(values.get("year")) or collection_year()
    try:
        async with db_session.begin_nested():
            title = values.text("title", 200).strip()
            if not title:
                raise InvalidInput("Give the supervision plan a title")
            await plans.create_plan(db_session, year=year, title=title, actor=access.user.username)
    except DomainError as error:
        return await _page(request, access, db_session, year, error=error, failed="create", values=values)
    return _back(access, year)


@requires(Permission.SUPERVISION_PLANS_PREPARE)
@post("/t/{slug:str}/supervision/plans/{plan_id:uuid}/groups")
async def assign_group_page(
    request: Request[Any, Any, Any], access: TenantScope, plan_id: uuid.UUID, db_session: AsyncSession
) -> Redirect | Template:
    """Give a chosen project its group: a presidium member and/or deputies, and the methods it sets."""
    values, _items = await posted(request)
    plan = await plans.get_plan(db_session, plan_id)
    project_id = read_id(values.get("project_id"))
    try:
        async with db_session.begin_nested():
            if project_id is None:
                raise InvalidInput("The form was not valid; reload the page and try again")
            await plans.add_group(
                db_session,
                plan.id,
                project_id=project_id,
                name=values.text("name", 200),
                leader=values.text("leader", 64).strip() or None,
                deputies=read_ids(values.all("deputies")),
                methods=[m[:50] for m in values.all("methods")],
                actor=access.user.username,
                hooks=access.hooks,
            )
    except DomainError as error:
        return await _page(
            request, access, db_session, plan.year, error=error, failed=f"assign-{project_id}", values=values
        )
    return _back(access, plan.year)


@requires(Permission.SUPERVISION_PLANS_ADOPT)
@post("/t/{slug:str}/supervision/plans/{plan_id:uuid}/adopt")
async def adopt_plan_page(
    request: Request[Any, Any, Any], access: TenantScope, plan_id: uuid.UUID, db_session: AsyncSession
) -> Redirect | Template:
    """Adopt the plan (the standing committee's decision; in a township the presidium's)."""
    plan = await plans.get_plan(db_session, plan_id)
    try:
        async with db_session.begin_nested():
            await plans.adopt_plan(db_session, plan.id, actor=access.user.username)
    except DomainError as error:
        return await _page(request, access, db_session, plan.year, error=error, failed="adopt")
    return _back(access, plan.year)
