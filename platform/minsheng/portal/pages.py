"""The public portal's phone pages (no login): the year's chosen projects, a project's progress with
photos and decisions, the vote results. The same services as the portal's JSON answer them."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, get
from litestar.params import QueryParameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng import clock
from minsheng.http.pages import render_tenant_page
from minsheng.http.scope import TenantScope, public
from minsheng.implementation import plans
from minsheng.portal import services as portal
from minsheng.portal.views import detail_view, document_view, project_view, result_view, statistics_view

YEAR = QueryParameter(name="year", ge=2000, le=2100)


@public
@get("/t/{slug:str}/portal", include_in_schema=False)
async def portal_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    year: Annotated[int | None, YEAR] = None,
) -> Template:
    """The year's chosen projects with their progress, its public documents, and the latest published
    decisions."""
    tz = clock.zone_of(access.hooks.tenant)
    chosen_year = year or await portal.default_year(db_session, tz)
    states = await portal.year_projects(db_session, chosen_year)
    projects = [project_view(s, await portal.latest_outcome(db_session, s.chosen.project.id)) for s in states]
    notices, _ = await portal.notices(db_session, page=1, per_page=10)
    return render_tenant_page(
        request,
        access,
        "portal/index.html",
        year=chosen_year,
        years=await portal.vote_years(db_session),
        projects=projects,
        statistics=statistics_view(states),
        notices=notices,
        titles=await portal.titles(db_session, list({n.project_id for n in notices})),
        documents=[
            document_view(access.tenant.slug, d) for d in await portal.year_documents(db_session, chosen_year, tz)
        ],
    )


@public
@get("/t/{slug:str}/portal/projects/{project_id:uuid}", include_in_schema=False)
async def portal_project_page(
    request: Request[Any, Any, Any], access: TenantScope, project_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """A chosen project: plan, public progress with photos, decisions, evaluation outcome."""
    found = await portal.public_project(db_session, project_id, clock.zone_of(access.hooks.tenant))
    detail = detail_view(
        access.tenant.slug, found, await plans.milestones_of(db_session, project_id), clock.zone_of(access.hooks.tenant)
    )
    return render_tenant_page(request, access, "portal/project.html", detail=detail)


@public
@get("/t/{slug:str}/portal/results", include_in_schema=False)
async def portal_results_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    year: Annotated[int | None, YEAR] = None,
) -> Template:
    """The announced results of the year's votes."""
    chosen_year = year or await portal.default_year(db_session, clock.zone_of(access.hooks.tenant))
    results = [
        result_view(r) for r in await portal.vote_results(db_session, chosen_year, clock.zone_of(access.hooks.tenant))
    ]
    return render_tenant_page(request, access, "portal/results.html", year=chosen_year, results=results)


ROUTES: list[Any] = [portal_page, portal_project_page, portal_results_page]
