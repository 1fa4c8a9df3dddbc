"""Request and response shapes of the project pool, screening and the candidate list (platform/docs/api.md)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
LongText = Annotated[str, msgspec.Meta(max_length=10000)]
Short = Annotated[str, msgspec.Meta(max_length=200)]
Category = Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
# In yuan; Numeric(14, 2) holds up to a trillion.
Budget = Annotated[float, msgspec.Meta(ge=0, le=999_999_999_999)]
Ids = Annotated[list[uuid.UUID], msgspec.Meta(max_length=1000)]
StatusName = Literal["pool", "accepted", "rejected"]
Extra = dict[str, Any]


class NewProject(msgspec.Struct):
    title: Title
    content: Annotated[str, msgspec.Meta(min_length=1, max_length=10000)]
    category: Category
    budget: Budget | None = None
    responsible_unit: Short = ""
    deadline: date | None = None
    target: LongText = ""
    location: Short = ""
    funding_source: Short = ""
    multi_year: bool = False
    extra: Extra = {}
    suggestion_ids: Ids = []


class ProjectChanges(msgspec.Struct):
    """The fields to change; a field left out keeps its value (``null`` clears budget and deadline)."""

    title: Title | msgspec.UnsetType = msgspec.UNSET
    content: Annotated[str, msgspec.Meta(min_length=1, max_length=10000)] | msgspec.UnsetType = msgspec.UNSET
    category: Category | msgspec.UnsetType = msgspec.UNSET
    target: LongText | msgspec.UnsetType = msgspec.UNSET
    location: Short | msgspec.UnsetType = msgspec.UNSET
    budget: Budget | msgspec.UnsetType | None = msgspec.UNSET
    funding_source: Short | msgspec.UnsetType = msgspec.UNSET
    responsible_unit: Short | msgspec.UnsetType = msgspec.UNSET
    deadline: date | msgspec.UnsetType | None = msgspec.UNSET
    multi_year: bool | msgspec.UnsetType = msgspec.UNSET
    extra: Extra | msgspec.UnsetType = msgspec.UNSET


class SuggestionIds(msgspec.Struct):
    suggestion_ids: Annotated[list[uuid.UUID], msgspec.Meta(min_length=1, max_length=1000)]


class ProjectView(msgspec.Struct):
    id: uuid.UUID
    year: int
    title: str
    content: str
    category: str
    target: str
    location: str
    budget: float | None
    funding_source: str
    responsible_unit: str
    deadline: date | None
    multi_year: bool
    extra: Extra
    status: str
    supporters: int
    created_by: str
    created_at: datetime
    updated_at: datetime


class NewScreening(msgspec.Struct):
    decision: Literal["accepted", "rejected"]
    notes: LongText = ""
    need: LongText = ""
    feasibility: LongText = ""
    cost: LongText = ""
    legality: LongText = ""
    risk: LongText = ""


class ScreeningView(msgspec.Struct):
    id: uuid.UUID
    project_id: uuid.UUID
    decision: str
    need: str
    feasibility: str
    cost: str
    legality: str
    risk: str
    notes: str
    screened_by: str
    at: datetime
    project_status: str


class StatusChangeView(msgspec.Struct):
    from_status: str | None
    to_status: str
    actor: str
    notes: str
    at: datetime


class LinkedSuggestion(msgspec.Struct):
    id: uuid.UUID
    code: str
    content: str
    place: str | None
    channel: str


class ProjectDetail(ProjectView):
    """A project with the suggestions behind it, its latest screening and its status history."""

    suggestions: list[LinkedSuggestion]
    screening: ScreeningView | None
    history: list[StatusChangeView]


class CandidateListRequest(msgspec.Struct):
    planned_seats: Annotated[int, msgspec.Meta(ge=1, le=1000)]
    project_ids: Annotated[list[uuid.UUID], msgspec.Meta(max_length=2000)]


class MarginView(msgspec.Struct):
    allowed: bool
    reason: str | None
    minimum: int
    maximum: int
    no_margin_allowed: bool


class CandidateView(msgspec.Struct):
    project_id: uuid.UUID
    title: str
    category: str
    supporters: int
    position: int


class CandidateListView(msgspec.Struct):
    year: int
    planned_seats: int
    status: str
    candidates: list[CandidateView]
    margin: MarginView
    fixed_by: str | None = None
    fixed_at: datetime | None = None
