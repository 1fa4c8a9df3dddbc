"""Portal data to JSON shapes (used by the JSON API and, as the same dicts, by the phone pages)."""

from __future__ import annotations

import dataclasses
import uuid
from zoneinfo import ZoneInfo

from minsheng import clock
from minsheng.implementation import overview, rules
from minsheng.implementation.evaluation_outcomes import EvaluationOutcome
from minsheng.implementation.models import Adjustment, Milestone, WorkPlan
from minsheng.portal.schemas import (
    EvaluationView,
    PublicCandidate,
    PublicDecision,
    PublicDocumentView,
    PublicMilestone,
    PublicPlan,
    PublicProgress,
    PublicProjectDetail,
    PublicProjectView,
    PublicResultView,
    PublicStatistics,
)
from minsheng.portal.services import PublicDocument, PublicProject, PublicResult


def photo_url(slug: str, file_id: uuid.UUID) -> str:
    return f"/api/v1/t/{slug}/public/photos/{file_id}"


def document_view(slug: str, document: PublicDocument) -> PublicDocumentView:
    return PublicDocumentView(**dataclasses.asdict(document), url=f"/api/v1/t/{slug}/public/documents/{document.id}")


def project_view(state: overview.ProjectState, evaluation: EvaluationOutcome | None = None) -> PublicProjectView:
    project = state.chosen.project
    return PublicProjectView(
        id=project.id,
        title=project.title,
        category=project.category,
        content=project.content,
        target=project.target,
        location=project.location,
        vote_day=state.chosen.vote_day,
        rank=state.chosen.rank,
        status=state.status,
        percent_done=state.percent_done,
        budget=float(state.budget),
        spent=float(state.spent),
        deadline=state.deadline,
        terminated=state.terminated,
        evaluation=EvaluationView(evaluation.outcome, evaluation.closed_on, evaluation.rectification_required)
        if evaluation
        else None,
    )


def statistics_view(states: list[overview.ProjectState]) -> PublicStatistics:
    figures = overview.statistics(states)
    return PublicStatistics(
        figures.projects,
        figures.completed,
        float(figures.budget),
        float(figures.spent),
        figures.average_percent,
        figures.terminated,
    )


def decision_view(row: Adjustment, tz: ZoneInfo) -> PublicDecision:
    """A decided adjustment, dated on its day in the tenant's zone ``tz``."""
    decided_on = clock.local_day(row.decided_at, tz) if row.decided_at else None
    return PublicDecision(row.kind, row.status, decided_on, row.notice)


def plan_view(plan: WorkPlan | None, milestones: list[Milestone]) -> PublicPlan | None:
    if plan is None:
        return None
    return PublicPlan(
        plan.responsible_unit,
        plan.targets,
        plan.funding_source,
        plan.deadline,
        [PublicMilestone(m.title, m.due) for m in milestones],
    )


def detail_view(slug: str, found: PublicProject, milestones: list[Milestone], tz: ZoneInfo) -> PublicProjectDetail:
    return PublicProjectDetail(
        project=project_view(found.state, found.evaluation),
        plan=plan_view(found.state.plan, milestones),
        progress=[
            PublicProgress(
                period=rules.period_label(r.year, r.quarter),
                percent_done=r.percent_done,
                spent=float(r.spent),
                text=r.text,
                reported_on=r.reported_on,
                photos=[photo_url(slug, f) for f in found.photos.get(r.id, [])],
            )
            for r in found.reports
        ],
        decisions=[decision_view(d, tz) for d in found.decisions],
        evaluations=found.history,
    )


def result_view(result: PublicResult) -> PublicResultView:
    return PublicResultView(
        round_id=result.round_id,
        title=result.title,
        voted_on=result.voted_on,
        status=result.status,
        **result.figures,
        candidates=[PublicCandidate(**c) for c in result.candidates],
    )
