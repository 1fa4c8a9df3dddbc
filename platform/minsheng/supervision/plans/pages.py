"""The supervision plan page: each chosen project's group, its methods, and those still missing."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.http.scope import TenantScope, requires
from minsheng.permissions import Permission
from minsheng.supervision.pages import render_page
from minsheng.supervision.plans import services as plans
from minsheng.supervision.records import services as records


@requires(Permission.SUPERVISION_READ)
@get("/t/{slug:str}/supervision/plan")
async def plan_page(
    request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession, year: int | None = None
) -> Template:
    """The year's plan (the latest by default): groups, their methods, and the required methods not yet
    recorded for each project (the plugins' and the plan's); each project leads to its records."""
    found, _total = await plans.list_plans(db_session, page=1, per_page=50)
    plan = next((p for p in found if p.year == year), None) if year is not None else (found[0] if found else None)
    groups = await plans.groups_of(db_session, plan.id) if plan else []
    titles = {p.id: p.title for p in await plans.chosen_projects(db_session)}
    rows = [
        {
            "group": group,
            "title": titles.get(group.project_id, ""),
            "coverage": await records.coverage(db_session, group.project_id, hooks=access.hooks),
        }
        for group in groups
    ]
    methods = {code: method.label for code, method in records.tenant_methods(access.hooks).items()}
    return render_page(
        request,
        access,
        "supervision/plan.html",
        plans=found,
        plan=plan,
        rows=rows,
        methods=methods,
        leaders=await plans.leader_names(db_session, [g.leader_user_id for g in groups if g.leader_user_id]),
    )
