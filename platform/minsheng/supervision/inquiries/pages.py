"""Inquiry pages: the presidium holds them, deputies ask, the government answers and closes commitments."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.models import Role
from minsheng.congress.roster import services as roster
from minsheng.errors import DomainError, InvalidInput
from minsheng.http.dependencies import TenantAccess
from minsheng.http.pages import form_text
from minsheng.projects import services as projects
from minsheng.supervision.access import ANSWERERS, CLOSERS, READERS, RUNNERS
from minsheng.supervision.inquiries import services as inquiries
from minsheng.supervision.pages import ACCESS, Form, form_date, render_page, runs_supervision
from minsheng.supervision.plans import services as plans

# --- inquiries and commitments --------------------------------------------------------------------


async def _inquiries_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    db_session: AsyncSession,
    *,
    page: int = 1,
    error: DomainError | None = None,
) -> Template:
    rows, total = await inquiries.list_inquiries(db_session, page=page, per_page=20)
    return render_page(
        request,
        access,
        "supervision/inquiries.html",
        inquiries=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // 20)),
        projects={p.id: p for p in await plans.chosen_projects(db_session)},
        error=error,
        can_run=runs_supervision(access),
    )


@get("/t/{slug:str}/supervision/inquiries", dependencies=ACCESS)
async def inquiries_page(
    request: Request[Any, Any, Any], access: TenantAccess, db_session: AsyncSession, page: int = 1
) -> Template:
    """The special inquiries held; the presidium holds a new one on a chosen project."""
    access.require(*READERS)
    return await _inquiries_page(request, access, db_session, page=max(1, page))


@post("/t/{slug:str}/supervision/inquiries", dependencies=ACCESS, status_code=303)
async def create_inquiry_from_page(
    request: Request[Any, Any, Any], access: TenantAccess, db_session: AsyncSession, data: Form
) -> Template | Redirect:
    """Hold a special inquiry (project, date, title, participants one per line)."""
    user = access.require(*RUNNERS)
    try:
        async with db_session.begin_nested():
            try:
                project_id = uuid.UUID(form_text(data, "project_id", 40))
            except ValueError as exc:
                raise InvalidInput("Choose a project") from exc
            held_on = form_date(form_text(data, "held_on", 20), "held_on")
            if held_on is None:
                raise InvalidInput("The field {field} is required", field="held_on")
            inquiry = await inquiries.create_inquiry(
                db_session,
                project_id,
                title=form_text(data, "title", 200),
                held_on=held_on,
                participants=form_text(data, "participants", 4000).splitlines(),
                actor=user.username,
            )
    except DomainError as error:
        return await _inquiries_page(request, access, db_session, error=error)
    return Redirect(f"/t/{access.tenant.slug}/supervision/inquiries/{inquiry.id}", status_code=303)


async def _inquiry_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    db_session: AsyncSession,
    inquiry_id: uuid.UUID,
    *,
    error: DomainError | None = None,
) -> Template:
    inquiry = await inquiries.get_inquiry(db_session, inquiry_id)
    questions = await inquiries.questions_of(db_session, inquiry.id)
    principal = access.principal
    roles = access.roles if principal is None or not principal.is_platform_admin else frozenset(ANSWERERS)
    return render_page(
        request,
        access,
        "supervision/inquiry.html",
        inquiry=inquiry,
        project=await projects.get(db_session, inquiry.project_id),
        questions=questions,
        commitments=await inquiries.commitments_of_questions(db_session, [q.id for q in questions]),
        error=error,
        can_ask=bool(roles.intersection((Role.DEPUTY.value, *RUNNERS))),
        can_answer=bool(roles.intersection(ANSWERERS)),
        is_staff=bool(roles.intersection(RUNNERS)),
    )


@get("/t/{slug:str}/supervision/inquiries/{inquiry_id:uuid}", dependencies=ACCESS)
async def inquiry_page(
    request: Request[Any, Any, Any], access: TenantAccess, inquiry_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """An inquiry: each question, who answered and what, and the commitments with their status."""
    access.require(*READERS)
    return await _inquiry_page(request, access, db_session, inquiry_id)


@post("/t/{slug:str}/supervision/inquiries/{inquiry_id:uuid}/questions", dependencies=ACCESS, status_code=303)
async def ask_from_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    inquiry_id: uuid.UUID,
    db_session: AsyncSession,
    data: Form,
) -> Template | Redirect:
    """A deputy asks (under their roster name); the presidium types in a question with who asked it."""
    user = access.require(Role.DEPUTY.value, *RUNNERS)
    try:
        async with db_session.begin_nested():
            asked_by = form_text(data, "asked_by", 100).strip()
            if not asked_by:
                deputy = await roster.deputy_of_user(db_session, user.user_id)
                if deputy is None:
                    raise InvalidInput("Name the deputy who asked the question")
                asked_by = deputy.name
            await inquiries.ask(
                db_session,
                inquiry_id,
                asked_by=asked_by,
                question=form_text(data, "question", 8000),
                actor=user.username,
            )
    except DomainError as error:
        return await _inquiry_page(request, access, db_session, inquiry_id, error=error)
    return Redirect(f"/t/{access.tenant.slug}/supervision/inquiries/{inquiry_id}", status_code=303)


@post("/t/{slug:str}/supervision/inquiry-questions/{question_id:uuid}/answer", dependencies=ACCESS, status_code=303)
async def answer_from_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    question_id: uuid.UUID,
    db_session: AsyncSession,
    data: Form,
) -> Template | Redirect:
    """Record the answer and the fix promised (one commitment, optional, with its due date)."""
    user = access.require(*ANSWERERS)
    question = await inquiries.get_question(db_session, question_id)
    try:
        async with db_session.begin_nested():
            promise = form_text(data, "commitment", 8000).strip()
            promises = (
                [
                    inquiries.Promise(
                        promise,
                        form_text(data, "responsible_unit", 200),
                        form_date(form_text(data, "due_on", 20), "due_on"),
                    )
                ]
                if promise
                else []
            )
            await inquiries.answer(
                db_session,
                question_id,
                answered_by=form_text(data, "answered_by", 200),
                text=form_text(data, "answer", 8000),
                promises=promises,
                actor=user.username,
            )
    except DomainError as error:
        return await _inquiry_page(request, access, db_session, question.inquiry_id, error=error)
    return Redirect(f"/t/{access.tenant.slug}/supervision/inquiries/{question.inquiry_id}", status_code=303)


async def _commitments_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    db_session: AsyncSession,
    *,
    status: str | None,
    page: int,
    q: str | None = None,
    error: DomainError | None = None,
) -> Template:
    rows, total = await inquiries.list_commitments(db_session, page=page, per_page=20, status=status or None, q=q)
    principal = access.principal
    can_close = principal is not None and (principal.is_platform_admin or bool(access.roles.intersection(CLOSERS)))
    chosen = {p.id: p for p in await plans.chosen_projects(db_session)}
    return render_page(
        request,
        access,
        "supervision/commitments.html",
        commitments=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // 20)),
        status=status or "",
        q=q or "",
        projects=chosen,
        error=error,
        can_close=can_close,
    )


@get("/t/{slug:str}/supervision/commitments", dependencies=ACCESS)
async def commitments_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    db_session: AsyncSession,
    status: str | None = None,
    page: int = 1,
    q: str | None = None,
) -> Template:
    """The commitments made at inquiries, open ones first by due date; the government closes them with evidence."""
    access.require(*READERS)
    wanted = status if status in ("open", "closed") else None
    return await _commitments_page(request, access, db_session, status=wanted, page=max(1, page), q=(q or "")[:200])


@post("/t/{slug:str}/supervision/commitments/{commitment_id:uuid}/close", dependencies=ACCESS, status_code=303)
async def close_commitment_from_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    commitment_id: uuid.UUID,
    db_session: AsyncSession,
    data: Form,
) -> Template | Redirect:
    """Close a commitment with the evidence described (a file is attached through the API)."""
    user = access.require(*CLOSERS)
    try:
        async with db_session.begin_nested():
            await inquiries.close_commitment(
                db_session,
                commitment_id,
                evidence_text=form_text(data, "evidence_text", 8000),
                evidence_file_id=None,
                actor=user.username,
            )
    except DomainError as error:
        return await _commitments_page(request, access, db_session, status="open", page=1, error=error)
    return Redirect(f"/t/{access.tenant.slug}/supervision/commitments", status_code=303)
