"""The completion report (完成情况报告) the government gives the next session on the year's projects:
each project's plan, progress, spending, adjustments and satisfaction outcome, with the totals.

It covers the latest year in which the congress chose projects; dates come from the data only.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.documents.kinds import DocumentKind
from minsheng.documents.wording import chinese_date, ten_thousand_yuan
from minsheng.errors import Conflict
from minsheng.implementation import adjustments, chosen, overview, progress
from minsheng.implementation.evaluation_outcomes import latest_outcome
from minsheng.implementation.models import Adjustment
from minsheng.plugins.tenant import TenantView

TEMPLATES = Path(__file__).resolve().parent / "document_templates"
STATUS_WORDS = {
    "awaiting_plan": "尚未报送工作方案",
    "planned": "已制定工作方案，尚未报告进度",
    "in_progress": "正在实施",
    "completed": "已完成",
    "terminated": "经决定终止",
}
KIND_WORDS = {"amend": "调整", "postpone": "暂缓", "terminate": "终止"}
DECISION_WORDS = {"approved": "批准", "rejected": "不予批准", "proposed": "待决定"}
OUTCOME_WORDS = {"satisfied": "满意", "basically_satisfied": "基本满意", "unsatisfied": "不满意"}


def _adjustment(row: Adjustment) -> dict[str, Any]:
    return {
        "kind": KIND_WORDS.get(row.kind, row.kind),
        "decision": DECISION_WORDS.get(row.status, row.status),
        "reason": row.reason,
        "decided_on": chinese_date(row.decided_at),
        "notice": row.notice,
    }


async def completion_report_context(
    session: AsyncSession, tenant: TenantView, subject_id: uuid.UUID | None
) -> dict[str, Any]:
    """完成情况报告: every chosen project of the latest vote year, and the statistics without terminated ones."""
    choices = await chosen.chosen_projects(session)
    if not choices:
        raise Conflict("No project has been chosen by a vote yet")
    year = max(c.vote_day.year for c in choices)
    states = await overview.states(session, [c for c in choices if c.vote_day.year == year])
    decided, _ = await adjustments.list_adjustments(
        session, adjustments.AdjustmentFilter(decided_only=True), page=1, per_page=None
    )
    by_project: dict[uuid.UUID, list[Adjustment]] = {}
    for row in sorted(decided, key=lambda r: (r.decided_at or r.created_at, str(r.id))):
        by_project.setdefault(row.project_id, []).append(row)
    items = []
    days = [c.vote_day for c in choices if c.vote_day.year == year]
    for state in states:
        project = state.chosen.project
        evaluation = await latest_outcome(session, project.id)
        latest = state.latest
        if latest is not None:
            days.append(latest.reported_on)
        items.append(
            {
                "title": project.title,
                "rank": state.chosen.rank,
                "responsible_unit": state.plan.responsible_unit if state.plan else project.responsible_unit,
                "targets": state.plan.targets if state.plan else project.target,
                "budget": ten_thousand_yuan(state.budget),
                "spent": ten_thousand_yuan(state.spent),
                "percent_done": state.percent_done,
                "status": STATUS_WORDS[state.status],
                "terminated": state.terminated,
                "deadline": chinese_date(state.deadline),
                "plan_filed_on": chinese_date(state.plan.filed_on) if state.plan else "",
                "plan_late": state.plan_filed_late,
                "latest_progress": latest.text if latest else "",
                "adjustments": [_adjustment(a) for a in by_project.get(project.id, [])],
                "evaluation": OUTCOME_WORDS.get(evaluation.outcome, evaluation.outcome) if evaluation else "",
            }
        )
    meetings, _ = await progress.list_meetings(session, year=year, page=1, per_page=100)
    days.extend(m.held_on for m in meetings)
    figures = overview.statistics(states)
    closing = max(days)
    return {
        "year": year,
        "projects": items,
        "statistics": {
            "projects": figures.projects,
            "completed": figures.completed,
            "terminated": figures.terminated,
            "budget": ten_thousand_yuan(figures.budget),
            "spent": ten_thousand_yuan(figures.spent),
            "average_percent": figures.average_percent,
        },
        "meetings": [
            {"held_on": chinese_date(m.held_on), "quarter": m.quarter, "conclusions": m.conclusions}
            for m in sorted(meetings, key=lambda m: (m.held_on, str(m.id)))
        ],
        "closing_date": chinese_date(closing),
        "document_date": closing.isoformat(),
    }


#: The kinds of this context, for its registration list (``wiring.py``).
KINDS: list[DocumentKind] = []
KINDS.append(
    DocumentKind(
        code="completion_report",
        label="完成情况报告",
        formats=("pdf", "docx"),
        build_context=completion_report_context,
        template_dir=TEMPLATES,
        default_template="completion_report.md.j2",
        subject_required=False,
        roles=("tenant_admin", "presidium", "government"),
    )
)
