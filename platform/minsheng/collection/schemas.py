"""Request and response shapes of collection (platform/docs/api.md: suggestions, coverage)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from litestar.datastructures import UploadFile

ChannelName = Literal["online", "qr_code", "notice", "liaison_station", "symposium", "letter", "email", "other"]
PublicChannel = Literal["online", "qr_code"]
StatusName = Literal["received", "merged", "declined"]

# The schema bounds are loose on purpose (whitespace is trimmed before the real length check), so
# that a citizen gets the translated explanation rather than a generic schema error.
Content = Annotated[str, msgspec.Meta(max_length=4000)]
Category = Annotated[str, msgspec.Meta(max_length=50)]
Place = Annotated[str, msgspec.Meta(max_length=100)]
Name = Annotated[str, msgspec.Meta(max_length=50)]
Phone = Annotated[str, msgspec.Meta(max_length=30)]


class NewSuggestion(msgspec.Struct):
    """A citizen's suggestion (no login): ``channel`` is ``online`` or ``qr_code``."""

    content: Content
    channel: PublicChannel = "online"
    category: Category | None = None
    place: Place | None = None
    contact_name: Name | None = None
    contact_phone: Phone | None = None


@dataclass
class SuggestionForm:
    """A citizen's suggestion as a multipart form, with its photos (parts named ``photos``)."""

    content: str
    channel: str = "online"
    category: str | None = None
    place: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    photos: list[UploadFile] = field(default_factory=list)


class TrackingCode(msgspec.Struct):
    code: str


class SuggestionStatusView(msgspec.Struct):
    """What the author may see: the fate of the suggestion, nothing personal."""

    status: StatusName
    project_id: uuid.UUID | None = None
    project_title: str | None = None
    decline_reason: str | None = None


class SuggestionView(msgspec.Struct):
    id: uuid.UUID
    code: str
    content: str
    channel: str
    status: str
    project_id: uuid.UUID | None
    place: str | None
    category: str | None
    meeting: str | None
    created_at: datetime
    attachments: list[str] = []  # file ids (photos sent with the suggestion, scans of paper ones)


class PaperSuggestion(msgspec.Struct):
    content: Content
    place: Place | None = None
    category: Category | None = None
    contact_name: Name | None = None
    contact_phone: Phone | None = None


class SuggestionBatch(msgspec.Struct):
    """Suggestions gathered on paper, typed in by staff: all stored, or none."""

    channel: ChannelName
    suggestions: Annotated[list[PaperSuggestion], msgspec.Meta(min_length=1, max_length=500)]
    meeting: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class BatchResult(msgspec.Struct):
    items: list[SuggestionView]
    total: int


class Decline(msgspec.Struct):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class SimilarSuggestion(msgspec.Struct):
    score: float
    suggestion: SuggestionView


class SimilarProject(msgspec.Struct):
    score: float
    project_id: uuid.UUID
    title: str
    status: str


class Count(msgspec.Struct):
    key: str
    count: int


class DayCount(msgspec.Struct):
    day: date
    count: int


class ChannelDayCount(msgspec.Struct):
    channel: str
    day: date
    count: int


class CoverageView(msgspec.Struct):
    year: int
    total: int
    by_place: list[Count]
    by_channel: list[Count]
    by_category: list[Count]
    by_day: list[DayCount]
    places_without_suggestions: list[str]
    by_channel_day: list[ChannelDayCount] = []
