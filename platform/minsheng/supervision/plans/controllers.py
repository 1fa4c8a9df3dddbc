"""API routes of the supervision plan, its groups, the methods offered, and supervision records."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.http.openapi import problems
from minsheng.http.pagination import Page, PageParam, PerPageParam, YearFilter
from minsheng.http.problems import request_locale
from minsheng.http.scope import TenantScope, requires
from minsheng.i18n import msgid, translate
from minsheng.permissions import Permission
from minsheng.projects.models import Project
from minsheng.supervision.models import SupervisionGroup, SupervisionPlan, SupervisionRecord
from minsheng.supervision.plans import services as plans
from minsheng.supervision.records import services as records
from minsheng.supervision.schemas import (
    CoverageView,
    Created,
    GroupView,
    MethodFieldView,
    MethodView,
    NewGroup,
    NewPlan,
    NewRecord,
    PlanView,
    ProjectBrief,
    RecordView,
)

# The built-in methods' labels and fields (``plugins/rules/catalogs.py``), marked for the catalog.
BUILTIN_LABELS = (
    msgid("Inspection"),
    msgid("Special deliberation"),
    msgid("Special inquiry"),
    msgid("Follow-up review"),
    msgid("Quarterly progress meeting"),
    msgid("Date held"),
    msgid("Places visited"),
    msgid("Participants"),
    msgid("Findings"),
    msgid("Problems to follow up"),
    msgid("Deliberation opinions"),
    msgid("Questions and answers"),
    msgid("Percent done"),
    msgid("Funds spent (yuan)"),
)


def project_brief(project: Project) -> ProjectBrief:
    return ProjectBrief(
        id=project.id,
        title=project.title,
        year=project.year,
        category=project.category,
        responsible_unit=project.responsible_unit,
    )


async def plan_view(db_session: AsyncSession, plan: SupervisionPlan, *, with_groups: bool) -> PlanView:
    groups: list[SupervisionGroup] = await plans.groups_of(db_session, plan.id) if with_groups else []
    leaders = await plans.leader_names(db_session, [g.leader_user_id for g in groups if g.leader_user_id])
    titles = {p.id: p.title for p in await plans.chosen_projects(db_session)}
    return PlanView(
        id=plan.id,
        year=plan.year,
        title=plan.title,
        status=plan.status,
        created_by=plan.created_by,
        adopted_by=plan.adopted_by,
        adopted_at=plan.adopted_at,
        groups=[
            GroupView(
                id=g.id,
                project_id=g.project_id,
                project_title=titles.get(g.project_id, ""),
                name=g.name,
                leader=leaders.get(g.leader_user_id) if g.leader_user_id else None,
                deputy_ids=[uuid.UUID(d) for d in g.deputy_ids],
                methods=list(g.methods),
            )
            for g in groups
        ],
    )


def record_view(record: SupervisionRecord, photos: list[uuid.UUID]) -> RecordView:
    return RecordView(
        id=record.id,
        project_id=record.project_id,
        method=record.method,
        fields=dict(record.fields),
        visits=list(record.visits),
        photo_ids=photos,
        recorded_by=record.recorded_by,
        created_at=record.created_at,
    )


class SupervisionController(Controller):
    path = "/api/v1/t/{slug:str}/supervision"
    tags = ["supervision"]

    @requires(Permission.SUPERVISION_READ)
    @get("/methods")
    async def methods(
        self, access: TenantScope, db_session: AsyncSession, request: Request[Any, Any, Any]
    ) -> list[MethodView]:
        """The supervision methods the tenant's plugins offer, their record fields and whether required
        (labels in the caller's language)."""
        locale = request_locale(request)
        return [
            MethodView(
                code=m.code,
                label=translate(m.label, locale),
                required=m.required,
                fields=[
                    MethodFieldView(f.code, translate(f.label, locale), dict(f.schema), f.required) for f in m.fields
                ],
            )
            for m in records.tenant_methods(access.hooks).values()
        ]

    @requires(Permission.SUPERVISION_READ)
    @get("/chosen-projects")
    async def chosen(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        year: YearFilter = None,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
    ) -> Page[ProjectBrief]:
        """The projects a closed voting round chose (those that may be supervised), by title."""
        found = await plans.chosen_projects(db_session, year=year)
        start = (page - 1) * per_page
        return Page(items=[project_brief(p) for p in found[start : start + per_page]], total=len(found))

    @requires(Permission.SUPERVISION_PLANS_PREPARE)
    @post("/plans", status_code=201, responses=problems(409))
    async def create_plan(self, access: TenantScope, data: NewPlan, db_session: AsyncSession) -> Created:
        """Draft the year's supervision plan (one per year; 409 for a second)."""
        user = access.user
        plan = await plans.create_plan(db_session, year=data.year, title=data.title, actor=user.username)
        return Created(id=plan.id)

    @requires(Permission.SUPERVISION_READ)
    @get("/plans")
    async def list_plans(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        year: YearFilter = None,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
    ) -> Page[PlanView]:
        """The tenant's supervision plans, newest year first."""
        rows, total = await plans.list_plans(db_session, page=page, per_page=per_page, year=year)
        return Page(items=[await plan_view(db_session, p, with_groups=False) for p in rows], total=total)

    @requires(Permission.SUPERVISION_READ)
    @get("/plans/{plan_id:uuid}")
    async def get_plan(self, access: TenantScope, plan_id: uuid.UUID, db_session: AsyncSession) -> PlanView:
        """A plan with its groups (who follows which project, by which methods)."""
        return await plan_view(db_session, await plans.get_plan(db_session, plan_id), with_groups=True)

    @requires(Permission.SUPERVISION_PLANS_PREPARE)
    @post("/plans/{plan_id:uuid}/groups", status_code=201, responses=problems(409))
    async def add_group(
        self, access: TenantScope, plan_id: uuid.UUID, data: NewGroup, db_session: AsyncSession
    ) -> Created:
        """Assign a presidium member and/or deputies to a chosen project of the plan's year (点对点)."""
        user = access.user
        group = await plans.add_group(
            db_session,
            plan_id,
            project_id=data.project_id,
            name=data.name,
            leader=data.leader,
            deputies=data.deputy_ids,
            methods=data.methods,
            actor=user.username,
            hooks=access.hooks,
        )
        return Created(id=group.id)

    @requires(Permission.SUPERVISION_PLANS_ADOPT)
    @post("/plans/{plan_id:uuid}/adopt", status_code=200, responses=problems(409))
    async def adopt(self, access: TenantScope, plan_id: uuid.UUID, db_session: AsyncSession) -> PlanView:
        """Adopt the plan (the standing committee's decision; in a township the presidium's); 409 when
        adopted already or without groups."""
        user = access.user
        plan = await plans.adopt_plan(db_session, plan_id, actor=user.username)
        return await plan_view(db_session, plan, with_groups=True)


class SupervisionRecordsController(Controller):
    path = "/api/v1/t/{slug:str}/projects/{project_id:uuid}"
    tags = ["supervision"]

    @requires(Permission.SUPERVISION_RECORDS_FILE)
    @post("/supervision-records", status_code=201, responses=problems(409))
    async def add_record(
        self, access: TenantScope, project_id: uuid.UUID, data: NewRecord, db_session: AsyncSession
    ) -> RecordView:
        """Record a supervision activity: ``fields`` checked against the method's schemas (422 naming
        each wrong field), visits, and photos (image files uploaded through ``/files``)."""
        user = access.user
        record = await records.add_record(
            db_session,
            project_id,
            method=data.method,
            fields=data.fields,
            visits=[records.Visit(v.place, v.visited_on, v.notes) for v in data.visits],
            photo_ids=data.photo_ids,
            actor=user.username,
            hooks=access.hooks,
        )
        return record_view(record, list(dict.fromkeys(data.photo_ids)))

    @requires(Permission.SUPERVISION_READ)
    @get("/supervision-records")
    async def list_records(
        self,
        access: TenantScope,
        project_id: uuid.UUID,
        db_session: AsyncSession,
        method: Annotated[str | None, QueryParameter(name="method", max_length=50)] = None,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
    ) -> Page[RecordView]:
        """The project's supervision records, newest first; ``method`` filters."""
        rows, total = await records.list_records(db_session, project_id, page=page, per_page=per_page, method=method)
        photos = await records.photos_of(db_session, [r.id for r in rows])
        return Page(items=[record_view(r, photos.get(r.id, [])) for r in rows], total=total)

    @requires(Permission.SUPERVISION_READ)
    @get("/supervision")
    async def coverage(self, access: TenantScope, project_id: uuid.UUID, db_session: AsyncSession) -> CoverageView:
        """The methods required for the project (plugins' and plan's), those done, and those still missing."""
        found = await records.coverage(db_session, project_id, hooks=access.hooks)
        return CoverageView(
            project_id=project_id, required=list(found.required), done=list(found.done), missing=list(found.missing)
        )
