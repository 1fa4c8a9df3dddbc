"""API routes of special inquiries (专题询问): questions, answers, and commitments tracked to closure."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from litestar import Controller, get, post
from litestar.di import Provide
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.models import Role
from minsheng.congress.roster import services as roster
from minsheng.errors import Forbidden, InvalidInput
from minsheng.http.dependencies import TenantAccess, provide_tenant_access
from minsheng.http.openapi import problems
from minsheng.http.pagination import Page, PageParam, PerPageParam
from minsheng.supervision.access import ANSWERERS, CLOSERS, READERS, RUNNERS
from minsheng.supervision.inquiries import services as inquiries
from minsheng.supervision.models import Commitment, InquiryQuestion, SpecialInquiry
from minsheng.supervision.schemas import (
    AnswerIn,
    CloseCommitment,
    CommitmentView,
    Created,
    InquiryView,
    NewInquiry,
    NewQuestion,
    PromiseIn,
    QuestionView,
)


def commitment_view(row: Commitment) -> CommitmentView:
    return CommitmentView(
        id=row.id,
        question_id=row.question_id,
        project_id=row.project_id,
        content=row.content,
        responsible_unit=row.responsible_unit,
        due_on=row.due_on,
        status=row.status,
        evidence_text=row.evidence_text,
        evidence_file_id=row.evidence_file_id,
        closed_by=row.closed_by,
        closed_at=row.closed_at,
        created_at=row.created_at,
    )


def question_view(row: InquiryQuestion, commitments: list[Commitment]) -> QuestionView:
    return QuestionView(
        id=row.id,
        position=row.position,
        asked_by=row.asked_by,
        question=row.question,
        answered_by=row.answered_by,
        answer=row.answer,
        answered_at=row.answered_at,
        commitments=[commitment_view(c) for c in commitments],
    )


async def inquiry_view(db_session: AsyncSession, inquiry: SpecialInquiry, *, full: bool) -> InquiryView:
    """An inquiry; ``full`` adds its questions with their answers and commitments."""
    questions = await inquiries.questions_of(db_session, inquiry.id)
    made = await inquiries.commitments_of_questions(db_session, [q.id for q in questions])
    open_count = sum(1 for rows in made.values() for c in rows if c.status == "open")
    return InquiryView(
        id=inquiry.id,
        project_id=inquiry.project_id,
        title=inquiry.title,
        held_on=inquiry.held_on,
        participants=list(inquiry.participants),
        created_by=inquiry.created_by,
        created_at=inquiry.created_at,
        questions=[question_view(q, made.get(q.id, [])) for q in questions] if full else [],
        open_commitments=open_count,
    )


def promise(data: PromiseIn) -> inquiries.Promise:
    return inquiries.Promise(data.content, data.responsible_unit, data.due_on)


class InquiriesController(Controller):
    path = "/api/v1/t/{slug:str}/inquiries"
    tags = ["supervision"]
    dependencies = {"access": Provide(provide_tenant_access)}

    @post("/", status_code=201, responses=problems(409))
    async def create(self, access: TenantAccess, data: NewInquiry, db_session: AsyncSession) -> Created:
        """Hold a special inquiry on a chosen project (presidium, tenant admins)."""
        user = access.require(*RUNNERS)
        inquiry = await inquiries.create_inquiry(
            db_session,
            data.project_id,
            title=data.title,
            held_on=data.held_on,
            participants=data.participants,
            actor=user.username,
        )
        return Created(id=inquiry.id)

    @get("/")
    async def list_inquiries(
        self,
        access: TenantAccess,
        db_session: AsyncSession,
        project_id: Annotated[uuid.UUID | None, QueryParameter(name="project_id")] = None,
        q: Annotated[str | None, QueryParameter(name="q", max_length=200, description="Search titles")] = None,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
    ) -> Page[InquiryView]:
        """The tenant's special inquiries, latest first, with each one's open commitments counted."""
        access.require(*READERS)
        rows, total = await inquiries.list_inquiries(
            db_session, page=page, per_page=per_page, project_id=project_id, q=q
        )
        return Page(items=[await inquiry_view(db_session, i, full=False) for i in rows], total=total)

    @get("/{inquiry_id:uuid}")
    async def get_inquiry(self, access: TenantAccess, inquiry_id: uuid.UUID, db_session: AsyncSession) -> InquiryView:
        """An inquiry with every question, who answered it, the answer and the commitments with their status."""
        access.require(*READERS)
        return await inquiry_view(db_session, await inquiries.get_inquiry(db_session, inquiry_id), full=True)

    @post("/{inquiry_id:uuid}/questions", status_code=201)
    async def ask(
        self, access: TenantAccess, inquiry_id: uuid.UUID, data: NewQuestion, db_session: AsyncSession
    ) -> Created:
        """A deputy asks (recorded under their roster name); presidium or staff type in a question with ``asked_by``."""
        user = access.require(Role.DEPUTY.value, *RUNNERS)
        staff = user.is_platform_admin or bool(access.roles.intersection(RUNNERS))
        if staff and data.asked_by:
            asked_by = data.asked_by
        else:
            deputy = await roster.deputy_of_user(db_session, user.user_id)
            if deputy is None:
                if staff:
                    raise InvalidInput("Name the deputy who asked the question")
                raise Forbidden("You are not a deputy on this tenant's roster")
            asked_by = deputy.name
        row = await inquiries.ask(
            db_session, inquiry_id, asked_by=asked_by, question=data.question, actor=user.username
        )
        return Created(id=row.id)


class InquiryQuestionsController(Controller):
    path = "/api/v1/t/{slug:str}/inquiry-questions"
    tags = ["supervision"]
    dependencies = {"access": Provide(provide_tenant_access)}

    @post("/{question_id:uuid}/answer", status_code=200, responses=problems(409))
    async def answer(
        self, access: TenantAccess, question_id: uuid.UUID, data: AnswerIn, db_session: AsyncSession
    ) -> QuestionView:
        """Record the official's answer and the fixes promised (each becomes an open commitment)."""
        user = access.require(*ANSWERERS)
        question, made = await inquiries.answer(
            db_session,
            question_id,
            answered_by=data.answered_by,
            text=data.answer,
            promises=[promise(p) for p in data.commitments],
            actor=user.username,
        )
        return question_view(question, made)

    @post("/{question_id:uuid}/commitments", status_code=201, responses=problems(409))
    async def commit(
        self, access: TenantAccess, question_id: uuid.UUID, data: PromiseIn, db_session: AsyncSession
    ) -> CommitmentView:
        """Add another fix promised in an answered question."""
        user = access.require(*ANSWERERS)
        row = await inquiries.add_commitment(db_session, question_id, promise(data), actor=user.username)
        return commitment_view(row)


class CommitmentsController(Controller):
    path = "/api/v1/t/{slug:str}/commitments"
    tags = ["supervision"]
    dependencies = {"access": Provide(provide_tenant_access)}

    @get("/")
    async def list_commitments(
        self,
        access: TenantAccess,
        db_session: AsyncSession,
        status: Annotated[Literal["open", "closed"] | None, QueryParameter(name="status")] = None,
        project_id: Annotated[uuid.UUID | None, QueryParameter(name="project_id")] = None,
        inquiry_id: Annotated[uuid.UUID | None, QueryParameter(name="inquiry_id")] = None,
        q: Annotated[
            str | None, QueryParameter(name="q", max_length=200, description="Search content and unit")
        ] = None,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
    ) -> Page[CommitmentView]:
        """Commitments to track, open ones first by due date; filter by status, project or inquiry."""
        access.require(*READERS)
        rows, total = await inquiries.list_commitments(
            db_session,
            page=page,
            per_page=per_page,
            status=status,
            project_id=project_id,
            inquiry_id=inquiry_id,
            q=q,
        )
        return Page(items=[commitment_view(c) for c in rows], total=total)

    @post("/{commitment_id:uuid}/close", status_code=200, responses=problems(409))
    async def close(
        self, access: TenantAccess, commitment_id: uuid.UUID, data: CloseCommitment, db_session: AsyncSession
    ) -> CommitmentView:
        """Close a commitment WITH evidence (text and/or an uploaded file): 422 without any."""
        user = access.require(*CLOSERS)
        row = await inquiries.close_commitment(
            db_session,
            commitment_id,
            evidence_text=data.evidence_text,
            evidence_file_id=data.evidence_file_id,
            actor=user.username,
        )
        return commitment_view(row)
