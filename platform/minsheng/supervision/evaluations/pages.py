"""Satisfaction evaluation pages: a deputy rates on the phone; the standing committee (in a township the
presidium) opens and closes on the desktop; the government reports its rectification.

Each form calls the same service as the API; a refusal is shown at the form sent, with what was typed.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.errors import DomainError, InvalidInput
from minsheng.http.forms import FormValues, posted, read_id
from minsheng.http.scope import TenantScope, requires
from minsheng.permissions import Permission
from minsheng.projects import services as projects
from minsheng.supervision import rules
from minsheng.supervision.evaluations import services as evaluations
from minsheng.supervision.models import EvaluationStatus
from minsheng.supervision.pages import PER_PAGE, list_state, render_page
from minsheng.supervision.plans import services as plans

# --- the deputy's phone page -------------------------------------------------------------------------


async def _rating_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    evaluation_id: uuid.UUID,
    *,
    receipt: str | None = None,
    error: DomainError | None = None,
) -> Template:
    evaluation = await evaluations.get_evaluation(db_session, evaluation_id)
    step = "form"
    if receipt is not None:
        step = "receipt"
    elif error is not None:
        step = "refused"
    elif evaluation.status != EvaluationStatus.OPEN.value:
        step = "closed"
    elif await evaluations.has_rated(db_session, evaluation, access.user):
        step = "rated"
    return render_page(
        request,
        access,
        "supervision/rate.html",
        status_code=201 if receipt else None,
        evaluation=evaluation,
        project=await projects.get(db_session, evaluation.project_id),
        step=step,
        receipt=receipt,
        error=error,
    )


@requires(Permission.EVALUATIONS_RATE)
@get("/t/{slug:str}/evaluations/{evaluation_id:uuid}/rate")
async def rating_form(
    request: Request[Any, Any, Any], access: TenantScope, evaluation_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """The deputy's rating form on the phone: the project and four choices (满意 / 基本满意 / 不满意 / 弃权)."""
    return await _rating_page(request, access, db_session, evaluation_id)


@requires(Permission.EVALUATIONS_RATE)
@post("/t/{slug:str}/evaluations/{evaluation_id:uuid}/rate", status_code=201)
async def rate_from_phone(
    request: Request[Any, Any, Any], access: TenantScope, evaluation_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """Record the rating and show the receipt code; a second rating or a closed evaluation is refused."""
    values, _items = await posted(request)
    try:
        async with db_session.begin_nested():
            receipt = await evaluations.rate(db_session, evaluation_id, access.user, values.text("rating", 30))
    except DomainError as error:
        return await _rating_page(request, access, db_session, evaluation_id, error=error)
    return await _rating_page(request, access, db_session, evaluation_id, receipt=receipt)


@requires(Permission.EVALUATIONS_RATE)
@get("/t/{slug:str}/evaluations")
async def deputy_evaluations(
    request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession
) -> Template:
    """The evaluations open now, and whether the deputy has rated each."""
    rows, _total = await evaluations.list_evaluations(
        db_session, page=1, per_page=100, status=EvaluationStatus.OPEN.value
    )
    rated = {e.id for e in rows if await evaluations.has_rated(db_session, e, access.user)}
    return render_page(request, access, "supervision/open_evaluations.html", evaluations=rows, rated=rated)


# --- the desktop pages ------------------------------------------------------------------------------


async def _evaluations_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    *,
    page: int = 1,
    status: str | None = None,
    error: DomainError | None = None,
    values: FormValues | None = None,
) -> Template:
    rows, total = await evaluations.list_evaluations(db_session, page=page, per_page=PER_PAGE, status=status or None)
    return render_page(
        request,
        access,
        "supervision/evaluations.html",
        evaluations=rows,
        **list_state(rows, total, page),
        status=status or "",
        projects={p.id: p for p in await plans.chosen_projects(db_session)},
        received={e.id: await evaluations.ratings_received(db_session, e.id) for e in rows},
        error=error,
        failed="open" if error else "",
        values=values,
    )


@requires(Permission.SUPERVISION_READ)
@get("/t/{slug:str}/supervision/evaluations")
async def evaluations_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    page: int = 1,
    status: str | None = None,
) -> Template:
    """Every evaluation with its progress and outcome; the standing committee opens one for a chosen project."""
    return await _evaluations_page(request, access, db_session, page=max(1, page), status=status)


@requires(Permission.EVALUATIONS_RUN)
@post("/t/{slug:str}/supervision/evaluations")
async def open_from_page(
    request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession
) -> Template | Redirect:
    """Open an evaluation for the chosen project of the form."""
    values, _items = await posted(request)
    try:
        async with db_session.begin_nested():
            project_id = read_id(values.get("project_id"))
            if project_id is None:
                raise InvalidInput("Choose a project")
            evaluation = await evaluations.open_evaluation(
                db_session,
                project_id,
                title=values.text("title", 200),
                public=bool(values.get("public")),
                actor=access.user.username,
                hooks=access.hooks,
            )
    except DomainError as error:
        return await _evaluations_page(request, access, db_session, error=error, values=values)
    return Redirect(f"/t/{access.tenant.slug}/supervision/evaluations/{evaluation.id}", status_code=303)


async def _evaluation_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    evaluation_id: uuid.UUID,
    *,
    error: DomainError | None = None,
    failed: str = "",
    values: FormValues | None = None,
) -> Template:
    evaluation = await evaluations.get_evaluation(db_session, evaluation_id)
    return render_page(
        request,
        access,
        "supervision/evaluation.html",
        evaluation=evaluation,
        project=await projects.get(db_session, evaluation.project_id),
        received=await evaluations.ratings_received(db_session, evaluation.id),
        result=evaluation.result,
        reason=(evaluation.result or {}).get("reason"),
        rectification=await evaluations.rectification_of(db_session, evaluation.id),
        counts=rules.zero_counts((evaluation.result or {}).get("counts")),
        error=error,
        failed=failed,
        values=values,
    )


@requires(Permission.SUPERVISION_READ)
@get("/t/{slug:str}/supervision/evaluations/{evaluation_id:uuid}")
async def evaluation_page(
    request: Request[Any, Any, Any], access: TenantScope, evaluation_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """One evaluation: ratings received of the members, and once closed the result and any rectification."""
    return await _evaluation_page(request, access, db_session, evaluation_id)


@requires(Permission.EVALUATIONS_RUN)
@post("/t/{slug:str}/supervision/evaluations/{evaluation_id:uuid}/close")
async def close_from_page(
    request: Request[Any, Any, Any], access: TenantScope, evaluation_id: uuid.UUID, db_session: AsyncSession
) -> Template | Redirect:
    """Close an open evaluation: the tenant's rule decides its outcome."""
    try:
        async with db_session.begin_nested():
            await evaluations.close_evaluation(
                db_session, evaluation_id, actor=access.user.username, hooks=access.hooks
            )
    except DomainError as error:
        return await _evaluation_page(request, access, db_session, evaluation_id, error=error, failed="run")
    return Redirect(f"/t/{access.tenant.slug}/supervision/evaluations/{evaluation_id}", status_code=303)


@requires(Permission.EVALUATIONS_RUN)
@post("/t/{slug:str}/supervision/evaluations/{evaluation_id:uuid}/open")
async def open_scheduled_from_page(
    request: Request[Any, Any, Any], access: TenantScope, evaluation_id: uuid.UUID, db_session: AsyncSession
) -> Template | Redirect:
    """Open a scheduled re-evaluation (after the rectification)."""
    try:
        async with db_session.begin_nested():
            await evaluations.open_scheduled(db_session, evaluation_id, actor=access.user.username)
    except DomainError as error:
        return await _evaluation_page(request, access, db_session, evaluation_id, error=error, failed="run")
    return Redirect(f"/t/{access.tenant.slug}/supervision/evaluations/{evaluation_id}", status_code=303)


# --- rectifications ---------------------------------------------------------------------------------


async def _rectifications_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    *,
    page: int = 1,
    error: DomainError | None = None,
    failed: str = "",
    values: FormValues | None = None,
) -> Template:
    rows, total = await evaluations.list_rectifications(db_session, page=page, per_page=PER_PAGE)
    return render_page(
        request,
        access,
        "supervision/rectifications.html",
        rectifications=rows,
        **list_state(rows, total, page, error=error, failed=failed),
        projects={p.id: p for p in await plans.chosen_projects(db_session)},
        error=error,
        failed=failed,
        values=values,
    )


@requires(Permission.SUPERVISION_READ)
@get("/t/{slug:str}/supervision/rectifications")
async def rectifications_page(
    request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession, page: int = 1
) -> Template:
    """The rectifications (整改) "unsatisfied" outcomes call for, open ones first by deadline; the
    government reports each one rectified."""
    return await _rectifications_page(request, access, db_session, page=max(1, page))


@requires(Permission.RECTIFICATIONS_REPORT)
@post("/t/{slug:str}/supervision/rectifications/{rectification_id:uuid}/report")
async def report_rectification_page(
    request: Request[Any, Any, Any], access: TenantScope, rectification_id: uuid.UUID, db_session: AsyncSession
) -> Template | Redirect:
    """The government reports what it rectified (the re-evaluation is then opened by the standing committee)."""
    values, _items = await posted(request)
    try:
        async with db_session.begin_nested():
            await evaluations.report_rectification(
                db_session, rectification_id, report=values.text("report", 8000), actor=access.user.username
            )
    except DomainError as error:
        return await _rectifications_page(
            request, access, db_session, error=error, failed=f"report-{rectification_id}", values=values
        )
    return Redirect(f"/t/{access.tenant.slug}/supervision/rectifications", status_code=303)


ROUTES: list[Any] = [
    rating_form,
    rate_from_phone,
    deputy_evaluations,
    evaluations_page,
    open_from_page,
    evaluation_page,
    close_from_page,
    open_scheduled_from_page,
    rectifications_page,
    report_rectification_page,
]
