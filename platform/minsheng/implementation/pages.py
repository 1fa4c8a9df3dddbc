"""Phone-friendly pages of implementation (cookie login, CSRF-checked forms).

A page for every action of the API (platform/docs/roles.md): the government files and changes the work
plan with its milestones, reports progress with photos and proposes adjustments; the standing
committee (in a township the presidium) decides them at a meeting; the presidium and the congress
office record the quarterly meetings and report the decisions to the next session. The same services
as ``controllers.py`` answer every action, so a refusal carries the same message; it is shown on the
page beside the field it names, with everything typed kept.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.congress.hall import sessions
from minsheng.errors import DomainError, InvalidInput
from minsheng.files.page_uploads import FormUploads
from minsheng.http.dependencies import services
from minsheng.http.forms import (
    FormValues,
    field_refusal,
    form_state,
    posted,
    read_amount,
    read_day,
    read_id,
    read_ids,
    read_whole_number,
    required_day,
)
from minsheng.http.pages import render_tenant_page
from minsheng.http.scope import TenantScope, requires
from minsheng.i18n import msgid
from minsheng.implementation import adjustments, chosen, deadlines, overview, plans, progress, rules
from minsheng.permissions import Permission

DONE_MESSAGES = {
    "plan": msgid("The work plan was filed."),
    "plan_changed": msgid("The work plan was changed."),
    "progress": msgid("The progress report was saved."),
    "adjustment": msgid("The adjustment was proposed."),
    "decision": msgid("The decision was recorded and published."),
    "meeting": msgid("The quarterly meeting was recorded."),
    "reported": msgid("The decided adjustments were reported to the session."),
}
#: Empty milestone rows a work plan form offers besides those typed.
SPARE_MILESTONE_ROWS = 2
#: Rows a work plan form offers at least (most plans have a handful of milestones).
MILESTONE_ROWS = 5


def _base(slug: str) -> str:
    return f"/t/{slug}/implementation"


def _done(request: Request[Any, Any, Any]) -> str | None:
    return DONE_MESSAGES.get(request.query_params.get("done") or "")


def milestone_rows(values: FormValues, plan_milestones: list[Any] | None = None) -> list[tuple[str, str]]:
    """The milestone rows a work plan form shows: those typed (or the plan's), then empty ones."""
    if "milestone_title" in values or "milestone_due" in values:
        titles, dues = values.all("milestone_title"), values.all("milestone_due")
        count = max(len(titles), len(dues))
        titles += [""] * (count - len(titles))
        dues += [""] * (count - len(dues))
        rows = [(t, d) for t, d in zip(titles, dues, strict=True) if t.strip() or d.strip()]
    else:
        rows = [(m.title, m.due.isoformat()) for m in plan_milestones or []]
    return rows + [("", "")] * max(SPARE_MILESTONE_ROWS, MILESTONE_ROWS - len(rows))


def plan_draft_from(values: FormValues) -> plans.WorkPlanDraft:
    """A work plan from its form: milestones from the rows filled in (a date and a title each)."""
    milestones = []
    for row, (title, due) in enumerate(r for r in milestone_rows(values) if r != ("", "")):
        milestones.append(plans.MilestoneDraft(title.strip(), required_day(due, "due", row=row)))
    return plans.WorkPlanDraft(
        responsible_unit=values.text("responsible_unit", 200),
        targets=values.text("targets"),
        budget=read_amount(values.get("budget"), "budget"),
        funding_source=values.text("funding_source", 200),
        deadline=required_day(values.get("deadline"), "deadline"),
        safeguards=values.text("safeguards"),
        milestones=milestones,
    )


# --- the overview ---------------------------------------------------------------------------------


async def _overview_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    *,
    error: DomainError | None = None,
    failed: str = "",
    values: FormValues | None = None,
) -> Template:
    states = await overview.states(db_session, await chosen.chosen_projects(db_session))
    pending, _ = await adjustments.list_adjustments(
        db_session, adjustments.AdjustmentFilter(status="proposed"), page=1, per_page=50
    )
    to_report, _ = await adjustments.list_adjustments(
        db_session, adjustments.AdjustmentFilter(for_next_session=True), page=1, per_page=None
    )
    meetings, _ = await progress.list_meetings(db_session, year=None, page=1, per_page=8)
    congress_sessions: list[Any] = []
    if to_report and access.may(Permission.ADJUSTMENTS_REPORT):
        congress_sessions, _ = await sessions.list_sessions(db_session, page=1, per_page=20)
    return render_tenant_page(
        request,
        access,
        "implementation/projects.html",
        status_code=error.status_code if error else 200,
        overdue=(await deadlines.list_alerts(db_session, stage="overdue"))[:20],
        meetings=meetings,
        states=states,
        statistics=overview.statistics(states),
        pending=pending,
        to_report=to_report,
        congress_sessions=congress_sessions,
        titles={s.chosen.project.id: s.chosen.project.title for s in states},
        titles_by_id={str(s.chosen.project.id): s.chosen.project.title for s in states},
        error=error,
        done=_done(request),
        **form_state(failed, values),
    )


@requires(Permission.IMPLEMENTATION_READ)
@get("/t/{slug:str}/implementation", include_in_schema=False)
async def implementation_page(
    request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession
) -> Template:
    """The chosen projects with their status, overdue flags, the adjustments waiting for a decision or
    for the next session, and the quarterly meetings."""
    return await _overview_page(request, access, db_session)


def meeting_draft_from(values: FormValues, chosen_ids: set[uuid.UUID]) -> progress.MeetingDraft:
    """A quarterly meeting from its form: a meeting in January reviews the last quarter of the year before."""
    held_on = required_day(values.get("held_on"), "held_on")
    year, current = rules.quarter_of(held_on)
    quarter = read_whole_number(values.get("quarter"), "quarter") or 0
    if quarter > current:
        year -= 1
    projects = read_ids(values.all("project_ids"))
    if not set(projects) <= chosen_ids:
        raise InvalidInput("The form was not valid; reload the page and try again")
    return progress.MeetingDraft(
        year=year,
        quarter=quarter,
        held_on=held_on,
        attendees=values.text("attendees").splitlines(),
        conclusions=values.text("conclusions", 20000),
        project_ids=projects,
    )


@requires(Permission.MEETINGS_RECORD)
@post("/t/{slug:str}/implementation/quarterly-meetings", include_in_schema=False)
async def record_meeting_page(
    request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession
) -> Template | Redirect:
    """Record a quarterly meeting (季度例会, "面对面"): the quarter, attendees, conclusions, the projects."""
    values, _items = await posted(request)
    try:
        async with db_session.begin_nested():
            chosen_ids = {c.project.id for c in await chosen.chosen_projects(db_session)}
            draft = meeting_draft_from(values, chosen_ids)
            await progress.record_meeting(db_session, draft, actor=access.user.username)
    except DomainError as error:
        return await _overview_page(request, access, db_session, error=error, failed="meeting", values=values)
    return Redirect(f"{_base(access.tenant.slug)}?done=meeting", status_code=303)


@requires(Permission.ADJUSTMENTS_REPORT)
@post("/t/{slug:str}/implementation/adjustments/reported-to-session", include_in_schema=False)
async def report_to_session_page(
    request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession
) -> Template | Redirect:
    """Mark the decided adjustments not yet reported as reported to the congress session chosen."""
    values, _items = await posted(request)
    try:
        async with db_session.begin_nested():
            session_id = read_id(values.get("session_id"))
            if session_id is None:
                raise field_refusal("session_id", msgid("Choose the congress session"))
            await adjustments.report_to_session(db_session, session_id, actor=access.user.username)
    except DomainError as error:
        return await _overview_page(request, access, db_session, error=error, failed="report", values=values)
    return Redirect(f"{_base(access.tenant.slug)}?done=reported", status_code=303)


# --- one project ------------------------------------------------------------------------------------


async def _project_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    project_id: uuid.UUID,
    *,
    error: DomainError | None = None,
    failed: str = "",
    values: FormValues | None = None,
    template: str = "implementation/project.html",
) -> Template:
    choice = await chosen.get_chosen(db_session, project_id)
    (state,) = await overview.states(db_session, [choice])
    reports, _ = await progress.reports_of(db_session, project_id, per_page=50)
    adjustment_rows, _ = await adjustments.list_adjustments(
        db_session, adjustments.AdjustmentFilter(project_id=project_id), page=1, per_page=50
    )
    milestones = await plans.milestones_of(db_session, project_id)
    return render_tenant_page(
        request,
        access,
        template,
        status_code=error.status_code if error else 200,
        state=state,
        milestones=milestones,
        milestone_rows=milestone_rows(values if values and failed == "plan" else FormValues(), milestones),
        reports=reports,
        photos=await progress.photos_of(db_session, [r.id for r in reports]),
        adjustments=adjustment_rows,
        error=error,
        done=_done(request),
        max_photos=progress.MAX_PHOTOS,
        **form_state(failed, values),
    )


@requires(Permission.IMPLEMENTATION_READ)
@get("/t/{slug:str}/implementation/projects/{project_id:uuid}", include_in_schema=False)
async def project_page(
    request: Request[Any, Any, Any], access: TenantScope, project_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """A chosen project: its plan, progress with photos, adjustments, and the forms the caller may use."""
    return await _project_page(request, access, db_session, project_id)


async def _plan_action(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    project_id: uuid.UUID,
    *,
    changing: bool,
) -> Template | Redirect:
    """File (or change) the work plan from its form; a refusal shows the form again, as typed."""
    values, _items = await posted(request)
    act = plans.change_plan if changing else plans.file_plan
    try:
        async with db_session.begin_nested():
            await act(db_session, project_id, plan_draft_from(values), actor=access.user.username)
    except DomainError as error:
        template = "implementation/plan_edit.html" if changing else "implementation/project.html"
        return await _project_page(
            request, access, db_session, project_id, error=error, failed="plan", values=values, template=template
        )
    done = "plan_changed" if changing else "plan"
    return Redirect(f"{_base(access.tenant.slug)}/projects/{project_id}?done={done}", status_code=303)


@requires(Permission.WORK_PLANS_FILE)
@post("/t/{slug:str}/implementation/projects/{project_id:uuid}/work-plan", include_in_schema=False)
async def file_plan_page(
    request: Request[Any, Any, Any], access: TenantScope, project_id: uuid.UUID, db_session: AsyncSession
) -> Template | Redirect:
    """File the work plan from the form: the plan's parts and its milestones, one row each."""
    return await _plan_action(request, access, db_session, project_id, changing=False)


@requires(Permission.WORK_PLANS_FILE)
@get("/t/{slug:str}/implementation/projects/{project_id:uuid}/work-plan/edit", include_in_schema=False)
async def change_plan_form(
    request: Request[Any, Any, Any], access: TenantScope, project_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """The filed work plan in its form, to change it (milestones already reported on are kept)."""
    return await _project_page(request, access, db_session, project_id, template="implementation/plan_edit.html")


@requires(Permission.WORK_PLANS_FILE)
@post("/t/{slug:str}/implementation/projects/{project_id:uuid}/work-plan/edit", include_in_schema=False)
async def change_plan_page(
    request: Request[Any, Any, Any], access: TenantScope, project_id: uuid.UUID, db_session: AsyncSession
) -> Template | Redirect:
    """Change the filed work plan from the form."""
    return await _plan_action(request, access, db_session, project_id, changing=True)


def progress_draft_from(values: FormValues, photo_ids: list[uuid.UUID]) -> progress.ProgressDraft:
    percent = read_whole_number(values.get("percent_done"), "percent_done")
    if percent is None:
        raise field_refusal("percent_done", msgid("This field is required"))
    return progress.ProgressDraft(
        milestone_id=read_id(values.get("milestone_id")),
        spent=read_amount(values.get("spent"), "spent"),
        percent_done=percent,
        text=values.text("text"),
        photo_ids=photo_ids,
        public=values.get("internal") != "on",
    )


@requires(Permission.PROGRESS_REPORT)
@post("/t/{slug:str}/implementation/projects/{project_id:uuid}/progress", include_in_schema=False)
async def report_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    project_id: uuid.UUID,
    state: State,
    db_session: AsyncSession,
) -> Template | Redirect:
    """Report progress from the phone form, with photos (each checked on its content)."""
    values, items = await posted(request)
    svc = services(state)
    stored = FormUploads(svc.store, svc.settings.max_upload_bytes)
    try:
        async with db_session.begin_nested():
            photos = await stored.save(db_session, items, "photos", uploaded_by=access.user.username)
            draft = progress_draft_from(values, photos)
            await progress.report_progress(db_session, project_id, draft, actor=access.user.username)
    except DomainError as error:
        await stored.discard()  # the report was refused: its photos go too
        return await _project_page(
            request, access, db_session, project_id, error=error, failed="progress", values=values
        )
    return Redirect(f"{_base(access.tenant.slug)}/projects/{project_id}?done=progress", status_code=303)


@requires(Permission.ADJUSTMENTS_PROPOSE)
@post("/t/{slug:str}/implementation/projects/{project_id:uuid}/adjustments", include_in_schema=False)
async def propose_page(
    request: Request[Any, Any, Any], access: TenantScope, project_id: uuid.UUID, db_session: AsyncSession
) -> Template | Redirect:
    """Propose an adjustment (amend, postpone, terminate) from the form."""
    values, _items = await posted(request)
    try:
        async with db_session.begin_nested():
            draft = adjustments.AdjustmentDraft(
                kind=values.text("kind", 16),
                reason=values.text("reason"),
                proposal=values.text("proposal"),
                new_deadline=read_day(values.get("new_deadline"), "new_deadline"),
            )
            await adjustments.propose(db_session, access.tenant, project_id, draft, actor=access.user.username)
    except DomainError as error:
        return await _project_page(
            request, access, db_session, project_id, error=error, failed="adjustment", values=values
        )
    return Redirect(f"{_base(access.tenant.slug)}/projects/{project_id}?done=adjustment", status_code=303)


@requires(Permission.ADJUSTMENTS_DECIDE)
@post("/t/{slug:str}/implementation/adjustments/{adjustment_id:uuid}/decision", include_in_schema=False)
async def decide_page(
    request: Request[Any, Any, Any], access: TenantScope, adjustment_id: uuid.UUID, db_session: AsyncSession
) -> Template | Redirect:
    """Approve or reject an adjustment, naming the meeting that decided and its date."""
    values, _items = await posted(request)
    row = await adjustments.get(db_session, adjustment_id)
    project_id = row.project_id
    try:
        async with db_session.begin_nested():
            draft = adjustments.DecisionDraft(
                decision=values.text("decision", 16),
                meeting_name=values.text("meeting_name", 200),
                meeting_date=read_day(values.get("meeting_date"), "meeting_date"),
                notes=values.text("notes"),
            )
            await adjustments.decide(
                db_session, access.tenant, adjustment_id, draft, actor=access.user.username, hooks=access.hooks
            )
    except DomainError as error:
        return await _project_page(
            request, access, db_session, project_id, error=error, failed=f"decision-{adjustment_id}", values=values
        )
    return Redirect(f"{_base(access.tenant.slug)}/projects/{project_id}?done=decision", status_code=303)


ROUTES: list[Any] = [
    implementation_page,
    record_meeting_page,
    report_to_session_page,
    project_page,
    file_plan_page,
    change_plan_form,
    change_plan_page,
    report_page,
    propose_page,
    decide_page,
]
