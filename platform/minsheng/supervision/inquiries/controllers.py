"""API routes of special inquiries (专题询问): questions, answers, and commitments tracked to closure.

Who may do what is the permission table's (platform/docs/roles.md): the congress office and the
standing committee hold inquiries, deputies ask, the government answers, promises fixes and files the
evidence that it kept them; only the standing committee (in a township the presidium) closes a
commitment, never the government that made it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated, Literal

from litestar import Controller, get, post
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.http.openapi import problems
from minsheng.http.pagination import Page, PageParam, PerPageParam
from minsheng.http.scope import TenantScope, requires
from minsheng.permissions import Permission
from minsheng.supervision.inquiries import services as inquiries
from minsheng.supervision.inquiries.askers import asker
from minsheng.supervision.models import Commitment, CommitmentEvidence, InquiryQuestion, SpecialInquiry
from minsheng.supervision.schemas import (
    AnswerIn,
    CloseCommitment,
    CommitmentView,
    Created,
    EvidenceIn,
    EvidenceView,
    InquiryView,
    NewInquiry,
    NewQuestion,
    PromiseIn,
    QuestionView,
)


def evidence_view(row: CommitmentEvidence) -> EvidenceView:
    return EvidenceView(
        id=row.id,
        commitment_id=row.commitment_id,
        text=row.text,
        file_id=row.file_id,
        filed_by=row.filed_by,
        created_at=row.created_at,
    )


def commitment_view(row: Commitment, evidence: Sequence[CommitmentEvidence] = ()) -> CommitmentView:
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
        evidence=[evidence_view(e) for e in evidence],
    )


def question_view(
    row: InquiryQuestion,
    commitments: list[Commitment],
    evidence: dict[uuid.UUID, list[CommitmentEvidence]] | None = None,
) -> QuestionView:
    return QuestionView(
        id=row.id,
        position=row.position,
        asked_by=row.asked_by,
        question=row.question,
        answered_by=row.answered_by,
        answer=row.answer,
        answered_at=row.answered_at,
        commitments=[commitment_view(c, (evidence or {}).get(c.id, ())) for c in commitments],
    )


async def inquiry_view(db_session: AsyncSession, inquiry: SpecialInquiry, *, full: bool) -> InquiryView:
    """An inquiry; ``full`` adds its questions with their answers and commitments."""
    questions = await inquiries.questions_of(db_session, inquiry.id)
    made = await inquiries.commitments_of_questions(db_session, [q.id for q in questions])
    open_count = sum(1 for rows in made.values() for c in rows if c.status == "open")
    evidence = await inquiries.evidence_of(db_session, [c.id for rows in made.values() for c in rows]) if full else {}
    return InquiryView(
        id=inquiry.id,
        project_id=inquiry.project_id,
        title=inquiry.title,
        held_on=inquiry.held_on,
        participants=list(inquiry.participants),
        created_by=inquiry.created_by,
        created_at=inquiry.created_at,
        questions=[question_view(q, made.get(q.id, []), evidence) for q in questions] if full else [],
        open_commitments=open_count,
    )


def promise(data: PromiseIn) -> inquiries.Promise:
    return inquiries.Promise(data.content, data.responsible_unit, data.due_on)


class InquiriesController(Controller):
    path = "/api/v1/t/{slug:str}/inquiries"
    tags = ["supervision"]

    @requires(Permission.INQUIRIES_HOLD)
    @post("/", status_code=201, responses=problems(409))
    async def create(self, access: TenantScope, data: NewInquiry, db_session: AsyncSession) -> Created:
        """Hold a special inquiry on a chosen project (presidium, tenant admins)."""
        user = access.user
        inquiry = await inquiries.create_inquiry(
            db_session,
            data.project_id,
            title=data.title,
            held_on=data.held_on,
            participants=data.participants,
            actor=user.username,
        )
        return Created(id=inquiry.id)

    @requires(Permission.SUPERVISION_READ)
    @get("/")
    async def list_inquiries(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        project_id: Annotated[uuid.UUID | None, QueryParameter(name="project_id")] = None,
        q: Annotated[str | None, QueryParameter(name="q", max_length=200, description="Search titles")] = None,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
    ) -> Page[InquiryView]:
        """The tenant's special inquiries, latest first, with each one's open commitments counted."""
        rows, total = await inquiries.list_inquiries(
            db_session, page=page, per_page=per_page, project_id=project_id, q=q
        )
        return Page(items=[await inquiry_view(db_session, i, full=False) for i in rows], total=total)

    @requires(Permission.SUPERVISION_READ)
    @get("/{inquiry_id:uuid}")
    async def get_inquiry(self, access: TenantScope, inquiry_id: uuid.UUID, db_session: AsyncSession) -> InquiryView:
        """An inquiry with every question, who answered it, the answer and the commitments with their status."""
        return await inquiry_view(db_session, await inquiries.get_inquiry(db_session, inquiry_id), full=True)

    @requires(Permission.SUPERVISION_READ)
    @post("/{inquiry_id:uuid}/questions", status_code=201)
    async def ask(
        self, access: TenantScope, inquiry_id: uuid.UUID, data: NewQuestion, db_session: AsyncSession
    ) -> Created:
        """A deputy asks (recorded under their roster name); those who hold the inquiry type in a question
        with ``asked_by``, the deputy who asked it. 403 for a member who may do neither."""
        user = access.user
        asked_by = await asker(db_session, access, data.asked_by)
        row = await inquiries.ask(
            db_session, inquiry_id, asked_by=asked_by, question=data.question, actor=user.username
        )
        return Created(id=row.id)


class InquiryQuestionsController(Controller):
    path = "/api/v1/t/{slug:str}/inquiry-questions"
    tags = ["supervision"]

    @requires(Permission.INQUIRIES_ANSWER)
    @post("/{question_id:uuid}/answer", status_code=200, responses=problems(409))
    async def answer(
        self, access: TenantScope, question_id: uuid.UUID, data: AnswerIn, db_session: AsyncSession
    ) -> QuestionView:
        """Record the official's answer and the fixes promised (each becomes an open commitment)."""
        user = access.user
        question, made = await inquiries.answer(
            db_session,
            question_id,
            answered_by=data.answered_by,
            text=data.answer,
            promises=[promise(p) for p in data.commitments],
            actor=user.username,
        )
        return question_view(question, made)

    @requires(Permission.INQUIRIES_ANSWER)
    @post("/{question_id:uuid}/commitments", status_code=201, responses=problems(409))
    async def commit(
        self, access: TenantScope, question_id: uuid.UUID, data: PromiseIn, db_session: AsyncSession
    ) -> CommitmentView:
        """Add another fix promised in an answered question."""
        user = access.user
        row = await inquiries.add_commitment(db_session, question_id, promise(data), actor=user.username)
        return commitment_view(row)


class CommitmentsController(Controller):
    path = "/api/v1/t/{slug:str}/commitments"
    tags = ["supervision"]

    @requires(Permission.SUPERVISION_READ)
    @get("/")
    async def list_commitments(
        self,
        access: TenantScope,
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
        rows, total = await inquiries.list_commitments(
            db_session,
            page=page,
            per_page=per_page,
            status=status,
            project_id=project_id,
            inquiry_id=inquiry_id,
            q=q,
        )
        evidence = await inquiries.evidence_of(db_session, [c.id for c in rows])
        return Page(items=[commitment_view(c, evidence[c.id]) for c in rows], total=total)

    @requires(Permission.COMMITMENTS_EVIDENCE)
    @post("/{commitment_id:uuid}/evidence", status_code=201, responses=problems(409))
    async def file_evidence(
        self, access: TenantScope, commitment_id: uuid.UUID, data: EvidenceIn, db_session: AsyncSession
    ) -> EvidenceView:
        """The government files evidence that the fix was made (text and/or an uploaded file): 422 without
        any, or for a file that is the evidence of another commitment or a photo of another project;
        409 once the commitment is closed."""
        row = await inquiries.file_evidence(
            db_session,
            commitment_id,
            text=data.evidence_text,
            file_id=data.evidence_file_id,
            actor=access.user.username,
        )
        return evidence_view(row)

    @requires(Permission.SUPERVISION_READ)
    @get("/{commitment_id:uuid}/evidence")
    async def list_evidence(
        self, access: TenantScope, commitment_id: uuid.UUID, db_session: AsyncSession
    ) -> Page[EvidenceView]:
        """The evidence filed for a commitment, in the order it was filed."""
        commitment = await inquiries.get_commitment(db_session, commitment_id)
        rows = (await inquiries.evidence_of(db_session, [commitment.id]))[commitment.id]
        return Page(items=[evidence_view(e) for e in rows], total=len(rows))

    @requires(Permission.COMMITMENTS_CLOSE)
    @post("/{commitment_id:uuid}/close", status_code=200, responses=problems(409))
    async def close(
        self, access: TenantScope, commitment_id: uuid.UUID, data: CloseCommitment, db_session: AsyncSession
    ) -> CommitmentView:
        """The standing committee (in a township the presidium) closes a commitment on its evidence: what
        the body gives (text and/or an uploaded file) or what the government filed; 422 without any, or
        for a file that is the evidence of another commitment or a photo of another project."""
        user = access.user
        row = await inquiries.close_commitment(
            db_session,
            commitment_id,
            evidence_text=data.evidence_text,
            evidence_file_id=data.evidence_file_id,
            actor=user.username,
        )
        return commitment_view(row, (await inquiries.evidence_of(db_session, [row.id]))[row.id])
