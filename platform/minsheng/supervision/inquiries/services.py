"""Special inquiry sessions (专题询问): deputies ask, officials answer in person, one question one
answer; every fix promised is a commitment followed up until it is closed with evidence.

platform/docs/domain.md, stage 5: "the answers and promised fixes are recorded and followed up". The government
files evidence that a fix was made; the standing committee (in a township the presidium) closes the
commitment on that evidence (platform/docs/roles.md): a commitment stays open until it is closed WITH
evidence (text, a file, or both) about that commitment.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit import services as audit
from minsheng.db.base import utcnow
from minsheng.db.listing import page_of
from minsheng.db.lookup import one_or_not_found
from minsheng.errors import Conflict, FieldProblem, InvalidFields, InvalidInput, NotFound
from minsheng.files import services as files
from minsheng.implementation import progress
from minsheng.supervision import rules
from minsheng.supervision.models import (
    Commitment,
    CommitmentEvidence,
    CommitmentStatus,
    InquiryQuestion,
    SpecialInquiry,
)
from minsheng.supervision.plans import services as plans
from minsheng.supervision.records import services as records


@dataclass(frozen=True)
class Promise:
    """A fix promised in an answer: what, by which unit, by when."""

    content: str
    responsible_unit: str = ""
    due_on: date | None = None


async def create_inquiry(
    session: AsyncSession,
    project_id: uuid.UUID,
    *,
    title: str,
    held_on: date,
    participants: Sequence[str],
    actor: str,
) -> SpecialInquiry:
    """Hold a special inquiry on a chosen project (409 for a project not chosen by a vote)."""
    project = await plans.require_chosen(session, project_id)
    inquiry = SpecialInquiry(
        project_id=project.id,
        title=title.strip() or project.title,
        held_on=held_on,
        participants=[p.strip() for p in participants if p.strip()],
        created_by=actor,
    )
    session.add(inquiry)
    await session.flush()
    await audit.record(
        session,
        "inquiry.created",
        actor=actor,
        subject=str(inquiry.id),
        payload={"project": str(project.id), "title": inquiry.title, "held_on": held_on.isoformat()},
    )
    return inquiry


async def get_inquiry(session: AsyncSession, inquiry_id: uuid.UUID) -> SpecialInquiry:
    """An inquiry of the tenant in context, or 404."""
    query = select(SpecialInquiry).where(SpecialInquiry.id == inquiry_id)
    return await one_or_not_found(
        session, query, NotFound("No special inquiry {inquiry} in this tenant", inquiry=str(inquiry_id))
    )


async def list_inquiries(
    session: AsyncSession, *, page: int, per_page: int, project_id: uuid.UUID | None = None, q: str | None = None
) -> tuple[list[SpecialInquiry], int]:
    """The tenant's inquiries, latest first; ``q`` searches titles."""
    query = select(SpecialInquiry)
    if project_id is not None:
        query = query.where(SpecialInquiry.project_id == project_id)
    if q:
        query = query.where(SpecialInquiry.title.ilike(f"%{q.strip()}%"))
    order = (SpecialInquiry.held_on.desc(), SpecialInquiry.created_at.desc())
    return await page_of(session, query, *order, page=page, per_page=per_page)


async def ask(
    session: AsyncSession, inquiry_id: uuid.UUID, *, asked_by: str, question: str, actor: str
) -> InquiryQuestion:
    """Add a deputy's question to the inquiry, after the ones already asked."""
    inquiry = await get_inquiry(session, inquiry_id)
    if not question.strip():
        raise InvalidInput("A question needs its text")
    count = select(func.count()).select_from(InquiryQuestion).where(InquiryQuestion.inquiry_id == inquiry.id)
    row = InquiryQuestion(
        inquiry_id=inquiry.id,
        position=int((await session.execute(count)).scalar_one()) + 1,
        asked_by=asked_by.strip(),
        question=question.strip(),
        recorded_by=actor,
    )
    session.add(row)
    await session.flush()
    await audit.record(
        session,
        "inquiry.question_asked",
        actor=actor,
        subject=str(row.id),
        payload={"inquiry": str(inquiry.id), "asked_by": row.asked_by, "position": row.position},
    )
    return row


async def get_question(session: AsyncSession, question_id: uuid.UUID) -> InquiryQuestion:
    """A question of the tenant in context, or 404."""
    query = select(InquiryQuestion).where(InquiryQuestion.id == question_id)
    return await one_or_not_found(
        session, query, NotFound("No inquiry question {question} in this tenant", question=str(question_id))
    )


async def answer(
    session: AsyncSession,
    question_id: uuid.UUID,
    *,
    answered_by: str,
    text: str,
    promises: Sequence[Promise],
    actor: str,
) -> tuple[InquiryQuestion, list[Commitment]]:
    """Record the official's answer and the fixes it promises (each a commitment, open); 409 if answered."""
    question = await get_question(session, question_id)
    if question.answer is not None:
        raise Conflict("The question has been answered already")
    if not answered_by.strip() or not text.strip():
        raise InvalidInput("An answer needs the official who gave it and its text")
    question.answered_by = answered_by.strip()
    question.answer = text.strip()
    question.answered_at = utcnow()
    await session.flush()
    made = [await _commit(session, question, promise, actor=actor) for promise in promises]
    await audit.record(
        session,
        "inquiry.question_answered",
        actor=actor,
        subject=str(question.id),
        payload={"answered_by": question.answered_by, "commitments": [str(c.id) for c in made]},
    )
    return question, made


async def _commit(session: AsyncSession, question: InquiryQuestion, promise: Promise, *, actor: str) -> Commitment:
    if not promise.content.strip():
        raise InvalidInput("A commitment needs the fix that was promised")
    inquiry = await get_inquiry(session, question.inquiry_id)
    commitment = Commitment(
        question_id=question.id,
        project_id=inquiry.project_id,
        content=promise.content.strip(),
        responsible_unit=promise.responsible_unit.strip(),
        due_on=promise.due_on,
        created_by=actor,
    )
    session.add(commitment)
    await session.flush()
    return commitment


async def add_commitment(session: AsyncSession, question_id: uuid.UUID, promise: Promise, *, actor: str) -> Commitment:
    """Add a fix promised for an answered question (an answer may promise several)."""
    question = await get_question(session, question_id)
    if question.answer is None:
        raise Conflict("Record the answer before the fixes it promises")
    commitment = await _commit(session, question, promise, actor=actor)
    await audit.record(
        session,
        "commitment.made",
        actor=actor,
        subject=str(commitment.id),
        payload={"question": str(question.id), "content": commitment.content},
    )
    return commitment


async def get_commitment(session: AsyncSession, commitment_id: uuid.UUID) -> Commitment:
    """A commitment of the tenant in context, or 404."""
    query = select(Commitment).where(Commitment.id == commitment_id)
    return await one_or_not_found(
        session, query, NotFound("No commitment {commitment} in this tenant", commitment=str(commitment_id))
    )


async def _file_uses(session: AsyncSession, file_id: uuid.UUID) -> list[rules.FileUse]:
    """Where a file already serves: evidence of commitments, photos of projects' reports and records."""
    filed = select(CommitmentEvidence.commitment_id).where(CommitmentEvidence.file_id == file_id)
    closed_with = select(Commitment.id).where(Commitment.evidence_file_id == file_id)
    commitments = set((await session.execute(filed)).scalars()) | set((await session.execute(closed_with)).scalars())
    projects = await progress.projects_of_photo(session, file_id) | await records.projects_of_photo(session, file_id)
    return [rules.FileUse(commitment_id=c) for c in commitments] + [rules.FileUse(project_id=p) for p in projects]


async def _check_evidence_file(session: AsyncSession, commitment: Commitment, file_id: uuid.UUID) -> None:
    """422 unless the file (of this tenant) may be the evidence of ``commitment``."""
    stored = await files.get_file(session, file_id)
    problem = rules.evidence_file_problem(commitment.id, commitment.project_id, await _file_uses(session, file_id))
    if problem is not None:
        raise InvalidFields(
            problem.message,
            problems=[FieldProblem("evidence_file_id", problem)],
            filename=stored.filename,
        )


async def _add_evidence(
    session: AsyncSession, commitment: Commitment, text: str, file_id: uuid.UUID | None, *, actor: str
) -> CommitmentEvidence:
    if file_id is not None:
        await _check_evidence_file(session, commitment, file_id)
    evidence = CommitmentEvidence(commitment_id=commitment.id, text=text.strip(), file_id=file_id, filed_by=actor)
    try:
        async with session.begin_nested():
            session.add(evidence)
    except IntegrityError as exc:
        # Another request filed the same file for another commitment at the same moment.
        stored = await files.get_file(session, file_id) if file_id else None
        raise InvalidInput(
            "The file {filename} is the evidence of another commitment", filename=stored.filename if stored else ""
        ) from exc
    return evidence


async def file_evidence(
    session: AsyncSession, commitment_id: uuid.UUID, *, text: str | None, file_id: uuid.UUID | None, actor: str
) -> CommitmentEvidence:
    """The government files evidence that a commitment was kept: a description, a file, or both.

    422 without either, or for a file that is the evidence of another commitment or a photo of another
    project; 409 once the commitment is closed. Only the standing committee (in a township the
    presidium) closes a commitment (platform/docs/roles.md): the government never closes its own.
    """
    commitment = await get_commitment(session, commitment_id)
    if commitment.status == CommitmentStatus.CLOSED.value:
        raise Conflict("The commitment is closed already")
    problem = rules.evidence_problem(text, file_id is not None)
    if problem is not None:
        raise InvalidInput(problem.message, **problem.params)
    evidence = await _add_evidence(session, commitment, text or "", file_id, actor=actor)
    await audit.record(
        session,
        "commitment.evidence_filed",
        actor=actor,
        subject=str(commitment.id),
        payload={"evidence": str(evidence.id), "text": evidence.text, "file": str(file_id) if file_id else None},
    )
    return evidence


async def evidence_of(
    session: AsyncSession, commitment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[CommitmentEvidence]]:
    """Each commitment's evidence, in the order it was filed."""
    found: dict[uuid.UUID, list[CommitmentEvidence]] = {commitment_id: [] for commitment_id in commitment_ids}
    if not commitment_ids:
        return found
    query = select(CommitmentEvidence).where(CommitmentEvidence.commitment_id.in_(list(commitment_ids)))
    order = (CommitmentEvidence.created_at, CommitmentEvidence.id)
    for row in (await session.execute(query.order_by(*order))).scalars():
        found[row.commitment_id].append(row)
    return found


async def close_commitment(
    session: AsyncSession,
    commitment_id: uuid.UUID,
    *,
    evidence_text: str | None,
    evidence_file_id: uuid.UUID | None,
    actor: str,
) -> Commitment:
    """Close a commitment on its evidence: what is given here, else what the government filed.

    422 without any evidence, or for a file that is the evidence of another commitment or a photo of
    another project; 409 when it is closed already.
    """
    commitment = await get_commitment(session, commitment_id)
    if commitment.status == CommitmentStatus.CLOSED.value:
        raise Conflict("The commitment is closed already")
    filed = (await evidence_of(session, [commitment.id]))[commitment.id]
    given_text = (evidence_text or "").strip()
    problem = rules.closing_evidence_problem(given_text, evidence_file_id is not None or bool(filed))
    if problem is not None:
        raise InvalidInput(problem.message, **problem.params)
    if evidence_file_id is not None and evidence_file_id not in {e.file_id for e in filed}:
        await _add_evidence(session, commitment, given_text, evidence_file_id, actor=actor)
    latest_text = next((e.text for e in reversed(filed) if e.text), None)
    latest_file = next((e.file_id for e in reversed(filed) if e.file_id), None)
    commitment.status = CommitmentStatus.CLOSED.value
    commitment.evidence_text = given_text or latest_text
    commitment.evidence_file_id = evidence_file_id or latest_file
    commitment.closed_by = actor
    commitment.closed_at = utcnow()
    await session.flush()
    await audit.record(
        session,
        "commitment.closed",
        actor=actor,
        subject=str(commitment.id),
        payload={
            "evidence_text": commitment.evidence_text,
            "evidence_file": str(commitment.evidence_file_id) if commitment.evidence_file_id else None,
            "evidence_filed": [str(e.id) for e in filed],
        },
    )
    return commitment


async def list_commitments(
    session: AsyncSession,
    *,
    page: int,
    per_page: int,
    status: str | None = None,
    project_id: uuid.UUID | None = None,
    inquiry_id: uuid.UUID | None = None,
    q: str | None = None,
) -> tuple[list[Commitment], int]:
    """Commitments to track: open first, then by due date; filtered and searched (content, unit)."""
    query = select(Commitment)
    if status:
        query = query.where(Commitment.status == status)
    if project_id is not None:
        query = query.where(Commitment.project_id == project_id)
    if inquiry_id is not None:
        questions = select(InquiryQuestion.id).where(InquiryQuestion.inquiry_id == inquiry_id)
        query = query.where(Commitment.question_id.in_(questions))
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(or_(Commitment.content.ilike(pattern), Commitment.responsible_unit.ilike(pattern)))
    order = (Commitment.status.desc(), Commitment.due_on.is_(None), Commitment.due_on, Commitment.created_at)
    return await page_of(session, query, *order, page=page, per_page=per_page)


async def questions_of(session: AsyncSession, inquiry_id: uuid.UUID) -> list[InquiryQuestion]:
    """The inquiry's questions in the order they were asked."""
    query = select(InquiryQuestion).where(InquiryQuestion.inquiry_id == inquiry_id)
    return list((await session.execute(query.order_by(InquiryQuestion.position))).scalars())


async def commitments_of_questions(
    session: AsyncSession, question_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Commitment]]:
    """Each question's commitments, in the order they were made."""
    found: dict[uuid.UUID, list[Commitment]] = {question_id: [] for question_id in question_ids}
    if not question_ids:
        return found
    query = select(Commitment).where(Commitment.question_id.in_(question_ids))
    for row in (await session.execute(query.order_by(Commitment.created_at, Commitment.id))).scalars():
        found[row.question_id].append(row)
    return found
