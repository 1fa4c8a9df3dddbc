"""API routes of collection: citizens' suggestions (no login) and the staff inbox (platform/docs/api.md)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng import clock
from minsheng.collection import hints, rules
from minsheng.collection import services as collection
from minsheng.collection.models import Channel, Suggestion
from minsheng.collection.schemas import (
    BatchResult,
    ChannelDayCount,
    ChannelName,
    Count,
    CoverageView,
    DayCount,
    Decline,
    NewSuggestion,
    SimilarProject,
    SimilarSuggestion,
    StatusName,
    SuggestionBatch,
    SuggestionForm,
    SuggestionStatusView,
    SuggestionView,
    TrackingCode,
)
from minsheng.http.dependencies import services
from minsheng.http.openapi import problems
from minsheng.http.pagination import Page, PageParam, PerPageParam, YearFilter
from minsheng.http.scope import TenantScope, public, requires
from minsheng.permissions import Permission
from minsheng.projects import services as projects
from minsheng.tenancy.places import own_places


def suggestion_view(row: Suggestion) -> SuggestionView:
    return SuggestionView(
        id=row.id,
        code=row.code,
        content=row.content,
        channel=row.channel,
        status=row.status,
        project_id=row.project_id,
        place=row.place,
        category=row.category,
        meeting=row.meeting,
        created_at=row.created_at,
        attachments=[str(a) for a in row.attachments or []],
    )


def client_address(request: Request[Any, Any, Any]) -> str:
    """The client's IP address (behind a trusted proxy, the real one: ``minsheng.http.proxies``)."""
    return request.client.host if request.client else "unknown"


async def status_view(db_session: AsyncSession, row: Suggestion) -> SuggestionStatusView:
    """The public fate of a suggestion: status, the project it joined or why it was declined."""
    title = await projects.title_of(db_session, row.project_id) if row.project_id else None
    return SuggestionStatusView(
        status=row.status,  # type: ignore[arg-type]
        project_id=row.project_id,
        project_title=title,
        decline_reason=row.decline_reason,
    )


class SuggestionsController(Controller):
    path = "/api/v1/t/{slug:str}/suggestions"
    tags = ["collection"]

    @public
    @post("/", status_code=201, responses=problems(429))
    async def submit(
        self,
        access: TenantScope,
        data: NewSuggestion,
        request: Request[Any, Any, Any],
        state: State,
        db_session: AsyncSession,
    ) -> TrackingCode:
        """A citizen's suggestion (no login); answers its tracking code. 429 when sent too often."""
        svc = services(state)
        await collection.check_submission_rate(svc.rate_limiter, svc.settings, client_address(request))
        draft = rules.SuggestionDraft(data.content, data.category, data.place, data.contact_name, data.contact_phone)
        row = await collection.submit(db_session, draft, collection.Origin(Channel(data.channel)), access.hooks)
        return TrackingCode(code=row.code)

    @public
    @post("/with-photos", status_code=201, responses=problems(429))
    async def submit_with_photos(
        self,
        access: TenantScope,
        data: Annotated[SuggestionForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        request: Request[Any, Any, Any],
        state: State,
        db_session: AsyncSession,
    ) -> TrackingCode:
        """A citizen's suggestion with up to 3 photos (multipart form, no login; ``photos`` repeated).

        Each photo must be a JPEG, PNG or WebP image by its content and within the upload size limit.
        """
        svc = services(state)
        await collection.check_submission_rate(svc.rate_limiter, svc.settings, client_address(request))
        channel = data.channel if data.channel in ("online", "qr_code") else Channel.ONLINE.value
        draft = rules.SuggestionDraft(
            data.content[:4000],
            (data.category or "")[:50],
            (data.place or "")[:100],
            (data.contact_name or "")[:50],
            (data.contact_phone or "")[:30],
        )
        uploads = data.photos if isinstance(data.photos, list) else [data.photos] if data.photos else []
        photos = [
            collection.Photo(await upload.read(), upload.filename or "photo", upload.content_type)
            for upload in uploads
            if upload.filename
        ]
        row = await collection.submit_with_photos(
            db_session,
            svc.store,
            draft,
            collection.Origin(Channel(channel)),
            access.hooks,
            photos,
            max_bytes=svc.settings.max_upload_bytes,
        )
        return TrackingCode(code=row.code)

    @public
    @get("/{code:str}")
    async def track(
        self, access: TenantScope, db_session: AsyncSession, code: str = Parameter(max_length=64)
    ) -> SuggestionStatusView:
        """What became of a suggestion (no login): received, merged into a project, or declined with a reason."""
        return await status_view(db_session, await collection.find_by_code(db_session, code))

    @requires(Permission.SUGGESTIONS_READ)
    @get("/")
    async def inbox(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
        status: Annotated[StatusName | None, QueryParameter(name="status")] = None,
        channel: Annotated[ChannelName | None, QueryParameter(name="channel")] = None,
        place: Annotated[str | None, QueryParameter(name="place", max_length=100)] = None,
        category: Annotated[str | None, QueryParameter(name="category", max_length=50)] = None,
        q: Annotated[str | None, QueryParameter(name="q", max_length=200, description="Search the content")] = None,
        since: Annotated[datetime | None, QueryParameter(name="since", description="Received at or after")] = None,
        until: Annotated[datetime | None, QueryParameter(name="until", description="Received before")] = None,
    ) -> Page[SuggestionView]:
        """The staff inbox with filters and search over the content, newest first."""
        where = collection.InboxFilter(status, channel, place, category, q, since, until)
        rows, total = await collection.inbox(db_session, where, page=page, per_page=per_page)
        return Page(items=[suggestion_view(r) for r in rows], total=total)

    @requires(Permission.SUGGESTIONS_ENTER)
    @post("/batch", status_code=201)
    async def enter_batch(self, access: TenantScope, data: SuggestionBatch, db_session: AsyncSession) -> BatchResult:
        """Suggestions gathered on paper, typed in by staff; 422 with one entry per wrong row, nothing stored."""
        user = access.user
        drafts = [
            rules.SuggestionDraft(s.content, s.category, s.place, s.contact_name, s.contact_phone)
            for s in data.suggestions
        ]
        origin = collection.Origin(Channel(data.channel), (data.meeting or "").strip() or None, user.username)
        rows = await collection.enter_batch(db_session, drafts, origin, access.hooks)
        return BatchResult(items=[suggestion_view(r) for r in rows], total=len(rows))

    @requires(Permission.SUGGESTIONS_HANDLE)
    @post("/{suggestion_id:uuid}/decline", status_code=200, responses=problems(409))
    async def decline(
        self, access: TenantScope, suggestion_id: uuid.UUID, data: Decline, db_session: AsyncSession
    ) -> SuggestionView:
        """Decline a suggestion with the reason its author will see; 409 once merged or declined."""
        user = access.user
        return suggestion_view(await collection.decline(db_session, suggestion_id, data.reason, actor=user.username))

    @requires(Permission.SUGGESTIONS_READ)
    @get("/{suggestion_id:uuid}/similar")
    async def similar(
        self,
        access: TenantScope,
        suggestion_id: uuid.UUID,
        db_session: AsyncSession,
        limit: Annotated[int, QueryParameter(name="limit", ge=1, le=20)] = 5,
    ) -> list[SimilarSuggestion]:
        """Duplicate hints: the suggestions of the same year most like this one, best first."""
        matches = await collection.similar(db_session, suggestion_id, limit=limit)
        return [SimilarSuggestion(score=score, suggestion=suggestion_view(row)) for row, score in matches]

    @requires(Permission.SUGGESTIONS_READ)
    @get("/{suggestion_id:uuid}/similar-projects")
    async def similar_projects(
        self,
        access: TenantScope,
        suggestion_id: uuid.UUID,
        db_session: AsyncSession,
        limit: Annotated[int, QueryParameter(name="limit", ge=1, le=20)] = 3,
    ) -> list[SimilarProject]:
        """The projects of the suggestion's year (not refused) it may belong to, best first: the same
        hints as between suggestions, over each project's title and content."""
        suggestion = await collection.get(db_session, suggestion_id)
        found = await hints.likely_projects(db_session, suggestion, limit=limit)
        return [
            SimilarProject(score=score, project_id=row.id, title=row.title, status=row.status) for row, score in found
        ]


class CoverageController(Controller):
    path = "/api/v1/t/{slug:str}/coverage"
    tags = ["collection"]

    @requires(Permission.SUGGESTIONS_READ)
    @get("/")
    async def coverage(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        year: YearFilter = None,
    ) -> CoverageView:
        """Suggestions per place, channel, category and day, and the known places with none yet."""
        hooks = access.hooks
        tz = clock.zone_of(hooks.tenant)
        year = year or rules.collection_year(tz=tz)
        counts = await collection.coverage(db_session, year, own_places(access.tenant), tz=tz)
        return CoverageView(
            year=year,
            total=counts.total,
            by_place=[Count(k, n) for k, n in counts.by_place],
            by_channel=[Count(k, n) for k, n in counts.by_channel],
            by_category=[Count(k, n) for k, n in counts.by_category],
            by_day=[DayCount(d, n) for d, n in counts.by_day],
            places_without_suggestions=counts.places_without_suggestions,
            by_channel_day=[ChannelDayCount(c, d, n) for c, d, n in counts.by_channel_day],
        )
