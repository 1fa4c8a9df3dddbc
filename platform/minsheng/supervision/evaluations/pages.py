"""Satisfaction evaluation pages: the deputy rates on the phone; the presidium opens and closes."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.models import Role
from minsheng.errors import DomainError, InvalidInput
from minsheng.http.dependencies import TenantAccess
from minsheng.http.pages import form_text
from minsheng.projects import services as projects
from minsheng.supervision import rules
from minsheng.supervision.access import READERS, RUNNERS
from minsheng.supervision.evaluations import services as evaluations
from minsheng.supervision.models import EvaluationStatus
from minsheng.supervision.pages import ACCESS, Form, render_page, runs_supervision
from minsheng.supervision.plans import services as plans

# --- the deputy's phone page -------------------------------------------------------------------------


async def _rating_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    db_session: AsyncSession,
    evaluation_id: uuid.UUID,
    *,
    receipt: str | None = None,
    error: DomainError | None = None,
) -> Template:
    principal = access.require(Role.DEPUTY.value)
    evaluation = await evaluations.get_evaluation(db_session, evaluation_id)
    step = "form"
    if receipt is not None:
        step = "receipt"
    elif error is not None:
        step = "refused"
    elif evaluation.status != EvaluationStatus.OPEN.value:
        step = "closed"
    elif await evaluations.has_rated(db_session, evaluation, principal):
        step = "rated"
    return render_page(
        request,
        access,
        "supervision/rate.html",
        status_code=201 if receipt else (error.status_code if error else 200),
        evaluation=evaluation,
        project=await projects.get(db_session, evaluation.project_id),
        step=step,
        receipt=receipt,
        error=error,
    )


@get("/t/{slug:str}/evaluations/{evaluation_id:uuid}/rate", dependencies=ACCESS)
async def rating_form(
    request: Request[Any, Any, Any], access: TenantAccess, evaluation_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """The deputy's rating form on the phone: the project and four choices (满意 / 基本满意 / 不满意 / 弃权)."""
    return await _rating_page(request, access, db_session, evaluation_id)


@post("/t/{slug:str}/evaluations/{evaluation_id:uuid}/rate", dependencies=ACCESS, status_code=201)
async def rate_from_phone(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    evaluation_id: uuid.UUID,
    db_session: AsyncSession,
    data: Form,
) -> Template:
    """Record the rating and show the receipt code; a second rating or a closed evaluation is refused."""
    principal = access.require(Role.DEPUTY.value)
    try:
        async with db_session.begin_nested():
            receipt = await evaluations.rate(db_session, evaluation_id, principal, form_text(data, "rating", 30))
    except DomainError as error:
        return await _rating_page(request, access, db_session, evaluation_id, error=error)
    return await _rating_page(request, access, db_session, evaluation_id, receipt=receipt)


@get("/t/{slug:str}/evaluations", dependencies=ACCESS)
async def deputy_evaluations(
    request: Request[Any, Any, Any], access: TenantAccess, db_session: AsyncSession
) -> Template:
    """The evaluations open now, and whether the deputy has rated each."""
    principal = access.require(Role.DEPUTY.value)
    rows, _total = await evaluations.list_evaluations(
        db_session, page=1, per_page=100, status=EvaluationStatus.OPEN.value
    )
    rated = {e.id for e in rows if await evaluations.has_rated(db_session, e, principal)}
    return render_page(request, access, "supervision/open_evaluations.html", evaluations=rows, rated=rated)


# --- the presidium's desktop pages ----------------------------------------------------------------


async def _evaluations_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    db_session: AsyncSession,
    *,
    page: int = 1,
    status: str | None = None,
    error: DomainError | None = None,
) -> Template:
    rows, total = await evaluations.list_evaluations(db_session, page=page, per_page=20, status=status or None)
    chosen = {p.id: p for p in await plans.chosen_projects(db_session)}
    received = {e.id: await evaluations.ratings_received(db_session, e.id) for e in rows}
    return render_page(
        request,
        access,
        "supervision/evaluations.html",
        evaluations=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // 20)),
        status=status or "",
        projects=chosen,
        received=received,
        error=error,
        can_run=runs_supervision(access),
    )


@get("/t/{slug:str}/supervision/evaluations", dependencies=ACCESS)
async def evaluations_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    db_session: AsyncSession,
    page: int = 1,
    status: str | None = None,
) -> Template:
    """Every evaluation with its progress and outcome; the presidium opens one for a chosen project."""
    access.require(*READERS)
    return await _evaluations_page(request, access, db_session, page=max(1, page), status=status)


@post("/t/{slug:str}/supervision/evaluations", dependencies=ACCESS, status_code=303)
async def open_from_page(
    request: Request[Any, Any, Any], access: TenantAccess, db_session: AsyncSession, data: Form
) -> Template | Redirect:
    """Open an evaluation for the chosen project of the form."""
    user = access.require(*RUNNERS)
    try:
        project_id = uuid.UUID(form_text(data, "project_id", 40))
    except ValueError:
        return await _evaluations_page(request, access, db_session, error=InvalidInput("Choose a project"))
    try:
        async with db_session.begin_nested():
            evaluation = await evaluations.open_evaluation(
                db_session,
                project_id,
                title=form_text(data, "title", 200),
                public=bool(data.get("public")),
                actor=user.username,
            )
    except DomainError as error:
        return await _evaluations_page(request, access, db_session, error=error)
    return Redirect(f"/t/{access.tenant.slug}/supervision/evaluations/{evaluation.id}", status_code=303)


async def _evaluation_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    db_session: AsyncSession,
    evaluation_id: uuid.UUID,
    *,
    error: DomainError | None = None,
) -> Template:
    evaluation = await evaluations.get_evaluation(db_session, evaluation_id)
    reason = (evaluation.result or {}).get("reason")
    return render_page(
        request,
        access,
        "supervision/evaluation.html",
        evaluation=evaluation,
        project=await projects.get(db_session, evaluation.project_id),
        received=await evaluations.ratings_received(db_session, evaluation.id),
        result=evaluation.result,
        reason=reason,
        rectification=await evaluations.rectification_of(db_session, evaluation.id),
        counts=rules.zero_counts((evaluation.result or {}).get("counts")),
        error=error,
        can_run=runs_supervision(access),
    )


@get("/t/{slug:str}/supervision/evaluations/{evaluation_id:uuid}", dependencies=ACCESS)
async def evaluation_page(
    request: Request[Any, Any, Any], access: TenantAccess, evaluation_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """One evaluation: ratings received of the members, and once closed the result and any rectification."""
    access.require(*READERS)
    return await _evaluation_page(request, access, db_session, evaluation_id)


@post("/t/{slug:str}/supervision/evaluations/{evaluation_id:uuid}/{action:str}", dependencies=ACCESS, status_code=303)
async def run_evaluation(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    evaluation_id: uuid.UUID,
    action: str,
    db_session: AsyncSession,
) -> Template | Redirect:
    """Close an open evaluation (``close``) or open a scheduled re-evaluation (``open``)."""
    user = access.require(*RUNNERS)
    try:
        async with db_session.begin_nested():
            if action == "close":
                await evaluations.close_evaluation(db_session, evaluation_id, actor=user.username)
            elif action == "open":
                await evaluations.open_scheduled(db_session, evaluation_id, actor=user.username)
            else:
                raise InvalidInput("Unknown action {action}", action=action)
    except DomainError as error:
        return await _evaluation_page(request, access, db_session, evaluation_id, error=error)
    return Redirect(f"/t/{access.tenant.slug}/supervision/evaluations/{evaluation_id}", status_code=303)
