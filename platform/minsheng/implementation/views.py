"""Rows to API shapes (shared by the API controllers and the staff pages)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.implementation import overview, plans, progress
from minsheng.implementation.models import Adjustment, DeadlineAlert, ProgressReport, QuarterlyMeeting, WorkPlan
from minsheng.implementation.schemas import (
    AdjustmentView,
    AlertView,
    ImplementationView,
    MeetingView,
    MilestoneView,
    ProgressView,
    StatisticsView,
    WorkPlanView,
)


async def work_plan_view(session: AsyncSession, plan: WorkPlan, due: date) -> WorkPlanView:
    milestones = await plans.milestones_of(session, plan.project_id)
    return WorkPlanView(
        project_id=plan.project_id,
        responsible_unit=plan.responsible_unit,
        targets=plan.targets,
        budget=float(plan.budget),
        funding_source=plan.funding_source,
        deadline=plan.deadline,
        safeguards=plan.safeguards,
        milestones=[MilestoneView(m.id, m.title, m.due) for m in milestones],
        filed_by=plan.filed_by,
        filed_on=plan.filed_on,
        due=due,
        filed_late=plan.filed_on > due,
    )


async def progress_views(session: AsyncSession, rows: Sequence[ProgressReport]) -> list[ProgressView]:
    photos = await progress.photos_of(session, [r.id for r in rows])
    return [
        ProgressView(
            id=r.id,
            project_id=r.project_id,
            milestone_id=r.milestone_id,
            year=r.year,
            quarter=r.quarter,
            spent=float(r.spent),
            percent_done=r.percent_done,
            text=r.text,
            public=r.public,
            photo_ids=photos.get(r.id, []),
            reported_by=r.reported_by,
            reported_on=r.reported_on,
            created_at=r.created_at,
        )
        for r in rows
    ]


def meeting_view(row: QuarterlyMeeting) -> MeetingView:
    return MeetingView(
        id=row.id,
        year=row.year,
        quarter=row.quarter,
        held_on=row.held_on,
        attendees=list(row.attendees),
        conclusions=row.conclusions,
        project_ids=list(row.project_ids),
        recorded_by=row.recorded_by,
    )


def adjustment_view(row: Adjustment) -> AdjustmentView:
    return AdjustmentView(
        **{name: getattr(row, name) for name in AdjustmentView.__struct_fields__},
    )


def implementation_view(state: overview.ProjectState) -> ImplementationView:
    project = state.chosen.project
    return ImplementationView(
        project_id=project.id,
        title=project.title,
        category=project.category,
        vote_day=state.chosen.vote_day,
        rank=state.chosen.rank,
        status=state.status,
        plan_due=state.plan_due,
        plan_filed=state.plan is not None,
        plan_filed_late=state.plan_filed_late,
        deadline=state.deadline,
        budget=float(state.budget),
        spent=float(state.spent),
        percent_done=state.percent_done,
        terminated=state.terminated,
    )


def statistics_view(states: Sequence[overview.ProjectState]) -> StatisticsView:
    figures = overview.statistics(states)
    return StatisticsView(
        projects=figures.projects,
        completed=figures.completed,
        budget=float(figures.budget),
        spent=float(figures.spent),
        average_percent=figures.average_percent,
        terminated=figures.terminated,
    )


def alert_view(row: DeadlineAlert) -> AlertView:
    return AlertView(row.id, row.project_id, row.subject, row.period, row.stage, row.due, row.raised_at)
