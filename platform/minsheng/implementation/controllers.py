"""API routes of implementation: work plans, progress, quarterly meetings, adjustments, deadlines.

The government files (work plans, progress, meetings, proposals); the presidium or the tenant's
staff decide adjustments; every member reads. Every change is audited by the services.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Literal

from litestar import Controller, get, post, put
from litestar.di import Provide
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.errors import NotFound
from minsheng.http.dependencies import TenantAccess, provide_tenant_access
from minsheng.http.openapi import problems
from minsheng.http.pagination import Page, PageParam, PerPageParam, YearFilter
from minsheng.implementation import adjustments, chosen, deadlines, overview, plans, progress, rules
from minsheng.implementation.schemas import (
    AdjustmentInput,
    AdjustmentView,
    AlertView,
    DecisionInput,
    ImplementationList,
    MeetingInput,
    MeetingView,
    ProgressInput,
    ProgressView,
    SessionReportInput,
    SessionReportView,
    WorkPlanInput,
    WorkPlanView,
)
from minsheng.implementation.views import (
    adjustment_view,
    alert_view,
    implementation_view,
    meeting_view,
    progress_views,
    statistics_view,
    work_plan_view,
)

READERS = ("tenant_admin", "presidium", "government", "deputy")
FILERS = ("government",)
DECIDERS = ("presidium", "tenant_admin")
MEETING_CLERKS = ("government", "tenant_admin")


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def plan_draft(data: WorkPlanInput) -> plans.WorkPlanDraft:
    return plans.WorkPlanDraft(
        responsible_unit=data.responsible_unit,
        targets=data.targets,
        budget=_money(data.budget),
        funding_source=data.funding_source,
        deadline=data.deadline,
        safeguards=data.safeguards,
        milestones=[plans.MilestoneDraft(m.title, m.due) for m in data.milestones],
    )


async def _plan_view(db_session: AsyncSession, project_id: uuid.UUID) -> WorkPlanView:
    choice = await chosen.get_chosen(db_session, project_id)
    plan = await plans.get_plan(db_session, project_id)
    if plan is None:
        raise NotFound("Project «{title}» has no work plan yet", title=choice.project.title)
    return await work_plan_view(db_session, plan, rules.work_plan_due(choice.vote_day))


class ImplementationController(Controller):
    path = "/api/v1/t/{slug:str}"
    tags = ["implementation"]
    dependencies = {"access": Provide(provide_tenant_access)}

    @get("/implementation")
    async def projects(
        self,
        access: TenantAccess,
        db_session: AsyncSession,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
        year: YearFilter = None,
        status: Annotated[
            Literal["awaiting_plan", "planned", "in_progress", "completed", "terminated"] | None,
            QueryParameter(name="status"),
        ] = None,
        q: Annotated[str | None, QueryParameter(name="q", max_length=200, description="Search the titles")] = None,
    ) -> ImplementationList:
        """The chosen projects with their plan, progress and status, and statistics that leave
        terminated projects out."""
        access.require(*READERS)
        states = await overview.states(db_session, await chosen.chosen_projects(db_session, year))
        statistics = statistics_view(states)
        if status:
            states = [s for s in states if s.status == status]
        if q:
            states = [s for s in states if q.strip() in s.chosen.project.title]
        shown = states[(page - 1) * per_page : page * per_page]
        return ImplementationList([implementation_view(s) for s in shown], len(states), statistics)

    @get("/projects/{project_id:uuid}/work-plan", responses=problems(409))
    async def work_plan(self, access: TenantAccess, project_id: uuid.UUID, db_session: AsyncSession) -> WorkPlanView:
        """A chosen project's work plan, with the day it was due and whether it came late."""
        access.require(*READERS)
        return await _plan_view(db_session, project_id)

    @post("/projects/{project_id:uuid}/work-plan", status_code=201, responses=problems(409))
    async def file_work_plan(
        self, access: TenantAccess, project_id: uuid.UUID, data: WorkPlanInput, db_session: AsyncSession
    ) -> WorkPlanView:
        """The government files the work plan (工作方案) of a chosen project; 409 if it has one."""
        user = access.require(*FILERS)
        await plans.file_plan(db_session, project_id, plan_draft(data), actor=user.username)
        return await _plan_view(db_session, project_id)

    @put("/projects/{project_id:uuid}/work-plan", responses=problems(409))
    async def change_work_plan(
        self, access: TenantAccess, project_id: uuid.UUID, data: WorkPlanInput, db_session: AsyncSession
    ) -> WorkPlanView:
        """The government changes a filed work plan."""
        user = access.require(*FILERS)
        await plans.change_plan(db_session, project_id, plan_draft(data), actor=user.username)
        return await _plan_view(db_session, project_id)

    @get("/projects/{project_id:uuid}/progress", responses=problems(409))
    async def progress_reports(
        self,
        access: TenantAccess,
        project_id: uuid.UUID,
        db_session: AsyncSession,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
    ) -> Page[ProgressView]:
        """A chosen project's progress reports, newest first."""
        access.require(*READERS)
        await chosen.get_chosen(db_session, project_id)
        rows, total = await progress.reports_of(db_session, project_id, page=page, per_page=per_page)
        return Page(items=await progress_views(db_session, rows), total=total)

    @post("/projects/{project_id:uuid}/progress", status_code=201, responses=problems(409))
    async def report_progress(
        self, access: TenantAccess, project_id: uuid.UUID, data: ProgressInput, db_session: AsyncSession
    ) -> ProgressView:
        """The government reports progress: money spent so far, percent done, text and uploaded photos."""
        user = access.require(*FILERS)
        draft = progress.ProgressDraft(
            spent=_money(data.spent),
            percent_done=data.percent_done,
            text=data.text,
            milestone_id=data.milestone_id,
            year=data.year,
            quarter=data.quarter,
            photo_ids=data.photo_ids,
            public=data.public,
        )
        row = await progress.report_progress(db_session, project_id, draft, actor=user.username)
        return (await progress_views(db_session, [row]))[0]

    @post("/projects/{project_id:uuid}/adjustments", status_code=201, responses=problems(409))
    async def propose_adjustment(
        self, access: TenantAccess, project_id: uuid.UUID, data: AdjustmentInput, db_session: AsyncSession
    ) -> AdjustmentView:
        """The government proposes to amend, postpone or terminate a chosen project."""
        user = access.require(*FILERS)
        draft = adjustments.AdjustmentDraft(data.kind, data.reason, data.proposal, data.new_deadline)
        row = await adjustments.propose(db_session, access.tenant, project_id, draft, actor=user.username)
        return adjustment_view(row)

    @get("/adjustments")
    async def adjustment_list(
        self,
        access: TenantAccess,
        db_session: AsyncSession,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
        status: Annotated[Literal["proposed", "approved", "rejected"] | None, QueryParameter(name="status")] = None,
        project_id: Annotated[uuid.UUID | None, QueryParameter(name="project_id")] = None,
        for_next_session: Annotated[
            bool, QueryParameter(name="for_next_session", description="Decided and not yet reported to a session")
        ] = False,
    ) -> Page[AdjustmentView]:
        """Adjustments, newest first; ``for_next_session`` lists those to report to the next session."""
        access.require(*READERS)
        where = adjustments.AdjustmentFilter(status, project_id, for_next_session)
        rows, total = await adjustments.list_adjustments(db_session, where, page=page, per_page=per_page)
        return Page(items=[adjustment_view(r) for r in rows], total=total)

    @post("/adjustments/reported-to-session", status_code=200)
    async def report_to_session(
        self, access: TenantAccess, data: SessionReportInput, db_session: AsyncSession
    ) -> SessionReportView:
        """Mark the decided adjustments not yet reported as reported to a congress session."""
        user = access.require("tenant_admin")
        count = await adjustments.report_to_session(db_session, data.session_id, actor=user.username)
        return SessionReportView(reported=count)

    @get("/adjustments/{adjustment_id:uuid}")
    async def adjustment(
        self, access: TenantAccess, adjustment_id: uuid.UUID, db_session: AsyncSession
    ) -> AdjustmentView:
        """One adjustment with its decision and notice."""
        access.require(*READERS)
        return adjustment_view(await adjustments.get(db_session, adjustment_id))

    @post("/adjustments/{adjustment_id:uuid}/decision", status_code=200, responses=problems(409))
    async def decide_adjustment(
        self, access: TenantAccess, adjustment_id: uuid.UUID, data: DecisionInput, db_session: AsyncSession
    ) -> AdjustmentView:
        """The presidium (township) or standing committee (county) approves or rejects; a notice is published."""
        user = access.require(*DECIDERS)
        row = await adjustments.decide(
            db_session, access.tenant, adjustment_id, data.decision, data.notes, actor=user.username
        )
        return adjustment_view(row)

    @get("/quarterly-meetings")
    async def meetings(
        self,
        access: TenantAccess,
        db_session: AsyncSession,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
        year: YearFilter = None,
    ) -> Page[MeetingView]:
        """Quarterly meetings (季度例会), latest first."""
        access.require(*READERS)
        rows, total = await progress.list_meetings(db_session, year=year, page=page, per_page=per_page)
        return Page(items=[meeting_view(r) for r in rows], total=total)

    @post("/quarterly-meetings", status_code=201, responses=problems(409))
    async def record_meeting(self, access: TenantAccess, data: MeetingInput, db_session: AsyncSession) -> MeetingView:
        """Record a quarterly meeting: attendees and conclusions."""
        user = access.require(*MEETING_CLERKS)
        draft = progress.MeetingDraft(
            data.year, data.quarter, data.held_on, data.attendees, data.conclusions, data.project_ids
        )
        return meeting_view(await progress.record_meeting(db_session, draft, actor=user.username))

    @get("/deadline-alerts")
    async def alerts(
        self,
        access: TenantAccess,
        db_session: AsyncSession,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
        stage: Annotated[Literal["reminder", "overdue"] | None, QueryParameter(name="stage")] = None,
    ) -> Page[AlertView]:
        """Reminders and overdue flags the deadline job raised, latest first."""
        access.require(*READERS)
        rows = await deadlines.list_alerts(db_session, stage=stage)
        return Page(items=[alert_view(r) for r in rows[(page - 1) * per_page : page * per_page]], total=len(rows))
