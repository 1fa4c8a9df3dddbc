"""Supervision (监督, platform/docs/domain.md stage 5): plans and groups, records, special inquiries and their
commitments, satisfaction evaluations with secret ratings, rectifications and the public evaluation.

Secret ratings follow the ballots (platform/docs/architecture.md, "Secret and verifiable ballots"): who rated
(``EvaluationParticipation``) and what was rated (``EvaluationRating``) share nothing but the
evaluation; a rating has a random id, no deputy, no user and no time. Both are ``WITHOUT ROWID`` on
SQLite, so rows are stored in key order (random for ratings), not in the order they were written.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from minsheng.db.base import Base, JsonColumn, TenantScoped, Timestamped, UtcDateTime, new_id


def _project_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["tenant_id", "project_id"], ["projects.tenant_id", "projects.id"])


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    ADOPTED = "adopted"  # adopted by the presidium (监督计划)


class SupervisionPlan(TenantScoped, Timestamped, Base):
    """The year's supervision plan (监督计划), adopted by the presidium: one per tenant and year."""

    __tablename__ = "supervision_plans"
    __table_args__ = (UniqueConstraint("tenant_id", "year"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=PlanStatus.DRAFT.value)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    adopted_by: Mapped[str | None] = mapped_column(String(64))
    adopted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class SupervisionGroup(TenantScoped, Timestamped, Base):
    """A supervision group (代表监督小组) following one chosen project ("点对点").

    Led by a presidium member (``leader_user_id``) or made of deputies of the roster (``deputy_ids``),
    or both; ``methods`` are the supervision method codes the plan sets for the project.
    """

    __tablename__ = "supervision_groups"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "plan_id"], ["supervision_plans.tenant_id", "supervision_plans.id"], ondelete="CASCADE"
        ),
        _project_fk(),
        UniqueConstraint("tenant_id", "plan_id", "project_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    plan_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    project_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    leader_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    deputy_ids: Mapped[list[str]] = mapped_column(JsonColumn, nullable=False, default=list)
    methods: Mapped[list[str]] = mapped_column(JsonColumn, nullable=False, default=list)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)


class SupervisionRecord(TenantScoped, Timestamped, Base):
    """What one supervision activity found (an inspection, a deliberation ...), per its method's fields.

    ``fields`` is validated against the method's declared JSON schemas; ``visits`` lists the places
    visited ({place, visited_on, notes}); photos are ``SupervisionPhoto`` rows pointing to stored files.
    """

    __tablename__ = "supervision_records"
    __table_args__ = (_project_fk(), Index("ix_supervision_records_tenant_project", "tenant_id", "project_id"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    project_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    method: Mapped[str] = mapped_column(String(50), nullable=False)
    fields: Mapped[dict[str, Any]] = mapped_column(JsonColumn, nullable=False, default=dict)
    visits: Mapped[list[dict[str, Any]]] = mapped_column(JsonColumn, nullable=False, default=list)
    recorded_by: Mapped[str] = mapped_column(String(64), nullable=False)


class SupervisionPhoto(TenantScoped, Base):
    """A photo of a supervision record: an image already uploaded to the tenant's files."""

    __tablename__ = "supervision_photos"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "record_id"], ["supervision_records.tenant_id", "supervision_records.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(["tenant_id", "file_id"], ["stored_files.tenant_id", "stored_files.id"]),
    )

    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    file_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class SpecialInquiry(TenantScoped, Timestamped, Base):
    """A special inquiry session (专题询问) on one project: deputies ask, officials answer in person."""

    __tablename__ = "special_inquiries"
    __table_args__ = (_project_fk(), Index("ix_special_inquiries_tenant_project", "tenant_id", "project_id"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    project_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    held_on: Mapped[date] = mapped_column(Date, nullable=False)
    participants: Mapped[list[str]] = mapped_column(JsonColumn, nullable=False, default=list)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)


class InquiryQuestion(TenantScoped, Timestamped, Base):
    """One question of an inquiry (一问一答): who asked, and once answered, who answered and what."""

    __tablename__ = "inquiry_questions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "inquiry_id"], ["special_inquiries.tenant_id", "special_inquiries.id"], ondelete="CASCADE"
        ),
        Index("ix_inquiry_questions_tenant_inquiry", "tenant_id", "inquiry_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    inquiry_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    asked_by: Mapped[str] = mapped_column(String(100), nullable=False)  # the deputy's name
    question: Mapped[str] = mapped_column(Text, nullable=False)
    answered_by: Mapped[str | None] = mapped_column(String(200))  # the official: name and office
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    recorded_by: Mapped[str] = mapped_column(String(64), nullable=False)


class CommitmentStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # closed with evidence


class Commitment(TenantScoped, Timestamped, Base):
    """A fix promised in an answer (整改承诺), open until closed with evidence (text and/or a file)."""

    __tablename__ = "commitments"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "question_id"], ["inquiry_questions.tenant_id", "inquiry_questions.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(["tenant_id", "evidence_file_id"], ["stored_files.tenant_id", "stored_files.id"]),
        _project_fk(),
        Index("ix_commitments_tenant_status", "tenant_id", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    question_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    project_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    responsible_unit: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=CommitmentStatus.OPEN.value)
    evidence_text: Mapped[str | None] = mapped_column(Text)
    evidence_file_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    closed_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)


class CommitmentEvidence(TenantScoped, Timestamped, Base):
    """Evidence the government files that a commitment was kept: a description, a file, or both.

    A file is evidence of one commitment only (the key on ``file_id``): evidence filed for one fix
    cannot be shown again as the proof of another.
    """

    __tablename__ = "commitment_evidence"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "commitment_id"], ["commitments.tenant_id", "commitments.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(["tenant_id", "file_id"], ["stored_files.tenant_id", "stored_files.id"]),
        UniqueConstraint("tenant_id", "file_id"),
        Index("ix_commitment_evidence_tenant_commitment", "tenant_id", "commitment_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    commitment_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    file_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    filed_by: Mapped[str] = mapped_column(String(64), nullable=False)


class EvaluationStatus(enum.StrEnum):
    SCHEDULED = "scheduled"  # a re-evaluation waiting for the rectification
    OPEN = "open"  # deputies rate
    CLOSED = "closed"  # decided by the tenant's satisfaction rule


class SatisfactionEvaluation(TenantScoped, Timestamped, Base):
    """A satisfaction evaluation (满意度测评) of one project by the deputies, and its result.

    ``members`` (全体代表) is fixed when it opens, like a round's ``entitled``. ``reevaluation_of``
    names the evaluation whose "unsatisfied" outcome called for this one (one re-evaluation each).
    """

    __tablename__ = "satisfaction_evaluations"
    __table_args__ = (
        _project_fk(),
        ForeignKeyConstraint(
            ["tenant_id", "reevaluation_of"], ["satisfaction_evaluations.tenant_id", "satisfaction_evaluations.id"]
        ),
        UniqueConstraint("tenant_id", "reevaluation_of"),
        Index("ix_satisfaction_evaluations_tenant_project", "tenant_id", "project_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    project_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=EvaluationStatus.OPEN.value)
    public: Mapped[bool] = mapped_column(default=False, nullable=False)  # citizens rate too (online)
    members: Mapped[int | None] = mapped_column(Integer)
    reevaluation_of: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    outcome: Mapped[str | None] = mapped_column(String(30))
    result: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The public half of the evaluation's key: every deputy's rating is sealed to it on arrival.
    rating_key: Mapped[bytes | None] = mapped_column(LargeBinary)


class EvaluationParticipation(TenantScoped, Base):
    """That a deputy rated in an evaluation, and nothing about how: the key refuses a second rating."""

    __tablename__ = "evaluation_participations"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "evaluation_id"],
            ["satisfaction_evaluations.tenant_id", "satisfaction_evaluations.id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(["tenant_id", "deputy_id"], ["deputies.tenant_id", "deputies.id"]),
        {"sqlite_with_rowid": False},
    )

    evaluation_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    deputy_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)


class SealedRating(TenantScoped, Base):
    """A deputy's rating as it arrives: sealed to the evaluation's public key, opened only at its close
    (as :class:`~minsheng.congress.models.SealedBallot` for a ballot)."""

    __tablename__ = "sealed_ratings"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "evaluation_id"],
            ["satisfaction_evaluations.tenant_id", "satisfaction_evaluations.id"],
            ondelete="CASCADE",
        ),
        {"sqlite_with_rowid": False},
    )

    evaluation_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    sealed: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class EvaluationRating(TenantScoped, Base):
    """One secret rating: a random id and the rating, written at the evaluation's close from its sealed
    form. No deputy, user, time, sequence or receipt."""

    __tablename__ = "evaluation_ratings"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "evaluation_id"],
            ["satisfaction_evaluations.tenant_id", "satisfaction_evaluations.id"],
            ondelete="CASCADE",
        ),
        {"sqlite_with_rowid": False},
    )

    # The evaluation leads the key so its ratings are read in key order, which is random.
    evaluation_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    rating: Mapped[str] = mapped_column(String(30), nullable=False)


class RectificationStatus(enum.StrEnum):
    OPEN = "open"
    REPORTED = "reported"  # the government reported the rectification done


class Rectification(TenantScoped, Timestamped, Base):
    """The rectification (整改) an "unsatisfied" outcome calls for: a deadline and a re-evaluation."""

    __tablename__ = "rectifications"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "evaluation_id"], ["satisfaction_evaluations.tenant_id", "satisfaction_evaluations.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "reevaluation_id"], ["satisfaction_evaluations.tenant_id", "satisfaction_evaluations.id"]
        ),
        _project_fk(),
        UniqueConstraint("tenant_id", "evaluation_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    evaluation_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    project_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    reevaluation_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    deadline: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=RectificationStatus.OPEN.value)
    report: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[str | None] = mapped_column(String(64))
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class PublicRating(TenantScoped, Base):
    """A citizen's online rating: one per verified phone, known only by a keyed hash of the number."""

    __tablename__ = "public_ratings"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "evaluation_id"],
            ["satisfaction_evaluations.tenant_id", "satisfaction_evaluations.id"],
            ondelete="CASCADE",
        ),
    )

    evaluation_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    phone_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    rating: Mapped[str] = mapped_column(String(30), nullable=False)


class PhoneVerification(TenantScoped, Base):
    """A verification code sent to a phone for the public evaluation (hashes only, never the number)."""

    __tablename__ = "phone_verifications"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "evaluation_id"],
            ["satisfaction_evaluations.tenant_id", "satisfaction_evaluations.id"],
            ondelete="CASCADE",
        ),
        Index("ix_phone_verifications_tenant_phone", "tenant_id", "evaluation_id", "phone_hash"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    evaluation_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    phone_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    used: Mapped[bool] = mapped_column(default=False, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
