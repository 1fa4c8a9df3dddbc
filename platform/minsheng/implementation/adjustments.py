"""Adjustments (调整 / 暂缓 / 终止): proposed by the government, decided by the presidium (township) or
the standing committee (county), published as a notice and reported to the next session.

platform/docs/domain.md, "Implementation": a project that cannot be done may be amended, postponed or ended only by
such a decision. A terminated project leaves the progress statistics but stays on the record.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit import services as audit
from minsheng.collection.rules import china_day
from minsheng.congress.hall import sessions
from minsheng.db.base import utcnow
from minsheng.db.listing import page_of
from minsheng.db.lookup import one_or_not_found
from minsheng.errors import Conflict, FieldProblem, InvalidFields, NotFound
from minsheng.i18n import format_date, msgid, translate
from minsheng.implementation import chosen, rules
from minsheng.implementation.models import Adjustment, WorkPlan
from minsheng.notifications import services as notifications
from minsheng.permissions import Permission, roles_with
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.projects.models import Project
from minsheng.tenancy.snapshot import TenantLike

KIND_LABELS = {"amend": msgid("amend"), "postpone": msgid("postpone"), "terminate": msgid("terminate")}
BODY_LABELS = {"presidium": msgid("the presidium"), "standing_committee": msgid("the standing committee")}
DECISION_LABELS = {"approved": msgid("Approved"), "rejected": msgid("Rejected")}
NOTICE_LOCALE = "zh_CN"  # a notice is published in Chinese


@dataclass(frozen=True)
class AdjustmentDraft:
    kind: str
    reason: str
    proposal: str = ""
    new_deadline: date | None = None


async def terminated_ids(session: AsyncSession, project_ids: list[uuid.UUID] | None = None) -> set[uuid.UUID]:
    """Projects ended by an approved termination."""
    query = select(Adjustment.project_id).where(Adjustment.kind == "terminate", Adjustment.status == "approved")
    if project_ids is not None:
        query = query.where(Adjustment.project_id.in_(project_ids))
    return set((await session.execute(query)).scalars())


async def require_not_terminated(session: AsyncSession, project: Project) -> None:
    """409 for a terminated project: nothing more is filed for it."""
    if project.id in await terminated_ids(session, [project.id]):
        raise Conflict("Project «{title}» was terminated by decision", title=project.title)


async def postponed_deadlines(session: AsyncSession) -> dict[uuid.UUID, date]:
    """The latest approved new deadline of each postponed project."""
    query = select(Adjustment.project_id, func.max(Adjustment.new_deadline)).where(
        Adjustment.kind == "postpone", Adjustment.status == "approved"
    )
    return {p: d for p, d in (await session.execute(query.group_by(Adjustment.project_id))).all() if d is not None}


async def propose(
    session: AsyncSession, tenant: TenantLike, project_id: uuid.UUID, draft: AdjustmentDraft, *, actor: str
) -> Adjustment:
    """The government proposes an adjustment of a chosen project (422 when incomplete, 409 if one is pending)."""
    project = (await chosen.get_chosen(session, project_id)).project
    await require_not_terminated(session, project)
    plan_deadline = (
        await session.execute(select(WorkPlan.deadline).where(WorkPlan.project_id == project_id))
    ).scalar_one_or_none()
    current = (await postponed_deadlines(session)).get(project_id) or plan_deadline or project.deadline
    problems = rules.adjustment_problems(draft.kind, draft.reason, draft.new_deadline, current)
    if problems:
        first = problems[0][1]
        raise InvalidFields(
            first.message, problems=[FieldProblem(key, reason) for key, reason in problems], **first.params
        )
    pending = await session.execute(
        select(Adjustment.id).where(Adjustment.project_id == project_id, Adjustment.status == "proposed")
    )
    if pending.first() is not None:
        raise Conflict("An adjustment of «{title}» is already waiting for a decision", title=project.title)
    row = Adjustment(
        project_id=project_id,
        kind=draft.kind,
        reason=draft.reason.strip(),
        proposal=draft.proposal.strip(),
        new_deadline=draft.new_deadline if draft.kind == "postpone" else None,
        status="proposed",
        proposed_by=actor,
        decision_body=rules.decision_body(tenant.level.value),
    )
    session.add(row)
    await session.flush()
    await audit.record(
        session,
        "adjustment.proposed",
        actor=actor,
        subject=str(row.id),
        payload={"project": str(project_id), "kind": draft.kind, "reason": row.reason},
    )
    return row


async def get(session: AsyncSession, adjustment_id: uuid.UUID) -> Adjustment:
    return await one_or_not_found(
        session, select(Adjustment).where(Adjustment.id == adjustment_id), NotFound("Not found")
    )


def notice_text(project_title: str, row: Adjustment, tenant_name: str) -> str:
    """The public notice (公告) of a decision, in Chinese, naming the meeting that took it."""
    return translate(
        "Notice: {body} of {tenant}, at {meeting} on {date}, decided on the proposal to {kind} the "
        "livelihood project «{title}»: {decision}. Reason given: {reason} {notes}",
        NOTICE_LOCALE,
        body=translate(BODY_LABELS[row.decision_body], NOTICE_LOCALE),
        tenant=tenant_name,
        meeting=row.meeting_name or "",
        date=format_date(row.meeting_date, NOTICE_LOCALE) if row.meeting_date else "",
        decision=translate(DECISION_LABELS[row.status], NOTICE_LOCALE),
        kind=translate(KIND_LABELS[row.kind], NOTICE_LOCALE),
        title=project_title,
        reason=row.reason,
        notes=row.decision_notes,
    ).strip()


@dataclass(frozen=True)
class DecisionDraft:
    """The body's decision on an adjustment and the meeting that took it."""

    decision: str
    meeting_name: str
    meeting_date: date | None
    notes: str = ""


async def decide(
    session: AsyncSession,
    tenant: TenantLike,
    adjustment_id: uuid.UUID,
    draft: DecisionDraft,
    *,
    actor: str,
    hooks: TenantHooks,
    now: datetime | None = None,
) -> Adjustment:
    """The presidium (township) or standing committee (county) approves or rejects a proposed adjustment
    at a meeting; a notice naming the meeting is published and the government is told.

    409 if it was decided already; 422 naming each field for an unknown decision, a meeting without a
    name or a date, or a meeting dated after today or before the proposal.
    """
    row = await get(session, adjustment_id)
    if row.status != "proposed":
        raise Conflict("This adjustment was already decided")
    problems = rules.decision_problems(
        draft.decision,
        draft.meeting_name,
        draft.meeting_date,
        china_day(row.created_at),
        china_day(now or utcnow()),
    )
    if problems:
        first = problems[0][1]
        raise InvalidFields(
            first.message, problems=[FieldProblem(key, reason) for key, reason in problems], **first.params
        )
    project = (await chosen.get_chosen(session, row.project_id)).project
    row.status = draft.decision
    row.decided_by = actor
    row.decided_at = now or utcnow()
    row.decision_notes = draft.notes.strip()
    row.meeting_name = draft.meeting_name.strip()
    row.meeting_date = draft.meeting_date
    row.notice = notice_text(project.title, row, tenant.name)
    await session.flush()
    await audit.record(
        session,
        "adjustment.decided",
        actor=actor,
        subject=str(row.id),
        payload={
            "project": str(row.project_id),
            "kind": row.kind,
            "decision": draft.decision,
            "notes": row.decision_notes,
            "meeting": row.meeting_name,
            "meeting_date": row.meeting_date.isoformat() if row.meeting_date else None,
        },
    )
    await notifications.notify(
        session,
        dedupe_key=f"adjustment:{row.id}:decided",
        kind="adjustment_decided",
        subject=translate("Adjustment decided: {title}", NOTICE_LOCALE, title=project.title),
        body=row.notice,
        recipients=await notifications.members_with_roles(
            session, tenant.id, roles_with(Permission.ADJUSTMENTS_PROPOSE, tenant.level.value, hooks.role_grants())
        ),
    )
    return row


async def report_to_session(session: AsyncSession, congress_session_id: uuid.UUID, *, actor: str) -> int:
    """Mark every decided adjustment not yet reported as reported to this congress session
    (platform/docs/domain.md: adjustments are reported to the next session); returns how many."""
    congress = await sessions.get_session(session, congress_session_id)
    rows, _ = await list_adjustments(session, AdjustmentFilter(for_next_session=True), page=1, per_page=None)
    for row in rows:
        row.reported_to_session = congress.id
    await session.flush()
    await audit.record(
        session,
        "adjustments.reported_to_session",
        actor=actor,
        subject=str(congress.id),
        payload={"adjustments": [str(r.id) for r in rows]},
    )
    return len(rows)


@dataclass(frozen=True)
class AdjustmentFilter:
    status: str | None = None
    project_id: uuid.UUID | None = None
    for_next_session: bool = False
    decided_only: bool = False


async def list_adjustments(
    session: AsyncSession, where: AdjustmentFilter, *, page: int, per_page: int | None
) -> tuple[list[Adjustment], int]:
    """Adjustments, newest first; ``for_next_session``: decided ones not yet reported to a session."""
    query = select(Adjustment)
    if where.status:
        query = query.where(Adjustment.status == where.status)
    if where.project_id:
        query = query.where(Adjustment.project_id == where.project_id)
    if where.for_next_session:
        query = query.where(Adjustment.status != "proposed", Adjustment.reported_to_session.is_(None))
    if where.decided_only:
        query = query.where(Adjustment.status != "proposed")
    return await page_of(session, query, Adjustment.created_at.desc(), Adjustment.id, page=page, per_page=per_page)
