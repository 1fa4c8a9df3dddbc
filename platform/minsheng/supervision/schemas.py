"""Request and response shapes of supervision (platform/docs/api.md: satisfaction; plans, records, inquiries)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec

RatingName = Literal["satisfied", "basically_satisfied", "unsatisfied", "abstain"]
Title = Annotated[str, msgspec.Meta(max_length=200)]
Text = Annotated[str, msgspec.Meta(max_length=8000)]
Name = Annotated[str, msgspec.Meta(max_length=200)]


class Created(msgspec.Struct):
    id: uuid.UUID


# --- methods, plans, groups ---------------------------------------------------------------------------


class MethodFieldView(msgspec.Struct):
    code: str
    label: str
    schema: dict[str, Any]
    required: bool


class MethodView(msgspec.Struct):
    code: str
    label: str
    required: bool
    fields: list[MethodFieldView]


class ProjectBrief(msgspec.Struct):
    id: uuid.UUID
    title: str
    year: int
    category: str
    responsible_unit: str


class NewPlan(msgspec.Struct):
    year: Annotated[int, msgspec.Meta(ge=2000, le=2100)]
    title: Title


class NewGroup(msgspec.Struct):
    """A group for one chosen project: a presidium member (``leader``, a user name) and/or deputies."""

    project_id: uuid.UUID
    name: Title = ""
    leader: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    deputy_ids: list[uuid.UUID] = []
    methods: list[str] = []


class GroupView(msgspec.Struct):
    id: uuid.UUID
    project_id: uuid.UUID
    project_title: str
    name: str
    leader: str | None
    deputy_ids: list[uuid.UUID]
    methods: list[str]


class PlanView(msgspec.Struct):
    id: uuid.UUID
    year: int
    title: str
    status: str
    created_by: str
    adopted_by: str | None
    adopted_at: datetime | None
    groups: list[GroupView] = []


# --- records --------------------------------------------------------------------------------------------


class VisitIn(msgspec.Struct):
    place: Name
    visited_on: date | None = None
    notes: Text = ""


class NewRecord(msgspec.Struct):
    """A supervision record: ``fields`` as the method declares them, visits and photos (uploaded file ids)."""

    method: Annotated[str, msgspec.Meta(max_length=50)]
    fields: dict[str, Any] = {}
    visits: list[VisitIn] = []
    photo_ids: list[uuid.UUID] = []


class RecordView(msgspec.Struct):
    id: uuid.UUID
    project_id: uuid.UUID
    method: str
    fields: dict[str, Any]
    visits: list[dict[str, Any]]
    photo_ids: list[uuid.UUID]
    recorded_by: str
    created_at: datetime


class CoverageView(msgspec.Struct):
    """Which required methods (the plugins' and the plan's) a project has records of, and which are missing."""

    project_id: uuid.UUID
    required: list[str]
    done: list[str]
    missing: list[str]


# --- inquiries and commitments ----------------------------------------------------------------------


class NewInquiry(msgspec.Struct):
    project_id: uuid.UUID
    held_on: date
    title: Title = ""
    participants: list[Name] = []


class NewQuestion(msgspec.Struct):
    """A deputy asks (``asked_by`` is their name from the roster); staff may type in who asked."""

    question: Text
    asked_by: Name | None = None


class PromiseIn(msgspec.Struct):
    content: Text
    responsible_unit: Name = ""
    due_on: date | None = None


class AnswerIn(msgspec.Struct):
    answered_by: Name
    answer: Text
    commitments: list[PromiseIn] = []


class CloseCommitment(msgspec.Struct):
    """Evidence that the fix was made: a description, an uploaded file, or both (one is needed)."""

    evidence_text: Text | None = None
    evidence_file_id: uuid.UUID | None = None


class EvidenceIn(msgspec.Struct):
    """The government's evidence that a commitment was kept: a description, an uploaded file, or both."""

    evidence_text: Text | None = None
    evidence_file_id: uuid.UUID | None = None


class EvidenceView(msgspec.Struct):
    id: uuid.UUID
    commitment_id: uuid.UUID
    text: str
    file_id: uuid.UUID | None
    filed_by: str
    created_at: datetime


class CommitmentView(msgspec.Struct):
    id: uuid.UUID
    question_id: uuid.UUID
    project_id: uuid.UUID
    content: str
    responsible_unit: str
    due_on: date | None
    status: str
    evidence_text: str | None
    evidence_file_id: uuid.UUID | None
    closed_by: str | None
    closed_at: datetime | None
    created_at: datetime
    evidence: list[EvidenceView] = []


class QuestionView(msgspec.Struct):
    id: uuid.UUID
    position: int
    asked_by: str
    question: str
    answered_by: str | None
    answer: str | None
    answered_at: datetime | None
    commitments: list[CommitmentView]


class InquiryView(msgspec.Struct):
    id: uuid.UUID
    project_id: uuid.UUID
    title: str
    held_on: date
    participants: list[str]
    created_by: str
    created_at: datetime
    questions: list[QuestionView] = []
    open_commitments: int = 0


# --- satisfaction evaluations -------------------------------------------------------------------------


class NewEvaluation(msgspec.Struct):
    title: Title | None = None
    public: bool = False
    """Let citizens rate online too (the tenant's setting ``public_evaluation`` must allow it)."""


class RatingIn(msgspec.Struct):
    rating: RatingName


class Receipt(msgspec.Struct):
    receipt: str


class EvaluationResult(msgspec.Struct):
    """platform/docs/api.md: ``{outcome, counts, rectification_required}``, with the figures behind them."""

    outcome: str
    counts: dict[str, int]
    rectification_required: bool
    members: int
    reason: str | None
    receipts: list[str]
    chain_head: str
    rectification_id: uuid.UUID | None = None
    reevaluation_id: uuid.UUID | None = None
    rectification_deadline: date | None = None


class EvaluationView(msgspec.Struct):
    id: uuid.UUID
    project_id: uuid.UUID
    title: str
    status: str
    public: bool
    members: int | None
    ratings_received: int
    reevaluation_of: uuid.UUID | None
    outcome: str | None
    opened_at: datetime | None
    closed_at: datetime | None
    result: EvaluationResult | None = None
    public_counts: dict[str, int] | None = None
    rated: bool | None = None  # for a deputy: whether they have rated


class RectificationView(msgspec.Struct):
    id: uuid.UUID
    evaluation_id: uuid.UUID
    project_id: uuid.UUID
    reevaluation_id: uuid.UUID
    deadline: date
    status: str
    report: str | None
    reported_by: str | None
    reported_at: datetime | None


class RectificationReport(msgspec.Struct):
    report: Text


# --- the public evaluation ---------------------------------------------------------------------------


class CodeRequest(msgspec.Struct):
    phone: Annotated[str, msgspec.Meta(max_length=30)]


class PublicRatingIn(msgspec.Struct):
    phone: Annotated[str, msgspec.Meta(max_length=30)]
    code: Annotated[str, msgspec.Meta(max_length=12)]
    rating: RatingName


class PublicEvaluationView(msgspec.Struct):
    """What citizens see: the project, whether rating is open, and (once closed) both results apart."""

    id: uuid.UUID
    project_id: uuid.UUID
    title: str
    status: str
    public_counts: dict[str, int] | None
    deputies_outcome: str | None
