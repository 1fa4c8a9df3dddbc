"""API routes of the project pool, screening and the candidate list (platform/docs/api.md)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.http.openapi import problems
from minsheng.http.pagination import Page, PageParam, PerPageParam, YearFilter
from minsheng.http.problems import request_locale
from minsheng.http.scope import TenantScope, requires
from minsheng.i18n import translate
from minsheng.permissions import Permission
from minsheng.projects import candidates
from minsheng.projects import services as projects
from minsheng.projects.export import EXPORT_DISPOSITION, XLSX, export_pool
from minsheng.projects.models import Project, Screening
from minsheng.projects.pool_page import pool_page
from minsheng.projects.schemas import (
    CandidateListRequest,
    CandidateListView,
    CandidateView,
    CollectionYearIn,
    CollectionYearView,
    LinkedSuggestion,
    MarginView,
    NewProject,
    NewScreening,
    ProjectChanges,
    ProjectDetail,
    ProjectView,
    ScreeningView,
    StatusChangeView,
    StatusName,
    SuggestionIds,
)


def _money(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 2)))


def project_view(row: Any, supporters: int) -> ProjectView:
    """The API's view of a project: an ORM row, or a row of ``projects`` (``pool_page.py``)."""
    return ProjectView(
        **{name: getattr(row, name) for name in ProjectView.__struct_fields__ if name not in ("budget", "supporters")},
        budget=float(row.budget) if row.budget is not None else None,
        supporters=supporters,
    )


def screening_view(row: Screening, project_status: str) -> ScreeningView:
    fields = {name: getattr(row, name) for name in ScreeningView.__struct_fields__ if name != "project_status"}
    return ScreeningView(**fields, project_status=project_status)


async def project_detail(db_session: AsyncSession, row: Project) -> ProjectDetail:
    linked = await projects.linked_suggestions(db_session, row.id)
    screening = await projects.latest_screening(db_session, row.id)
    base = project_view(row, len(linked))
    return ProjectDetail(
        **{name: getattr(base, name) for name in ProjectView.__struct_fields__},
        suggestions=[LinkedSuggestion(s.id, s.code, s.content, s.place, s.channel) for s in linked],
        screening=screening_view(screening, row.status) if screening else None,
        history=[
            StatusChangeView(h.from_status, h.to_status, h.actor, h.notes, h.at)
            for h in await projects.history(db_session, row.id)
        ],
    )


class ProjectsController(Controller):
    path = "/api/v1/t/{slug:str}/projects"
    tags = ["project pool"]

    @requires(Permission.PROJECTS_DRAFT)
    @post("/", status_code=201, responses=problems(409))
    async def create(self, access: TenantScope, data: NewProject, db_session: AsyncSession) -> ProjectDetail:
        """Put a project into the pool, merging suggestions into it; 409 if one is already merged or declined.
        Its ``year`` (实施年度) defaults to the year the current collection is for (``/collection-year``)."""
        user = access.user
        hooks = access.hooks
        fields = {name: getattr(data, name) for name in NewProject.__struct_fields__ if name != "suggestion_ids"}
        draft = projects.ProjectDraft(**{**fields, "budget": _money(data.budget)})
        row = await projects.create(db_session, draft, hooks, actor=user.username, suggestion_ids=data.suggestion_ids)
        return await project_detail(db_session, row)

    @requires(Permission.PROJECTS_READ)
    @get("/")
    async def pool(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
        status: Annotated[StatusName | None, QueryParameter(name="status")] = None,
        category: Annotated[str | None, QueryParameter(name="category", max_length=50)] = None,
        year: YearFilter = None,
        q: Annotated[
            str | None, QueryParameter(name="q", max_length=200, description="Search title and content")
        ] = None,
    ) -> Page[ProjectView]:
        """The project pool with each project's supporters (suggestions merged into it)."""
        where = projects.PoolFilter(status, category, year, q)
        rows, total = await pool_page(db_session, where, page=page, per_page=per_page)
        return Page(items=[project_view(r, r.supporters) for r in rows], total=total)

    @requires(Permission.PROJECTS_READ)
    @get(
        "/export.xlsx",
        media_type=XLSX,
        responses={
            200: ResponseSpec(
                data_container=bytes,
                media_type=XLSX,
                description="The pool as an Excel workbook",
                generate_examples=False,
            )
        },
    )
    async def export(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        status: Annotated[StatusName | None, QueryParameter(name="status")] = None,
        year: YearFilter = None,
    ) -> Response[bytes]:
        """The project pool as an Excel workbook: one row per project with supporters, status and budget."""
        hooks = access.hooks
        return Response(
            await export_pool(db_session, hooks, status=status, year=year),
            media_type=XLSX,
            headers={"Content-Disposition": EXPORT_DISPOSITION},
        )

    @requires(Permission.PROJECTS_READ)
    @get("/{project_id:uuid}")
    async def detail(self, access: TenantScope, project_id: uuid.UUID, db_session: AsyncSession) -> ProjectDetail:
        """A project with its supporters, the suggestions behind it, its screening and status history."""
        return await project_detail(db_session, await projects.get(db_session, project_id))

    @requires(Permission.PROJECTS_DRAFT)
    @patch("/{project_id:uuid}")
    async def change(
        self, access: TenantScope, project_id: uuid.UUID, data: ProjectChanges, db_session: AsyncSession
    ) -> ProjectDetail:
        """Change the project's fields (target, location, budget, funding source, unit, deadline, extra ...)
        and its year (实施年度) while it is on no fixed candidate list; the audit chain keeps the old and new
        values. Once the congress chose the project, only an approved amendment (``adjustment_id``) changes
        it (409 otherwise: the outcome of the vote binds)."""
        user = access.user
        changes: dict[str, Any] = {
            name: value
            for name in ProjectChanges.__struct_fields__
            if name != "adjustment_id" and (value := getattr(data, name)) is not msgspec.UNSET
        }
        if "budget" in changes:
            changes["budget"] = _money(changes["budget"])
        for name in ("title", "content", "category"):
            if changes.get(name) is None:
                changes.pop(name, None)
        hooks = access.hooks
        row = await projects.update(
            db_session, project_id, changes, hooks, actor=user.username, adjustment_id=data.adjustment_id
        )
        return await project_detail(db_session, row)

    @requires(Permission.PROJECTS_DRAFT)
    @post("/{project_id:uuid}/suggestions", status_code=200, responses=problems(409))
    async def merge(
        self, access: TenantScope, project_id: uuid.UUID, data: SuggestionIds, db_session: AsyncSession
    ) -> ProjectDetail:
        """Merge more suggestions into the project; 409 if one is already merged or declined."""
        user = access.user
        row = await projects.merge(db_session, project_id, data.suggestion_ids, actor=user.username)
        return await project_detail(db_session, row)

    @requires(Permission.PROJECTS_DRAFT)
    @delete("/{project_id:uuid}/suggestions/{suggestion_id:uuid}", status_code=200)
    async def unmerge(
        self, access: TenantScope, project_id: uuid.UUID, suggestion_id: uuid.UUID, db_session: AsyncSession
    ) -> ProjectDetail:
        """Take a suggestion out of the project; it waits in the inbox again."""
        user = access.user
        row = await projects.unmerge(db_session, project_id, suggestion_id, actor=user.username)
        return await project_detail(db_session, row)

    @requires(Permission.PROJECTS_SCREEN)
    @post("/{project_id:uuid}/screening", status_code=200)
    async def screen(
        self, access: TenantScope, project_id: uuid.UUID, data: NewScreening, db_session: AsyncSession
    ) -> ScreeningView:
        """The government's screening; 422 with the plugin's reason when screening in is refused, 409 for a
        project the congress chose (it is not screened again)."""
        user = access.user
        hooks = access.hooks
        draft = projects.ScreeningDraft(**{name: getattr(data, name) for name in NewScreening.__struct_fields__})
        row = await projects.screen(db_session, project_id, draft, hooks, actor=user.username)
        return screening_view(row, draft.decision)


def candidate_list_view(
    state: candidates.CandidateListState, counts: dict[uuid.UUID, int], locale: str
) -> CandidateListView:
    verdict = state.verdict
    return CandidateListView(
        year=state.row.year,
        planned_seats=state.row.planned_seats,
        status=state.row.status,
        candidates=[
            CandidateView(p.id, p.title, p.category, counts.get(p.id, 0), index + 1)
            for index, p in enumerate(state.projects)
        ],
        margin=MarginView(
            allowed=verdict.allowed,
            reason=translate(verdict.reason.message, locale, **verdict.reason.params) if verdict.reason else None,
            minimum=verdict.minimum,
            maximum=verdict.maximum,
            no_margin_allowed=verdict.no_margin_allowed,
        ),
        fixed_by=state.row.fixed_by,
        fixed_at=state.row.fixed_at,
    )


YearParam = Parameter(ge=2000, le=2100)


class CollectionYearController(Controller):
    path = "/api/v1/t/{slug:str}/collection-year"
    tags = ["project pool"]

    @requires(Permission.PROJECTS_READ)
    @get("/")
    async def show(self, access: TenantScope, db_session: AsyncSession) -> CollectionYearView:
        """The year (实施年度) the office's current collection is for (this year until staff choose)."""
        return CollectionYearView(year=await projects.collection_year_of(db_session))

    @requires(Permission.SUGGESTIONS_HANDLE)
    @put("/")
    async def choose(self, access: TenantScope, data: CollectionYearIn, db_session: AsyncSession) -> CollectionYearView:
        """Staff state the year the current collection is for (collection for 2027 runs in late 2026):
        projects drafted from now on are carried out in it."""
        year = await projects.choose_collection_year(db_session, data.year, actor=access.user.username)
        return CollectionYearView(year=year)


class CandidateListsController(Controller):
    path = "/api/v1/t/{slug:str}/candidate-lists/{year:int}"
    tags = ["project pool"]

    async def _answer(
        self, db_session: AsyncSession, state: candidates.CandidateListState, request: Request[Any, Any, Any]
    ) -> CandidateListView:
        counts = await projects.supporters(db_session, [p.id for p in state.projects])
        return candidate_list_view(state, counts, request_locale(request))

    @requires(Permission.CANDIDATES_PREPARE)
    @put("/", responses=problems(409))
    async def save(
        self,
        access: TenantScope,
        data: CandidateListRequest,
        db_session: AsyncSession,
        request: Request[Any, Any, Any],
        year: int = YearParam,
    ) -> CandidateListView:
        """Save the draft list (screened-in projects only) and show the margin rule's verdict on it."""
        user = access.user
        hooks = access.hooks
        state = await candidates.save_draft(
            db_session, year, data.planned_seats, data.project_ids, hooks, actor=user.username
        )
        return await self._answer(db_session, state, request)

    @requires(Permission.PROJECTS_READ)
    @get("/")
    async def show(
        self, access: TenantScope, db_session: AsyncSession, request: Request[Any, Any, Any], year: int = YearParam
    ) -> CandidateListView:
        """The year's candidate list with the margin rule's verdict."""
        hooks = access.hooks
        return await self._answer(db_session, await candidates.get(db_session, year, hooks), request)

    @requires(Permission.CANDIDATES_FIX)
    @post("/fix", status_code=200, responses=problems(409))
    async def fix(
        self, access: TenantScope, db_session: AsyncSession, request: Request[Any, Any, Any], year: int = YearParam
    ) -> CandidateListView:
        """Fix the list; 422 naming ``margin_rule`` unless the tenant's margin rule allows it."""
        user = access.user
        hooks = access.hooks
        return await self._answer(
            db_session, await candidates.fix(db_session, year, hooks, actor=user.username), request
        )
