"""The public portal's JSON (no login, like ``/categories``): ``/api/v1/t/{slug}/public/...``."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import QueryParameter
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng import clock
from minsheng.errors import NotFound
from minsheng.files import services as files
from minsheng.files.responses import download_response
from minsheng.http.dependencies import services
from minsheng.http.pagination import Page, PageParam, PerPageParam
from minsheng.http.scope import TenantScope, public
from minsheng.implementation import plans, progress
from minsheng.portal import services as portal
from minsheng.portal.schemas import PublicNotice, PublicProjectDetail, PublicProjectList, PublicResultView
from minsheng.portal.views import (
    decision_view,
    detail_view,
    document_view,
    project_view,
    result_view,
    statistics_view,
)


def download_responses(media_type: str, what: str) -> dict[int, ResponseSpec]:
    """The answers of a public download: the bytes (local storage), or a redirect to S3."""
    return {
        200: ResponseSpec(data_container=bytes, media_type=media_type, description=what, generate_examples=False),
        303: ResponseSpec(data_container=None, description="A short-lived presigned URL of it (S3)"),
    }


YearParam = QueryParameter(name="year", ge=2000, le=2100, description="Vote year (default: the latest)")


class PortalController(Controller):
    path = "/api/v1/t/{slug:str}/public"
    tags = ["public portal"]

    @public
    @get("/projects")
    async def projects(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        year: Annotated[int | None, YearParam] = None,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
    ) -> PublicProjectList:
        """No login: the year's chosen projects with progress, status and evaluation outcome."""
        tz = clock.zone_of(access.hooks.tenant)
        chosen_year = year or await portal.default_year(db_session, tz)
        states = await portal.year_projects(db_session, chosen_year)
        shown = states[(page - 1) * per_page : page * per_page]
        items = [project_view(s, await portal.latest_outcome(db_session, s.chosen.project.id)) for s in shown]
        return PublicProjectList(
            year=chosen_year,
            years=await portal.vote_years(db_session),
            items=items,
            total=len(states),
            statistics=statistics_view(states),
            documents=[
                document_view(access.tenant.slug, d) for d in await portal.year_documents(db_session, chosen_year, tz)
            ],
        )

    @public
    @get("/projects/{project_id:uuid}")
    async def project(
        self, access: TenantScope, project_id: uuid.UUID, db_session: AsyncSession
    ) -> PublicProjectDetail:
        """No login: a chosen project's plan, public progress with photos, decisions and evaluation."""
        found = await portal.public_project(db_session, project_id, clock.zone_of(access.hooks.tenant))
        return detail_view(
            access.tenant.slug,
            found,
            await plans.milestones_of(db_session, project_id),
            clock.zone_of(access.hooks.tenant),
        )

    @public
    @get("/results")
    async def results(
        self, access: TenantScope, db_session: AsyncSession, year: Annotated[int | None, YearParam] = None
    ) -> list[PublicResultView]:
        """No login: the announced results of the year's votes (figures and per-candidate votes)."""
        chosen_year = year or await portal.default_year(db_session, clock.zone_of(access.hooks.tenant))
        return [
            result_view(r)
            for r in await portal.vote_results(db_session, chosen_year, clock.zone_of(access.hooks.tenant))
        ]

    @public
    @get("/notices")
    async def notices(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
    ) -> Page[PublicNotice]:
        """No login: published decisions on adjustments (amend, postpone, terminate)."""
        rows, total = await portal.notices(db_session, page=page, per_page=per_page)
        names = await portal.titles(db_session, list({r.project_id for r in rows}))
        items = []
        for row in rows:
            decision = decision_view(row, clock.zone_of(access.hooks.tenant))
            items.append(
                PublicNotice(
                    row.project_id, names.get(row.project_id, ""), row.kind, row.status, decision.decided_on, row.notice
                )
            )
        return Page(items=items, total=total)

    @public
    @get("/photos/{file_id:uuid}", response_model=None, responses=download_responses("image/*", "The photo"))
    async def photo(
        self, access: TenantScope, file_id: uuid.UUID, state: State, db_session: AsyncSession
    ) -> Redirect | Response[bytes]:
        """No login: a photo of a public progress report (any other file: 404)."""
        if not await progress.is_public_photo(db_session, file_id):
            raise NotFound("Not found")
        return download_response(await files.download(db_session, services(state).store, file_id))

    @public
    @get("/documents/{document_id:uuid}", response_model=None, responses=download_responses("*/*", "The file"))
    async def document(
        self, access: TenantScope, document_id: uuid.UUID, state: State, db_session: AsyncSession
    ) -> Redirect | Response[bytes]:
        """No login: a public document (主席团公告, 决议, 完成情况报告) as made; any other: 404."""
        file_id = await portal.public_document_file(db_session, document_id)
        return download_response(await files.download(db_session, services(state).store, file_id))
