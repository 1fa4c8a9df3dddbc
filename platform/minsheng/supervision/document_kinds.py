"""Documents of supervision, each signed by the body that supervises between sessions (a county's
人大常委会, a township's 人大主席团):

- the inquiry record (专题询问记录): every question, who answered it, the answer, and every fix
  promised with its status, from one special inquiry;
- the supervision plan (监督计划): the year's projects, the group following each, its methods and the
  schedule (the work plan's milestones and deadline);
- the satisfaction report (满意度测评报告): an evaluation's counts and outcome with the project's whole
  record: every earlier evaluation, the rectification it called for and the re-evaluation.

Dates are the records' own, never "today".
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.models import User
from minsheng.collection.rules import china_day
from minsheng.congress.roster import services as roster
from minsheng.documents.kinds import DocumentKind
from minsheng.documents.wording import chinese_date, in_chinese, issuing_bodies, majority_of, sentence
from minsheng.errors import Conflict, InvalidInput, NotFound
from minsheng.implementation import plans as work_plans
from minsheng.plugins.manager import get_plugin_manager
from minsheng.plugins.tenant import TenantView
from minsheng.projects import services as projects
from minsheng.supervision.evaluations import services as evaluations
from minsheng.supervision.evaluations.history import EvaluationStep, project_history
from minsheng.supervision.inquiries import services as inquiries
from minsheng.supervision.models import (
    Commitment,
    CommitmentStatus,
    EvaluationStatus,
    RectificationStatus,
    SupervisionGroup,
)
from minsheng.supervision.plans import services as supervision_plans
from minsheng.supervision.records import services as records

TEMPLATES = Path(__file__).resolve().parent / "document_templates"
STATUS_WORDS = {CommitmentStatus.OPEN.value: "未办结", CommitmentStatus.CLOSED.value: "已办结"}


def _commitment(row: Commitment) -> dict[str, Any]:
    return {
        "content": row.content,
        "responsible_unit": row.responsible_unit,
        "due_on": chinese_date(row.due_on),
        "status": STATUS_WORDS[row.status],
        "closed": row.status == CommitmentStatus.CLOSED.value,
        "evidence": row.evidence_text or ("见附件" if row.evidence_file_id else ""),
        "closed_on": chinese_date(row.closed_at),
    }


async def inquiry_record_context(
    session: AsyncSession, tenant: TenantView, subject_id: uuid.UUID | None
) -> dict[str, Any]:
    """专题询问记录: the project, when and who, each question and answer, the commitments and their status.

    Each question also carries ``promised_fix`` (its commitments joined), the key region templates use.
    """
    if subject_id is None:
        raise InvalidInput("This document needs the subject_id of a special inquiry")
    inquiry = await inquiries.get_inquiry(session, subject_id)
    project = await projects.get(session, inquiry.project_id)
    questions = await inquiries.questions_of(session, inquiry.id)
    made = await inquiries.commitments_of_questions(session, [q.id for q in questions])
    lines: list[dict[str, Any]] = []
    for question in questions:
        commitments = [_commitment(c) for c in made.get(question.id, [])]
        lines.append(
            {
                "asked_by": question.asked_by,
                "question": question.question,
                "answered_by": question.answered_by or "",
                "answer": question.answer or "",
                "promised_fix": "；".join(c["content"] for c in commitments),
                "commitments": commitments,
            }
        )
    every = [c for line in lines for c in line["commitments"]]
    return {
        "project": {"title": project.title, "responsible_unit": project.responsible_unit},
        "inquiry": {
            "title": inquiry.title,
            "held_on": chinese_date(inquiry.held_on),
            "participants": list(inquiry.participants),
            "questions": lines,
        },
        "commitments": every,
        "open_commitments": sum(1 for c in every if not c["closed"]),
        "issuer": issuing_bodies(tenant.name, tenant.level).standing,
        "document_date": inquiry.held_on.isoformat(),
    }


async def inquiry_subjects(session: AsyncSession) -> list[tuple[uuid.UUID, str]]:
    """The inquiries a staff page offers, latest first."""
    rows, _total = await inquiries.list_inquiries(session, page=1, per_page=100)
    return [(row.id, f"{row.title}（{chinese_date(row.held_on)}）") for row in rows]


async def _display_names(session: AsyncSession, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """How the group leaders are named on paper: their display names, never their user names."""
    if not user_ids:
        return {}
    rows = await session.execute(select(User.id, User.display_name).where(User.id.in_(set(user_ids))))
    return {user_id: name for user_id, name in rows}


async def _deputy_names(session: AsyncSession, deputy_ids: list[str]) -> list[str]:
    names = []
    for deputy_id in deputy_ids:
        try:
            names.append((await roster.get_deputy(session, uuid.UUID(str(deputy_id)))).name)
        except (NotFound, ValueError):  # a deputy removed from the roster since: the group keeps the others
            continue
    return names


async def _group(
    session: AsyncSession, group: SupervisionGroup, leaders: dict[uuid.UUID, str], methods: dict[str, str]
) -> dict[str, Any]:
    project = await projects.get(session, group.project_id)
    plan = await work_plans.get_plan(session, project.id)
    milestones = await work_plans.milestones_of(session, project.id) if plan else []
    return {
        "project": project.title,
        "responsible_unit": (plan.responsible_unit if plan else project.responsible_unit) or "",
        "name": group.name,
        "leader": leaders.get(group.leader_user_id, "") if group.leader_user_id else "",
        "deputies": await _deputy_names(session, list(group.deputy_ids)),
        "methods": [methods.get(code, code) for code in group.methods],
        "milestones": [{"title": m.title, "due": chinese_date(m.due)} for m in milestones],
        "deadline": chinese_date(plan.deadline) if plan else "",
    }


async def supervision_plan_context(
    session: AsyncSession, tenant: TenantView, subject_id: uuid.UUID | None
) -> dict[str, Any]:
    """监督计划: the year's projects, the group following each, its methods and its schedule."""
    if subject_id is None:
        raise InvalidInput("This document needs the subject_id of a supervision plan")
    plan = await supervision_plans.get_plan(session, subject_id)
    groups = await supervision_plans.groups_of(session, plan.id)
    leaders = await _display_names(session, [g.leader_user_id for g in groups if g.leader_user_id])
    methods = {
        code: in_chinese(method.label)
        for code, method in records.tenant_methods(get_plugin_manager().hooks_for(tenant)).items()
    }
    rows = [await _group(session, group, leaders, methods) for group in groups]
    adopted_on = chinese_date(plan.adopted_at) if plan.adopted_at else ""
    day = plan.adopted_at or plan.created_at
    return {
        "year": plan.year,
        "plan": {"title": plan.title, "adopted": plan.status == "adopted", "adopted_on": adopted_on},
        "groups": rows,
        "methods": sorted({method for row in rows for method in row["methods"]}),
        "issuer": issuing_bodies(tenant.name, tenant.level).standing,
        "closing_date": chinese_date(day),
        "document_date": china_day(day).isoformat(),
    }


async def plan_subjects(session: AsyncSession) -> list[tuple[uuid.UUID, str]]:
    """The supervision plans a staff page offers, the latest year first."""
    rows, _total = await supervision_plans.list_plans(session, page=1, per_page=100)
    return [(row.id, f"{row.year}年 · {row.title}") for row in rows]


OUTCOME_WORDS = {"satisfied": "满意", "basically_satisfied": "基本满意", "unsatisfied": "不满意"}
RECTIFICATION_WORDS = {RectificationStatus.OPEN.value: "整改中", RectificationStatus.REPORTED.value: "已报告整改情况"}


def _step(number: int, step: EvaluationStep) -> dict[str, Any]:
    counts = {key: step.counts.get(key, 0) for key in ("satisfied", "basically_satisfied", "unsatisfied", "abstain")}
    rated = sum(counts.values())
    reason = step.reason or {}
    fix = step.rectification
    outcome = str(step.evaluation.outcome or "")
    return {
        "number": number,
        "title": step.evaluation.title,
        "closed_on": chinese_date(step.closed_on),
        "members": step.members,
        "majority": majority_of(step.members),
        **counts,
        "rated": rated,
        "not_rated": max(step.members - rated, 0),
        "outcome": outcome,
        "outcome_word": OUTCOME_WORDS.get(outcome, outcome),
        "reason": sentence(in_chinese(str(reason["message"]), **reason.get("params", {}))) if reason else "",
        "rectification": {
            "deadline": chinese_date(fix.deadline),
            "status": RECTIFICATION_WORDS.get(fix.status, fix.status),
            "report": fix.report or "",
            "reported_on": chinese_date(fix.reported_at),
        }
        if fix is not None
        else None,
    }


async def evaluation_record(session: AsyncSession, project_id: uuid.UUID) -> list[dict[str, Any]]:
    """The project's satisfaction record as documents print it: every closed evaluation, in order."""
    return [_step(number, step) for number, step in enumerate(await project_history(session, project_id), 1)]


async def satisfaction_report_context(
    session: AsyncSession, tenant: TenantView, subject_id: uuid.UUID | None
) -> dict[str, Any]:
    """满意度测评报告: the evaluation's counts and outcome, after the project's earlier evaluations and
    their rectifications (none is left out because a later one was satisfied)."""
    if subject_id is None:
        raise InvalidInput("This document needs the subject_id of a satisfaction evaluation")
    evaluation = await evaluations.get_evaluation(session, subject_id)
    if evaluation.status != EvaluationStatus.CLOSED.value or evaluation.closed_at is None:
        raise Conflict("The evaluation has no result until it is closed")
    project = await projects.get(session, evaluation.project_id)
    steps = await project_history(session, project.id)
    position = next(i for i, step in enumerate(steps) if step.evaluation.id == evaluation.id)
    # The record up to this evaluation: a later re-evaluation has its own report.
    shown = [_step(number, step) for number, step in enumerate(steps[: position + 1], 1)]
    current = shown[-1]
    return {
        "year": project.year,
        "project": {"title": project.title, "responsible_unit": project.responsible_unit or ""},
        "evaluation": current,
        "history": shown,
        # The keys of the summary table region templates print (one row per evaluation).
        "members": current["members"],
        "evaluations": [{**step, "title": f"{project.title}（第{step['number']}次测评）"} for step in shown],
        "issuer": issuing_bodies(tenant.name, tenant.level).standing,
        "closing_date": current["closed_on"],
        "document_date": china_day(evaluation.closed_at).isoformat(),
    }


async def evaluation_subjects(session: AsyncSession) -> list[tuple[uuid.UUID, str]]:
    """The closed evaluations a staff page offers, latest first."""
    rows, _total = await evaluations.list_evaluations(
        session, page=1, per_page=100, status=EvaluationStatus.CLOSED.value
    )
    return [(row.id, f"{row.title}（{chinese_date(row.closed_at)}）") for row in rows]


#: The kinds of this context, for its registration list (``wiring.py``): code, label, builder and the
#: subjects a page offers (ordering any of them needs ``documents.order``).
KINDS: list[DocumentKind] = [
    DocumentKind(
        code=code,
        label=label,
        formats=("pdf", "docx"),
        build_context=builder,
        template_dir=TEMPLATES,
        default_template=f"{code}.md.j2",
        subject_required=True,
        list_subjects=subjects,
    )
    for code, label, builder, subjects in (
        ("inquiry_record", "专题询问记录", inquiry_record_context, inquiry_subjects),
        ("supervision_plan", "民生实事项目监督计划", supervision_plan_context, plan_subjects),
        ("satisfaction_report", "满意度测评报告", satisfaction_report_context, evaluation_subjects),
    )
]
