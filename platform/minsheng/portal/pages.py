"""The public portal's phone pages (no login): the year's chosen projects, a project's progress with
photos and decisions, the vote results. The same services as the portal's JSON answer them."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, get
from litestar.di import Provide
from litestar.params import QueryParameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.http.dependencies import provide_public_tenant
from minsheng.implementation import plans
from minsheng.portal import services as portal
from minsheng.portal.views import detail_view, project_view, result_view, statistics_view
from minsheng.tenancy.models import Tenant
from minsheng.web.templating import render

PUBLIC = {"tenant": Provide(provide_public_tenant)}
YEAR = QueryParameter(name="year", ge=2000, le=2100)


@get("/t/{slug:str}/portal", include_in_schema=False, dependencies=PUBLIC)
async def portal_page(
    request: Request[Any, Any, Any], tenant: Tenant, db_session: AsyncSession, year: Annotated[int | None, YEAR] = None
) -> Template:
    """The year's chosen projects with their progress, and the latest published decisions."""
    chosen_year = year or await portal.default_year(db_session)
    states = await portal.year_projects(db_session, chosen_year)
    projects = [project_view(s, await portal.latest_outcome(db_session, s.chosen.project.id)) for s in states]
    notices, _ = await portal.notices(db_session, page=1, per_page=10)
    return render(
        request,
        "portal/index.html",
        tenant=tenant,
        year=chosen_year,
        years=await portal.vote_years(db_session),
        projects=projects,
        statistics=statistics_view(states),
        notices=notices,
        titles=await portal.titles(db_session, list({n.project_id for n in notices})),
    )


@get("/t/{slug:str}/portal/projects/{project_id:uuid}", include_in_schema=False, dependencies=PUBLIC)
async def portal_project_page(
    request: Request[Any, Any, Any], tenant: Tenant, project_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """A chosen project: plan, public progress with photos, decisions, evaluation outcome."""
    found = await portal.public_project(db_session, project_id)
    detail = detail_view(tenant.slug, found, await plans.milestones_of(db_session, project_id))
    return render(request, "portal/project.html", tenant=tenant, detail=detail)


@get("/t/{slug:str}/portal/results", include_in_schema=False, dependencies=PUBLIC)
async def portal_results_page(
    request: Request[Any, Any, Any], tenant: Tenant, db_session: AsyncSession, year: Annotated[int | None, YEAR] = None
) -> Template:
    """The announced results of the year's votes."""
    chosen_year = year or await portal.default_year(db_session)
    results = [result_view(r) for r in await portal.vote_results(db_session, chosen_year)]
    return render(request, "portal/results.html", tenant=tenant, year=chosen_year, results=results)


ROUTES: list[Any] = [portal_page, portal_project_page, portal_results_page]
