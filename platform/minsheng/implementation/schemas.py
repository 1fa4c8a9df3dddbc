"""Request and response shapes of implementation: work plans, progress, meetings, adjustments."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

Short = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
LongText = Annotated[str, msgspec.Meta(max_length=10000)]
Money = Annotated[float, msgspec.Meta(ge=0, le=999_999_999_999)]
Year = Annotated[int, msgspec.Meta(ge=2000, le=2100)]
Quarter = Annotated[int, msgspec.Meta(ge=1, le=4)]
AdjustmentKind = Literal["amend", "postpone", "terminate"]
Decision = Literal["approved", "rejected"]


class MilestoneInput(msgspec.Struct):
    title: Short
    due: date


class WorkPlanInput(msgspec.Struct):
    responsible_unit: Short
    targets: Annotated[str, msgspec.Meta(min_length=1, max_length=10000)]
    budget: Money
    funding_source: Short
    deadline: date
    milestones: Annotated[list[MilestoneInput], msgspec.Meta(min_length=1, max_length=50)]
    safeguards: LongText = ""


class MilestoneView(msgspec.Struct):
    id: uuid.UUID
    title: str
    due: date


class WorkPlanView(msgspec.Struct):
    project_id: uuid.UUID
    responsible_unit: str
    targets: str
    budget: float
    funding_source: str
    deadline: date
    safeguards: str
    milestones: list[MilestoneView]
    filed_by: str
    filed_on: date
    due: date
    filed_late: bool


class ProgressInput(msgspec.Struct):
    spent: Money
    percent_done: Annotated[int, msgspec.Meta(ge=0, le=100)]
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=10000)]
    milestone_id: uuid.UUID | None = None
    year: Year | None = None
    quarter: Quarter | None = None
    photo_ids: Annotated[list[uuid.UUID], msgspec.Meta(max_length=9)] = []
    public: bool = True


class ProgressView(msgspec.Struct):
    id: uuid.UUID
    project_id: uuid.UUID
    milestone_id: uuid.UUID | None
    year: int
    quarter: int
    spent: float
    percent_done: int
    text: str
    public: bool
    photo_ids: list[uuid.UUID]
    reported_by: str
    reported_on: date
    created_at: datetime


class MeetingInput(msgspec.Struct):
    year: Year
    quarter: Quarter
    held_on: date
    attendees: Annotated[list[Annotated[str, msgspec.Meta(max_length=100)]], msgspec.Meta(min_length=1, max_length=500)]
    conclusions: Annotated[str, msgspec.Meta(min_length=1, max_length=20000)]
    project_ids: Annotated[list[uuid.UUID], msgspec.Meta(max_length=200)] = []


class MeetingView(msgspec.Struct):
    id: uuid.UUID
    year: int
    quarter: int
    held_on: date
    attendees: list[str]
    conclusions: str
    project_ids: list[str]
    recorded_by: str


class AdjustmentInput(msgspec.Struct):
    kind: AdjustmentKind
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=10000)]
    proposal: LongText = ""
    new_deadline: date | None = None


class DecisionInput(msgspec.Struct):
    """The body's decision and the meeting that took it (e.g. 县人大常委会第十二次会议, its date)."""

    decision: Decision
    notes: LongText = ""
    meeting_name: Annotated[str, msgspec.Meta(max_length=200)] = ""
    meeting_date: date | None = None


class AdjustmentView(msgspec.Struct):
    id: uuid.UUID
    project_id: uuid.UUID
    kind: str
    reason: str
    proposal: str
    new_deadline: date | None
    status: str
    decision_body: str
    proposed_by: str
    decided_by: str | None
    decided_at: datetime | None
    decision_notes: str
    notice: str
    created_at: datetime
    meeting_name: str | None = None
    meeting_date: date | None = None


class ImplementationView(msgspec.Struct):
    """A chosen project's implementation at a glance."""

    project_id: uuid.UUID
    title: str
    category: str
    vote_day: date
    rank: int | None
    status: str
    plan_due: date
    plan_filed: bool
    plan_filed_late: bool
    deadline: date | None
    budget: float
    spent: float
    percent_done: int
    terminated: bool


class StatisticsView(msgspec.Struct):
    projects: int
    completed: int
    budget: float
    spent: float
    average_percent: float
    terminated: int


class ImplementationList(msgspec.Struct):
    items: list[ImplementationView]
    total: int
    statistics: StatisticsView


class AlertView(msgspec.Struct):
    id: uuid.UUID
    project_id: uuid.UUID
    subject: str
    period: str
    stage: str
    due: date
    raised_at: datetime


class SessionReportInput(msgspec.Struct):
    session_id: uuid.UUID


class SessionReportView(msgspec.Struct):
    reported: int
