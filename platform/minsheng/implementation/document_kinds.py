"""Documents of the government (人民政府 signs them) on the year's chosen projects:

- the completion report (完成情况报告) to the next session: each project's plan, progress, spending,
  adjustments and its whole satisfaction record (an "unsatisfied" evaluation and its rectification
  stay on it after a satisfied re-evaluation), with the totals;
- the year's work plans (工作方案汇编): every chosen project's plan, its targets, funds, deadline,
  milestones and safeguards.

Both cover the latest year in which the congress chose projects; dates come from the data only.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.documents.kinds import DocumentKind
from minsheng.documents.wording import chinese_date, issuing_bodies, sentence, ten_thousand_yuan
from minsheng.errors import Conflict
from minsheng.implementation import adjustments, chosen, overview, plans, progress
from minsheng.implementation.chosen import ChosenProject
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


def _adjustment(row: Adjustment) -> dict[str, Any]:
    return {
        "kind": KIND_WORDS.get(row.kind, row.kind),
        "decision": DECISION_WORDS.get(row.status, row.status),
        "reason": row.reason,
        "decided_on": chinese_date(row.decided_at),
        "notice": row.notice,
    }


async def _latest_year(session: AsyncSession) -> tuple[int, list[ChosenProject]]:
    """The latest year in which the congress chose projects, and the projects chosen in it."""
    choices = await chosen.chosen_projects(session)
    if not choices:
        raise Conflict("No project has been chosen by a vote yet")
    year = max(c.vote_day.year for c in choices)
    return year, [c for c in choices if c.vote_day.year == year]


async def _evaluation_record(session: AsyncSession, project_id: uuid.UUID) -> list[dict[str, Any]]:
    # Imported here: supervision reads implementation's services too (work plans for its plan).
    from minsheng.supervision.document_kinds import evaluation_record

    return await evaluation_record(session, project_id)


def _evaluation_summary(record: list[dict[str, Any]]) -> str:
    """The whole record in a few words: "不满意（2026年6月1日），整改后再次测评：满意（…）"."""
    words: list[str] = []
    for step in record:
        word = f"{step['outcome_word']}（{step['closed_on']}）"
        words.append(word if not words else f"整改后再次测评：{word}")
    return "，".join(words)


async def completion_report_context(
    session: AsyncSession, tenant: TenantView, subject_id: uuid.UUID | None
) -> dict[str, Any]:
    """完成情况报告: every chosen project of the latest vote year, and the statistics without terminated ones."""
    year, of_year = await _latest_year(session)
    states = await overview.states(session, of_year)
    decided, _ = await adjustments.list_adjustments(
        session, adjustments.AdjustmentFilter(decided_only=True), page=1, per_page=None
    )
    by_project: dict[uuid.UUID, list[Adjustment]] = {}
    for row in sorted(decided, key=lambda r: (r.decided_at or r.created_at, str(r.id))):
        by_project.setdefault(row.project_id, []).append(row)
    items = []
    days = [c.vote_day for c in of_year]
    for state in states:
        project = state.chosen.project
        record = await _evaluation_record(session, project.id)
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
                "latest_progress": sentence(latest.text) if latest else "",
                "adjustments": [_adjustment(a) for a in by_project.get(project.id, [])],
                "evaluation": record[-1]["outcome_word"] if record else "",
                "evaluations": record,
                "evaluation_summary": _evaluation_summary(record),
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
        "issuer": issuing_bodies(tenant.name, tenant.level).government,
        "closing_date": chinese_date(closing),
        "document_date": closing.isoformat(),
    }


async def work_plans_context(session: AsyncSession, tenant: TenantView, subject_id: uuid.UUID | None) -> dict[str, Any]:
    """工作方案汇编: the work plan of every project chosen in the latest vote year, in rank order."""
    year, of_year = await _latest_year(session)
    items = []
    days = [c.vote_day for c in of_year]
    for choice in sorted(of_year, key=lambda c: (c.rank or 0, c.project.title)):
        project = choice.project
        plan = await plans.get_plan(session, project.id)
        milestones = await plans.milestones_of(session, project.id) if plan else []
        if plan is not None:
            days.append(plan.filed_on)
        items.append(
            {
                "title": project.title,
                "rank": choice.rank,
                "filed": plan is not None,
                "responsible_unit": plan.responsible_unit if plan else (project.responsible_unit or ""),
                "targets": sentence(plan.targets) if plan else "",
                "budget": ten_thousand_yuan(plan.budget if plan else project.budget),
                "funding_source": plan.funding_source if plan else (project.funding_source or ""),
                "deadline": chinese_date(plan.deadline) if plan else "",
                "safeguards": sentence(plan.safeguards) if plan and plan.safeguards else "",
                "filed_on": chinese_date(plan.filed_on) if plan else "",
                "milestones": [{"title": m.title, "due": chinese_date(m.due)} for m in milestones],
            }
        )
    closing = max(days)
    return {
        "year": year,
        "vote_day": chinese_date(min(c.vote_day for c in of_year)),
        "projects": items,
        "filed": sum(1 for item in items if item["filed"]),
        "issuer": issuing_bodies(tenant.name, tenant.level).government,
        "closing_date": chinese_date(closing),
        "document_date": closing.isoformat(),
    }


#: The kinds of this context, for its registration list (``wiring.py``).
KINDS: list[DocumentKind] = [
    DocumentKind(
        code=code,
        label=label,
        formats=("pdf", "docx"),
        build_context=builder,
        template_dir=TEMPLATES,
        default_template=f"{code}.md.j2",
    )
    for code, label, builder in (
        ("completion_report", "完成情况报告", completion_report_context),
        ("work_plans", "民生实事项目工作方案汇编", work_plans_context),
    )
]
