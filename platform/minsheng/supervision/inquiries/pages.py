"""Inquiry pages (platform/docs/roles.md): the office or the standing committee holds an inquiry and
types in the questions asked aloud, deputies ask, the government answers and promises fixes, files
the evidence that it kept them; only the standing committee (in a township the presidium) closes a
commitment, never the government that made it.

Each form calls the same service as the API; a refusal is shown at the form sent, with what was typed.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.errors import DomainError, InvalidInput
from minsheng.files.page_uploads import FormUploads
from minsheng.http.dependencies import services
from minsheng.http.forms import FormValues, posted, read_day, read_id, required_day
from minsheng.http.scope import TenantScope, requires
from minsheng.permissions import Permission
from minsheng.projects import services as projects
from minsheng.supervision.inquiries import services as inquiries
from minsheng.supervision.inquiries.askers import asker
from minsheng.supervision.pages import PER_PAGE, list_state, render_page
from minsheng.supervision.plans import services as plans

# --- inquiries ---------------------------------------------------------------------------------------


async def _inquiries_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    *,
    page: int = 1,
    error: DomainError | None = None,
    values: FormValues | None = None,
) -> Template:
    rows, total = await inquiries.list_inquiries(db_session, page=page, per_page=PER_PAGE)
    return render_page(
        request,
        access,
        "supervision/inquiries.html",
        inquiries=rows,
        **list_state(rows, total, page),
        projects={p.id: p for p in await plans.chosen_projects(db_session)},
        error=error,
        failed="hold" if error else "",
        values=values,
    )


@requires(Permission.SUPERVISION_READ)
@get("/t/{slug:str}/supervision/inquiries")
async def inquiries_page(
    request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession, page: int = 1
) -> Template:
    """The special inquiries held; those who hold them hold a new one on a chosen project."""
    return await _inquiries_page(request, access, db_session, page=max(1, page))


@requires(Permission.INQUIRIES_HOLD)
@post("/t/{slug:str}/supervision/inquiries")
async def create_inquiry_from_page(
    request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession
) -> Template | Redirect:
    """Hold a special inquiry (project, date, title, participants one per line)."""
    values, _items = await posted(request)
    try:
        async with db_session.begin_nested():
            project_id = read_id(values.get("project_id"))
            if project_id is None:
                raise InvalidInput("Choose a project")
            inquiry = await inquiries.create_inquiry(
                db_session,
                project_id,
                title=values.text("title", 200),
                held_on=required_day(values.get("held_on"), "held_on"),
                participants=values.text("participants", 4000).splitlines(),
                actor=access.user.username,
            )
    except DomainError as error:
        return await _inquiries_page(request, access, db_session, error=error, values=values)
    return Redirect(f"/t/{access.tenant.slug}/supervision/inquiries/{inquiry.id}", status_code=303)


async def _inquiry_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    inquiry_id: uuid.UUID,
    *,
    error: DomainError | None = None,
    failed: str = "",
    values: FormValues | None = None,
) -> Template:
    inquiry = await inquiries.get_inquiry(db_session, inquiry_id)
    questions = await inquiries.questions_of(db_session, inquiry.id)
    return render_page(
        request,
        access,
        "supervision/inquiry.html",
        inquiry=inquiry,
        project=await projects.get(db_session, inquiry.project_id),
        questions=questions,
        commitments=await inquiries.commitments_of_questions(db_session, [q.id for q in questions]),
        error=error,
        failed=failed,
        values=values,
    )


@requires(Permission.SUPERVISION_READ)
@get("/t/{slug:str}/supervision/inquiries/{inquiry_id:uuid}")
async def inquiry_page(
    request: Request[Any, Any, Any], access: TenantScope, inquiry_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """An inquiry: each question, who answered and what, and the commitments with their status."""
    return await _inquiry_page(request, access, db_session, inquiry_id)


@requires(Permission.SUPERVISION_READ)
@post("/t/{slug:str}/supervision/inquiries/{inquiry_id:uuid}/questions")
async def ask_from_page(
    request: Request[Any, Any, Any], access: TenantScope, inquiry_id: uuid.UUID, db_session: AsyncSession
) -> Template | Redirect:
    """A deputy asks (under their roster name); those who hold the inquiry type in a question with the
    deputy who asked it (403 for a member who may do neither, as the API)."""
    values, _items = await posted(request)
    try:
        async with db_session.begin_nested():
            asked_by = await asker(db_session, access, values.text("asked_by", 100))
            await inquiries.ask(
                db_session,
                inquiry_id,
                asked_by=asked_by,
                question=values.text("question", 8000),
                actor=access.user.username,
            )
    except DomainError as error:
        if error.status_code == 403:
            raise
        return await _inquiry_page(request, access, db_session, inquiry_id, error=error, failed="ask", values=values)
    return Redirect(f"/t/{access.tenant.slug}/supervision/inquiries/{inquiry_id}", status_code=303)


def _promise(values: FormValues) -> inquiries.Promise | None:
    """The fix a form promises (None when its text is left empty)."""
    content = values.text("commitment", 8000).strip()
    if not content:
        return None
    return inquiries.Promise(content, values.text("responsible_unit", 200), read_day(values.get("due_on"), "due_on"))


async def _question_action(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    question_id: uuid.UUID,
    *,
    answering: bool,
) -> Template | Redirect:
    """Answer a question (with the fix it promises) or add a further fix promised in its answer."""
    values, _items = await posted(request)
    question = await inquiries.get_question(db_session, question_id)
    user = access.user.username
    try:
        async with db_session.begin_nested():
            promise = _promise(values)
            if answering:
                answered_by, text = values.text("answered_by", 200), values.text("answer", 8000)
                promises = [promise] if promise else []
                await inquiries.answer(
                    db_session, question.id, answered_by=answered_by, text=text, promises=promises, actor=user
                )
            else:
                await inquiries.add_commitment(db_session, question.id, promise or inquiries.Promise(""), actor=user)
    except DomainError as error:
        failed = f"{'answer' if answering else 'commit'}-{question.id}"
        return await _inquiry_page(
            request, access, db_session, question.inquiry_id, error=error, failed=failed, values=values
        )
    return Redirect(f"/t/{access.tenant.slug}/supervision/inquiries/{question.inquiry_id}", status_code=303)


@requires(Permission.INQUIRIES_ANSWER)
@post("/t/{slug:str}/supervision/inquiry-questions/{question_id:uuid}/answer")
async def answer_from_page(
    request: Request[Any, Any, Any], access: TenantScope, question_id: uuid.UUID, db_session: AsyncSession
) -> Template | Redirect:
    """Record the answer and the fix promised (one commitment, optional, with its unit and due date)."""
    return await _question_action(request, access, db_session, question_id, answering=True)


@requires(Permission.INQUIRIES_ANSWER)
@post("/t/{slug:str}/supervision/inquiry-questions/{question_id:uuid}/commitments")
async def commit_from_page(
    request: Request[Any, Any, Any], access: TenantScope, question_id: uuid.UUID, db_session: AsyncSession
) -> Template | Redirect:
    """Add another fix promised in an answered question."""
    return await _question_action(request, access, db_session, question_id, answering=False)


# --- commitments -------------------------------------------------------------------------------------


async def _commitments_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    *,
    status: str | None,
    page: int,
    q: str | None = None,
    error: DomainError | None = None,
    failed: str = "",
    values: FormValues | None = None,
) -> Template:
    rows, total = await inquiries.list_commitments(db_session, page=page, per_page=PER_PAGE, status=status, q=q)
    return render_page(
        request,
        access,
        "supervision/commitments.html",
        commitments=rows,
        evidence=await inquiries.evidence_of(db_session, [c.id for c in rows]),
        **list_state(rows, total, page, error=error, failed=failed),
        status=status or "",
        q=q or "",
        projects={p.id: p for p in await plans.chosen_projects(db_session)},
        error=error,
        failed=failed,
        values=values,
    )


@requires(Permission.SUPERVISION_READ)
@get("/t/{slug:str}/supervision/commitments")
async def commitments_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    status: str | None = None,
    page: int = 1,
    q: str | None = None,
) -> Template:
    """The commitments made at inquiries, open ones first by due date, with the evidence filed: the
    government files evidence, the standing committee closes them on it."""
    wanted = status if status in ("open", "closed") else None
    return await _commitments_page(request, access, db_session, status=wanted, page=max(1, page), q=(q or "")[:200])


async def _with_file(
    request: Request[Any, Any, Any],
    access: TenantScope,
    state: State,
    db_session: AsyncSession,
    commitment_id: uuid.UUID,
    action: str,
) -> Template | Redirect:
    """File evidence (``evidence``) or close the commitment (``close``) from its form: a description
    and an optional file, stored first and taken back when the service refuses."""
    values, items = await posted(request)
    svc = services(state)
    stored = FormUploads(svc.store, svc.settings.max_upload_bytes)
    try:
        async with db_session.begin_nested():
            chosen = await stored.save(db_session, items, "evidence_file", uploaded_by=access.user.username, most=1)
            file_id = chosen[0] if chosen else None
            text = values.text("evidence_text", 8000)
            if action == "evidence":
                await inquiries.file_evidence(
                    db_session, commitment_id, text=text, file_id=file_id, actor=access.user.username
                )
            else:
                await inquiries.close_commitment(
                    db_session, commitment_id, evidence_text=text, evidence_file_id=file_id, actor=access.user.username
                )
    except DomainError as error:
        await stored.discard()
        return await _commitments_page(
            request,
            access,
            db_session,
            status=None,
            page=1,
            error=error,
            failed=f"{action}-{commitment_id}",
            values=values,
        )
    return Redirect(f"/t/{access.tenant.slug}/supervision/commitments#commitment-{commitment_id}", status_code=303)


@requires(Permission.COMMITMENTS_EVIDENCE)
@post("/t/{slug:str}/supervision/commitments/{commitment_id:uuid}/evidence")
async def file_evidence_from_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    commitment_id: uuid.UUID,
    state: State,
    db_session: AsyncSession,
) -> Template | Redirect:
    """The government files evidence that the fix was made: what was done, a photo or scan, or both."""
    return await _with_file(request, access, state, db_session, commitment_id, "evidence")


@requires(Permission.COMMITMENTS_CLOSE)
@post("/t/{slug:str}/supervision/commitments/{commitment_id:uuid}/close")
async def close_commitment_from_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    commitment_id: uuid.UUID,
    state: State,
    db_session: AsyncSession,
) -> Template | Redirect:
    """Close a commitment on the evidence filed, or on what is given here."""
    return await _with_file(request, access, state, db_session, commitment_id, "close")


ROUTES: list[Any] = [
    inquiries_page,
    create_inquiry_from_page,
    inquiry_page,
    ask_from_page,
    answer_from_page,
    commit_from_page,
    commitments_page,
    file_evidence_from_page,
    close_commitment_from_page,
]
