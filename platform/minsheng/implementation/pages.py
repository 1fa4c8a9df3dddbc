"""Phone-friendly staff pages of implementation (cookie login, CSRF-checked forms).

The government officer files the work plan and reports progress with a photo; the presidium (or the
tenant's staff) decides adjustments. The same services as ``controllers.py`` answer every action.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import State, UploadFile
from litestar.di import Provide
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.errors import DomainError, FieldProblem, InvalidFields, InvalidInput
from minsheng.files import services as files
from minsheng.http.dependencies import TenantAccess, provide_tenant_access, services
from minsheng.i18n import msgid
from minsheng.implementation import adjustments, chosen, deadlines, overview, plans, progress, rules
from minsheng.implementation.controllers import DECIDERS, FILERS, MEETING_CLERKS, READERS
from minsheng.plugins.verdicts import Reason
from minsheng.web.templating import render

MEMBERS = {"access": Provide(provide_tenant_access)}
DONE_MESSAGES = {
    "plan": msgid("The work plan was filed."),
    "progress": msgid("The progress report was saved."),
    "adjustment": msgid("The adjustment was proposed."),
    "decision": msgid("The decision was recorded and published."),
    "meeting": msgid("The quarterly meeting was recorded."),
}


def _base(slug: str) -> str:
    return f"/t/{slug}/implementation"


def _money(raw: Any, key: str) -> Decimal:
    try:
        value = Decimal(str(raw or "").strip() or "0")
    except InvalidOperation as exc:
        raise InvalidFields("Not a number", problems=[FieldProblem(key, Reason("Not a number"))]) from exc
    if value < 0 or value > Decimal("999999999999"):
        raise InvalidFields("Not a number", problems=[FieldProblem(key, Reason("Not a number"))])
    return value.quantize(Decimal("0.01"))


def _day(raw: Any, key: str) -> date:
    try:
        return date.fromisoformat(str(raw or "").strip())
    except ValueError as exc:
        raise InvalidFields(
            "Not a date (YYYY-MM-DD)", problems=[FieldProblem(key, Reason("Not a date (YYYY-MM-DD)"))]
        ) from exc


def _milestone(raw: str) -> uuid.UUID | None:
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError as exc:
        raise InvalidInput("The form was not valid; reload the page and try again") from exc


def milestones_from_text(text: str) -> list[plans.MilestoneDraft]:
    """One milestone per line: ``2026-03-31 开工`` (a date, then the title)."""
    found = []
    for row, line in enumerate(line for line in text.splitlines() if line.strip()):
        day, _, title = line.strip().partition(" ")
        try:
            due = date.fromisoformat(day)
        except ValueError as exc:
            raise InvalidFields(
                "Write each milestone as a date and a title, e.g. 2026-03-31 开工",
                problems=[FieldProblem("milestones", Reason("Not a date (YYYY-MM-DD)"), row=row)],
            ) from exc
        found.append(plans.MilestoneDraft(title.strip(), due))
    return found


@get("/t/{slug:str}/implementation", include_in_schema=False, dependencies=MEMBERS)
async def implementation_page(
    request: Request[Any, Any, Any], access: TenantAccess, db_session: AsyncSession
) -> Template:
    """The chosen projects with their status, overdue flags, the adjustments waiting for a decision and
    the quarterly meetings."""
    return await _overview_page(request, access, db_session)


async def _overview_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    db_session: AsyncSession,
    *,
    error: DomainError | None = None,
    status_code: int = 200,
    values: dict[str, Any] | None = None,
) -> Template:
    user = access.require(*READERS)
    states = await overview.states(db_session, await chosen.chosen_projects(db_session))
    pending, _ = await adjustments.list_adjustments(
        db_session, adjustments.AdjustmentFilter(status="proposed"), page=1, per_page=50
    )
    titles = {s.chosen.project.id: s.chosen.project.title for s in states}
    meetings, _ = await progress.list_meetings(db_session, year=None, page=1, per_page=8)
    return render(
        request,
        "implementation/projects.html",
        status_code=status_code,
        overdue=(await deadlines.list_alerts(db_session, stage="overdue"))[:20],
        meetings=meetings,
        can_record=bool(access.roles.intersection(MEETING_CLERKS)) or user.is_platform_admin,
        error=error,
        values=values or {},
        done=DONE_MESSAGES.get(request.query_params.get("done") or ""),
        tenant=access.tenant,
        user=user,
        states=states,
        statistics=overview.statistics(states),
        pending=pending,
        titles=titles,
        can_decide=bool(access.roles.intersection(DECIDERS)) or user.is_platform_admin,
    )


async def _project_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    db_session: AsyncSession,
    project_id: uuid.UUID,
    *,
    error: DomainError | None = None,
    status_code: int = 200,
    values: dict[str, Any] | None = None,
) -> Template:
    user = access.require(*READERS)
    choice = await chosen.get_chosen(db_session, project_id)
    (state,) = await overview.states(db_session, [choice])
    reports, _ = await progress.reports_of(db_session, project_id, per_page=50)
    adjustment_rows, _ = await adjustments.list_adjustments(
        db_session, adjustments.AdjustmentFilter(project_id=project_id), page=1, per_page=50
    )
    done = request.query_params.get("done")
    return render(
        request,
        "implementation/project.html",
        status_code=status_code,
        tenant=access.tenant,
        user=user,
        state=state,
        milestones=await plans.milestones_of(db_session, project_id),
        reports=reports,
        photos=await progress.photos_of(db_session, [r.id for r in reports]),
        adjustments=adjustment_rows,
        can_file=bool(access.roles.intersection(FILERS)) or user.is_platform_admin,
        can_decide=bool(access.roles.intersection(DECIDERS)) or user.is_platform_admin,
        error=error,
        field_errors={p.key: p.reason for p in error.problems} if isinstance(error, InvalidFields) else {},
        values=values or {},
        done=DONE_MESSAGES.get(done or ""),
    )


@get("/t/{slug:str}/implementation/projects/{project_id:uuid}", include_in_schema=False, dependencies=MEMBERS)
async def project_page(
    request: Request[Any, Any, Any], access: TenantAccess, project_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """A chosen project: its plan, progress with photos, adjustments, and the forms the caller may use."""
    return await _project_page(request, access, db_session, project_id)


async def _undo(db_session: AsyncSession, access: TenantAccess) -> None:
    """Roll the refused action back; the tenant row is read again for the page shown with the error."""
    await db_session.rollback()
    await db_session.refresh(access.tenant)


async def _form(request: Request[Any, Any, Any]) -> dict[str, Any]:
    form = await request.form()
    return {key: form.get(key) for key in form}


@post(
    "/t/{slug:str}/implementation/projects/{project_id:uuid}/work-plan", include_in_schema=False, dependencies=MEMBERS
)
async def file_plan_page(
    request: Request[Any, Any, Any], access: TenantAccess, project_id: uuid.UUID, db_session: AsyncSession
) -> Template | Redirect:
    """File the work plan from the form (milestones one per line)."""
    user = access.require(*FILERS)
    values = await _form(request)
    try:
        draft = plans.WorkPlanDraft(
            responsible_unit=str(values.get("responsible_unit") or ""),
            targets=str(values.get("targets") or ""),
            budget=_money(values.get("budget"), "budget"),
            funding_source=str(values.get("funding_source") or ""),
            deadline=_day(values.get("deadline"), "deadline"),
            safeguards=str(values.get("safeguards") or ""),
            milestones=milestones_from_text(str(values.get("milestones") or "")),
        )
        await plans.file_plan(db_session, project_id, draft, actor=user.username)
    except DomainError as error:
        await _undo(db_session, access)
        return await _project_page(
            request, access, db_session, project_id, error=error, status_code=error.status_code, values=values
        )
    return Redirect(f"{_base(access.tenant.slug)}/projects/{project_id}?done=plan", status_code=303)


@post("/t/{slug:str}/implementation/projects/{project_id:uuid}/progress", include_in_schema=False, dependencies=MEMBERS)
async def report_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    project_id: uuid.UUID,
    state: State,
    db_session: AsyncSession,
) -> Template | Redirect:
    """Report progress from the phone form, with an optional photo (checked on its content)."""
    user = access.require(*FILERS)
    form = await request.form()
    values = {key: form.get(key) for key in form if key != "photo"}
    stored_keys: list[str] = []
    try:
        photo_ids = []
        photo = form.get("photo")
        if isinstance(photo, UploadFile) and photo.filename:
            content = await photo.read()
            if content:
                svc = services(state)
                stored = await files.save_upload(
                    db_session,
                    svc.store,
                    content,
                    filename=photo.filename,
                    claimed_type=photo.content_type,
                    uploaded_by=user.username,
                    max_bytes=svc.settings.max_upload_bytes,
                )
                photo_ids.append(stored.id)
                stored_keys.append(stored.key)
        percent = str(values.get("percent_done") or "").strip()
        if not percent.isdigit():
            raise InvalidFields(
                "Percent done must be between 0 and 100",
                problems=[FieldProblem("percent_done", Reason("Percent done must be between 0 and 100"))],
            )
        milestone = str(values.get("milestone_id") or "").strip()
        draft = progress.ProgressDraft(
            milestone_id=_milestone(milestone),
            spent=_money(values.get("spent"), "spent"),
            percent_done=int(percent),
            text=str(values.get("text") or ""),
            photo_ids=photo_ids,
            public=values.get("internal") != "on",
        )
        await progress.report_progress(db_session, project_id, draft, actor=user.username)
    except DomainError as error:
        await _undo(db_session, access)
        for key in stored_keys:  # the report was refused: its photo goes too
            await services(state).store.delete(key)
        return await _project_page(
            request, access, db_session, project_id, error=error, status_code=error.status_code, values=values
        )
    return Redirect(f"{_base(access.tenant.slug)}/projects/{project_id}?done=progress", status_code=303)


@post(
    "/t/{slug:str}/implementation/projects/{project_id:uuid}/adjustments", include_in_schema=False, dependencies=MEMBERS
)
async def propose_page(
    request: Request[Any, Any, Any], access: TenantAccess, project_id: uuid.UUID, db_session: AsyncSession
) -> Template | Redirect:
    """Propose an adjustment (amend, postpone, terminate) from the form."""
    user = access.require(*FILERS)
    values = await _form(request)
    try:
        raw_deadline = str(values.get("new_deadline") or "").strip()
        draft = adjustments.AdjustmentDraft(
            kind=str(values.get("kind") or ""),
            reason=str(values.get("reason") or ""),
            proposal=str(values.get("proposal") or ""),
            new_deadline=_day(raw_deadline, "new_deadline") if raw_deadline else None,
        )
        await adjustments.propose(db_session, access.tenant, project_id, draft, actor=user.username)
    except DomainError as error:
        await _undo(db_session, access)
        return await _project_page(
            request, access, db_session, project_id, error=error, status_code=error.status_code, values=values
        )
    return Redirect(f"{_base(access.tenant.slug)}/projects/{project_id}?done=adjustment", status_code=303)


@post(
    "/t/{slug:str}/implementation/adjustments/{adjustment_id:uuid}/decision",
    include_in_schema=False,
    dependencies=MEMBERS,
)
async def decide_page(
    request: Request[Any, Any, Any], access: TenantAccess, adjustment_id: uuid.UUID, db_session: AsyncSession
) -> Template | Redirect:
    """Approve or reject an adjustment (presidium, or the tenant's staff)."""
    user = access.require(*DECIDERS)
    values = await _form(request)
    row = await adjustments.get(db_session, adjustment_id)
    decision = str(values.get("decision") or "")
    try:
        if decision not in ("approved", "rejected"):
            raise InvalidInput("The form was not valid; reload the page and try again")
        await adjustments.decide(
            db_session, access.tenant, adjustment_id, decision, str(values.get("notes") or ""), actor=user.username
        )
    except DomainError as error:
        await _undo(db_session, access)
        return await _project_page(
            request, access, db_session, row.project_id, error=error, status_code=error.status_code
        )
    return Redirect(f"{_base(access.tenant.slug)}/projects/{row.project_id}?done=decision", status_code=303)


@post("/t/{slug:str}/implementation/quarterly-meetings", include_in_schema=False, dependencies=MEMBERS)
async def record_meeting_page(
    request: Request[Any, Any, Any], access: TenantAccess, db_session: AsyncSession
) -> Template | Redirect:
    """Record a quarterly meeting (季度例会): attendees one per line, and the conclusions."""
    user = access.require(*MEETING_CLERKS)
    values = await _form(request)
    try:
        held_on = _day(values.get("held_on"), "held_on")
        year, current = rules.quarter_of(held_on)
        raw_quarter = str(values.get("quarter") or "").strip()
        quarter = int(raw_quarter) if raw_quarter in ("1", "2", "3", "4") else 0
        if quarter > current:  # a meeting in January reviews the fourth quarter of the year before
            year -= 1
        draft = progress.MeetingDraft(
            year=year,
            quarter=quarter,
            held_on=held_on,
            attendees=str(values.get("attendees") or "").splitlines(),
            conclusions=str(values.get("conclusions") or ""),
        )
        await progress.record_meeting(db_session, draft, actor=user.username)
    except DomainError as error:
        await _undo(db_session, access)
        return await _overview_page(
            request, access, db_session, error=error, status_code=error.status_code, values=values
        )
    return Redirect(f"{_base(access.tenant.slug)}?done=meeting", status_code=303)


ROUTES: list[Any] = [
    record_meeting_page,
    implementation_page,
    project_page,
    file_plan_page,
    report_page,
    propose_page,
    decide_page,
]
