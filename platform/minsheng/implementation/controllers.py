"""API routes of implementation: work plans, progress, quarterly meetings, adjustments, deadlines.

Who may do what is the permission table's (platform/docs/roles.md): the government files work plans
and progress and proposes adjustments; the standing committee (in a township the presidium) decides
them at a meeting; the presidium and the congress office record the quarterly meetings and report the
decisions to the next session; every member reads. Every change is audited by the services.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Literal

from litestar import Controller, get, post, put
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.errors import NotFound
from minsheng.http.openapi import problems
from minsheng.http.pagination import Page, PageParam, PerPageParam, YearFilter
from minsheng.http.scope import TenantScope, requires
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
from minsheng.permissions import Permission


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

    @requires(Permission.IMPLEMENTATION_READ)
    @get("/implementation")
    async def projects(
        self,
        access: TenantScope,
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
        states = await overview.states(db_session, await chosen.chosen_projects(db_session, year))
        statistics = statistics_view(states)
        if status:
            states = [s for s in states if s.status == status]
        if q:
            states = [s for s in states if q.strip() in s.chosen.project.title]
        shown = states[(page - 1) * per_page : page * per_page]
        return ImplementationList([implementation_view(s) for s in shown], len(states), statistics)

    @requires(Permission.IMPLEMENTATION_READ)
    @get("/projects/{project_id:uuid}/work-plan", responses=problems(409))
    async def work_plan(self, access: TenantScope, project_id: uuid.UUID, db_session: AsyncSession) -> WorkPlanView:
        """A chosen project's work plan, with the day it was due and whether it came late."""
        return await _plan_view(db_session, project_id)

    @requires(Permission.WORK_PLANS_FILE)
    @post("/projects/{project_id:uuid}/work-plan", status_code=201, responses=problems(409))
    async def file_work_plan(
        self, access: TenantScope, project_id: uuid.UUID, data: WorkPlanInput, db_session: AsyncSession
    ) -> WorkPlanView:
        """The government files the work plan (工作方案) of a chosen project; 409 if it has one."""
        user = access.user
        await plans.file_plan(db_session, project_id, plan_draft(data), actor=user.username)
        return await _plan_view(db_session, project_id)

    @requires(Permission.WORK_PLANS_FILE)
    @put("/projects/{project_id:uuid}/work-plan", responses=problems(409))
    async def change_work_plan(
        self, access: TenantScope, project_id: uuid.UUID, data: WorkPlanInput, db_session: AsyncSession
    ) -> WorkPlanView:
        """The government changes a filed work plan."""
        user = access.user
        await plans.change_plan(db_session, project_id, plan_draft(data), actor=user.username)
        return await _plan_view(db_session, project_id)

    @requires(Permission.IMPLEMENTATION_READ)
    @get("/projects/{project_id:uuid}/progress", responses=problems(409))
    async def progress_reports(
        self,
        access: TenantScope,
        project_id: uuid.UUID,
        db_session: AsyncSession,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
    ) -> Page[ProgressView]:
        """A chosen project's progress reports, newest first."""
        await chosen.get_chosen(db_session, project_id)
        rows, total = await progress.reports_of(db_session, project_id, page=page, per_page=per_page)
        return Page(items=await progress_views(db_session, rows), total=total)

    @requires(Permission.PROGRESS_REPORT)
    @post("/projects/{project_id:uuid}/progress", status_code=201, responses=problems(409))
    async def report_progress(
        self, access: TenantScope, project_id: uuid.UUID, data: ProgressInput, db_session: AsyncSession
    ) -> ProgressView:
        """The government reports progress: money spent so far, percent done, text and uploaded photos."""
        user = access.user
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

    @requires(Permission.ADJUSTMENTS_PROPOSE)
    @post("/projects/{project_id:uuid}/adjustments", status_code=201, responses=problems(409))
    async def propose_adjustment(
        self, access: TenantScope, project_id: uuid.UUID, data: AdjustmentInput, db_session: AsyncSession
    ) -> AdjustmentView:
        """The government proposes to amend, postpone or terminate a chosen project."""
        user = access.user
        draft = adjustments.AdjustmentDraft(data.kind, data.reason, data.proposal, data.new_deadline)
        row = await adjustments.propose(db_session, access.tenant, project_id, draft, actor=user.username)
        return adjustment_view(row)

    @requires(Permission.IMPLEMENTATION_READ)
    @get("/adjustments")
    async def adjustment_list(
        self,
        access: TenantScope,
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
        where = adjustments.AdjustmentFilter(status, project_id, for_next_session)
        rows, total = await adjustments.list_adjustments(db_session, where, page=page, per_page=per_page)
        return Page(items=[adjustment_view(r) for r in rows], total=total)

    @requires(Permission.ADJUSTMENTS_REPORT)
    @post("/adjustments/reported-to-session", status_code=200)
    async def report_to_session(
        self, access: TenantScope, data: SessionReportInput, db_session: AsyncSession
    ) -> SessionReportView:
        """Mark the decided adjustments not yet reported as reported to a congress session."""
        user = access.user
        count = await adjustments.report_to_session(db_session, data.session_id, actor=user.username)
        return SessionReportView(reported=count)

    @requires(Permission.IMPLEMENTATION_READ)
    @get("/adjustments/{adjustment_id:uuid}")
    async def adjustment(
        self, access: TenantScope, adjustment_id: uuid.UUID, db_session: AsyncSession
    ) -> AdjustmentView:
        """One adjustment with its decision and notice."""
        return adjustment_view(await adjustments.get(db_session, adjustment_id))

    @requires(Permission.ADJUSTMENTS_DECIDE)
    @post("/adjustments/{adjustment_id:uuid}/decision", status_code=200, responses=problems(409))
    async def decide_adjustment(
        self, access: TenantScope, adjustment_id: uuid.UUID, data: DecisionInput, db_session: AsyncSession
    ) -> AdjustmentView:
        """The standing committee (in a township the presidium) approves or rejects at a meeting, named with
        its date (422 without them); a notice is published."""
        user = access.user
        draft = adjustments.DecisionDraft(data.decision, data.meeting_name, data.meeting_date, data.notes)
        row = await adjustments.decide(
            db_session, access.tenant, adjustment_id, draft, actor=user.username, hooks=access.hooks
        )
        return adjustment_view(row)

    @requires(Permission.IMPLEMENTATION_READ)
    @get("/quarterly-meetings")
    async def meetings(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
        year: YearFilter = None,
    ) -> Page[MeetingView]:
        """Quarterly meetings (季度例会), latest first."""
        rows, total = await progress.list_meetings(db_session, year=year, page=page, per_page=per_page)
        return Page(items=[meeting_view(r) for r in rows], total=total)

    @requires(Permission.MEETINGS_RECORD)
    @post("/quarterly-meetings", status_code=201, responses=problems(409))
    async def record_meeting(self, access: TenantScope, data: MeetingInput, db_session: AsyncSession) -> MeetingView:
        """Record a quarterly meeting: attendees and conclusions."""
        user = access.user
        draft = progress.MeetingDraft(
            data.year, data.quarter, data.held_on, data.attendees, data.conclusions, data.project_ids
        )
        return meeting_view(await progress.record_meeting(db_session, draft, actor=user.username))

    @requires(Permission.DEADLINES_READ)
    @get("/deadline-alerts")
    async def alerts(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
        stage: Annotated[Literal["reminder", "overdue"] | None, QueryParameter(name="stage")] = None,
    ) -> Page[AlertView]:
        """Reminders and overdue flags the deadline job raised, latest first."""
        rows = await deadlines.list_alerts(db_session, stage=stage)
        return Page(items=[alert_view(r) for r in rows[(page - 1) * per_page : page * per_page]], total=len(rows))
