"""The inquiry record (专题询问记录): every question, who answered it, the answer, and every fix promised
with its status, from one special inquiry. Dates are the inquiry's and the commitments' own.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.documents.kinds import DocumentKind
from minsheng.documents.wording import chinese_date
from minsheng.errors import InvalidInput
from minsheng.plugins.tenant import TenantView
from minsheng.projects import services as projects
from minsheng.supervision.inquiries import services as inquiries
from minsheng.supervision.models import Commitment, CommitmentStatus

TEMPLATES = Path(__file__).resolve().parent / "document_templates"
STATUS_WORDS = {CommitmentStatus.OPEN.value: "未办结", CommitmentStatus.CLOSED.value: "已办结"}


def _commitment(row: Commitment) -> dict[str, Any]:
    return {
        "content": row.content,
        "responsible_unit": row.responsible_unit,
        "due_on": chinese_date(row.due_on),
        "status": STATUS_WORDS[row.status],
        "closed": row.status == CommitmentStatus.CLOSED.value,
        "evidence": row.evidence_text or ("见附件" if row.evidence_file_id else ""),
        "closed_on": chinese_date(row.closed_at),
    }


async def inquiry_record_context(
    session: AsyncSession, tenant: TenantView, subject_id: uuid.UUID | None
) -> dict[str, Any]:
    """专题询问记录: the project, when and who, each question and answer, the commitments and their status.

    Each question also carries ``promised_fix`` (its commitments joined), the key region templates use.
    """
    if subject_id is None:
        raise InvalidInput("This document needs the subject_id of a special inquiry")
    inquiry = await inquiries.get_inquiry(session, subject_id)
    project = await projects.get(session, inquiry.project_id)
    questions = await inquiries.questions_of(session, inquiry.id)
    made = await inquiries.commitments_of_questions(session, [q.id for q in questions])
    lines: list[dict[str, Any]] = []
    for question in questions:
        commitments = [_commitment(c) for c in made.get(question.id, [])]
        lines.append(
            {
                "asked_by": question.asked_by,
                "question": question.question,
                "answered_by": question.answered_by or "",
                "answer": question.answer or "",
                "promised_fix": "；".join(c["content"] for c in commitments),
                "commitments": commitments,
            }
        )
    every = [c for line in lines for c in line["commitments"]]
    return {
        "project": {"title": project.title, "responsible_unit": project.responsible_unit},
        "inquiry": {
            "title": inquiry.title,
            "held_on": chinese_date(inquiry.held_on),
            "participants": list(inquiry.participants),
            "questions": lines,
        },
        "commitments": every,
        "open_commitments": sum(1 for c in every if not c["closed"]),
        "document_date": inquiry.held_on.isoformat(),
    }


async def inquiry_subjects(session: AsyncSession) -> list[tuple[uuid.UUID, str]]:
    """The inquiries a staff page offers, latest first."""
    rows, _total = await inquiries.list_inquiries(session, page=1, per_page=100)
    return [(row.id, f"{row.title}（{chinese_date(row.held_on)}）") for row in rows]


#: The kinds of this context, for its registration list (``wiring.py``).
KINDS: list[DocumentKind] = []
KINDS.append(
    DocumentKind(
        code="inquiry_record",
        label="专题询问记录",
        formats=("pdf", "docx"),
        build_context=inquiry_record_context,
        template_dir=TEMPLATES,
        default_template="inquiry_record.md.j2",
        subject_required=True,
        roles=("tenant_admin", "presidium", "government"),
        list_subjects=inquiry_subjects,
    )
)
