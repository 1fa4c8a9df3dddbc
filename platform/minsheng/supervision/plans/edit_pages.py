"""The presidium's page editing the year's supervision plan (desktop): start the plan, assign a presidium
member or a group of deputies to each chosen project with the methods it sets, see the methods each
project requires (the plugins' and the plan's), and adopt the plan.

The same services as the API: ``POST /supervision-plans``, ``POST /supervision-plans/{id}/groups``,
``POST /supervision-plans/{id}/adopt``.
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
from minsheng.errors import DomainError, InvalidInput
from minsheng.http.dependencies import TenantAccess
from minsheng.http.listing import parse_ids, posted_form
from minsheng.supervision.access import RUNNERS
from minsheng.supervision.models import PlanStatus
from minsheng.supervision.pages import ACCESS, render_page
from minsheng.supervision.plans import services as plans
from minsheng.supervision.records import services as records


def _year(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else None


async def _page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    db_session: AsyncSession,
    year: int,
    *,
    error: DomainError | None = None,
    failed_project: uuid.UUID | None = None,
) -> Template:
    found, _total = await plans.list_plans(db_session, page=1, per_page=1, year=year)
    plan = found[0] if found else None
    groups = {g.project_id: g for g in await plans.groups_of(db_session, plan.id)} if plan else {}
    methods = await records.tenant_methods(db_session)
    rows = [
        {
            "project": project,
            "group": groups.get(project.id),
            "coverage": await records.coverage(db_session, project.id),
        }
        for project in await plans.chosen_projects(db_session, year=year)
    ]
    people, _count = await members.list_members(db_session, access.tenant, page=1, per_page=500)
    deputies, _count = await roster.list_deputies(db_session, page=1, per_page=1000, q=None)
    return render_page(
        request,
        access,
        "supervision/plan_edit.html",
        status_code=error.status_code if error else 200,
        year=year,
        plan=plan,
        editable=plan is not None and plan.status == PlanStatus.DRAFT.value,
        rows=rows,
        methods=methods,
        presidium=[m for m in people if "presidium" in m.roles],
        deputies=[d for d, _username in deputies],
        deputy_names={str(d.id): d.name for d, _username in deputies},
        leaders=await plans.leader_names(db_session, [g.leader_user_id for g in groups.values() if g.leader_user_id]),
        error=error,
        failed_project=failed_project,
    )


@get("/t/{slug:str}/supervision/plan/edit", dependencies=ACCESS)
async def edit_plan_page(
    request: Request[Any, Any, Any], access: TenantAccess, db_session: AsyncSession, year: int | None = None
) -> Template:
    """The plan of ``?year=`` (the collection year by default) with a form per chosen project."""
    access.require(*RUNNERS)
    return await _page(request, access, db_session, _year(year) or collection_year())


@post("/t/{slug:str}/supervision/plan/edit", dependencies=ACCESS, status_code=303)
async def plan_action(
    request: Request[Any, Any, Any], access: TenantAccess, db_session: AsyncSession
) -> Redirect | Template:
    """``action=create`` starts the year's plan; ``action=assign`` gives a project its group;
    ``action=adopt`` adopts the plan. A refusal is shown on the page; nothing is half-written."""
    user = access.require(*RUNNERS)
    form = await posted_form(request)
    year = _year(form.get("year")) or collection_year()
    action = str(form.get("action") or "")
    project_id: uuid.UUID | None = None
    try:
        async with db_session.begin_nested():
            if action == "create":
                title = str(form.get("title") or "").strip()[:200]
                if not title:
                    raise InvalidInput("Give the supervision plan a title")
                await plans.create_plan(db_session, year=year, title=title, actor=user.username)
            elif action in ("assign", "adopt"):
                plan_ids = parse_ids([str(form.get("plan_id") or "")])
                if action == "adopt":
                    await plans.adopt_plan(db_session, plan_ids[0], actor=user.username)
                else:
                    project_id = parse_ids([str(form.get("project_id") or "")])[0]
                    await plans.add_group(
                        db_session,
                        plan_ids[0],
                        project_id=project_id,
                        name=str(form.get("name") or "")[:200],
                        leader=str(form.get("leader") or "").strip() or None,
                        deputies=parse_ids(form.getall("deputies", [])),
                        methods=[str(m)[:50] for m in form.getall("methods", [])],
                        actor=user.username,
                    )
            else:
                raise InvalidInput("The form was not valid; reload the page and try again")
    except DomainError as error:
        return await _page(request, access, db_session, year, error=error, failed_project=project_id)
    return Redirect(f"/t/{access.tenant.slug}/supervision/plan/edit?year={year}", status_code=303)
