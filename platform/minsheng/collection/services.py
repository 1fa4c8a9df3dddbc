"""Use cases of collection: submit, enter on paper, search, decline, merge links, coverage.

Each runs in the caller's transaction (one per request). Projects link suggestions through
:func:`link_to_project` and :func:`unlink_from_project`; nothing else writes a suggestion's fate.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng import clock
from minsheng.audit import services as audit
from minsheng.collection import rules, similarity
from minsheng.collection.models import Channel, Suggestion, SuggestionStatus
from minsheng.db.base import new_id, utcnow
from minsheng.db.listing import page_of
from minsheng.db.lookup import one_or_not_found
from minsheng.errors import Conflict, FieldProblem, InvalidFields, NotFound, TooManyRequests
from minsheng.files import services as files
from minsheng.http.ratelimit import RateLimiter, suggestion_limits
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.plugins.verdicts import Reason
from minsheng.settings import Settings
from minsheng.storage import ObjectStore, UploadRefused, check_upload
from minsheng.tenancy.context import current_tenant
from minsheng.tenancy.isolation import TenantIsolationError

CODE_ATTEMPTS = 5


@dataclass(frozen=True)
class Origin:
    """How a suggestion arrived: its channel, the meeting it came from, the staff who typed it in."""

    channel: Channel
    meeting: str | None = None
    entered_by: str | None = None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def check_submission_rate(limiter: RateLimiter, settings: Settings, client: str) -> None:
    """429 with ``Retry-After`` when ``client`` (its IP address) submitted too often (abuse is contained)."""
    decision = await limiter.hit(f"suggest:{client}", suggestion_limits(settings))
    if not decision.allowed:
        raise TooManyRequests(
            "Too many suggestions from this connection; try again in {seconds} seconds",
            retry_after=decision.retry_after,
            seconds=decision.retry_after,
        )


_suggestions = Suggestion.__table__
#: A new suggestion's row, bound by name: the statement is built once per dialect.
_NEW_ROW: dict[str, Any] = {
    name: bindparam(name)
    for name in (
        *("tenant_id", "id", "code", "year", "content", "category", "place", "channel", "meeting"),
        *("contact_name", "contact_phone", "attachments", "status", "entered_by", "created_at"),
    )
}


def _insert_new(insert: Any) -> Any:
    # A taken code inserts nothing and aborts nothing: no savepoint is needed to try another.
    return insert(_suggestions).values(_NEW_ROW).on_conflict_do_nothing().returning(_suggestions.c.id)


_INSERT = {"postgresql": _insert_new(postgresql_insert), "sqlite": _insert_new(sqlite_insert)}


@dataclass(frozen=True)
class Received:
    """A stored suggestion: its id and the tracking code its author keeps."""

    id: uuid.UUID
    code: str


async def _insert_with_code(session: AsyncSession, draft: rules.SuggestionDraft, origin: Origin, year: int) -> Received:
    """One Core INSERT (no ORM object, no flush), sent through the session so that the roll-up follows
    (``minsheng.oversight.tracking``). A collision of two random 50-bit codes is very unlikely but
    possible: the unique constraint decides, and the insert is tried again with a new code."""
    tenant = current_tenant()
    if tenant is None:
        raise TenantIsolationError("no tenant in context for a suggestion")
    statement = _INSERT[session.get_bind().dialect.name]
    row = {
        "tenant_id": tenant.id,
        "year": year,
        "content": draft.content,
        "category": draft.category,
        "place": draft.place,
        "channel": origin.channel.value,
        "meeting": origin.meeting,
        "contact_name": draft.contact_name,
        "contact_phone": draft.contact_phone,
        "attachments": [],
        "status": SuggestionStatus.RECEIVED.value,
        "entered_by": origin.entered_by,
        "created_at": utcnow(),
    }
    for _attempt in range(CODE_ATTEMPTS):
        code = rules.new_tracking_code()
        suggestion_id = new_id()
        stored = (await session.execute(statement, {**row, "id": suggestion_id, "code": code})).first()
        if stored is not None:
            return Received(suggestion_id, code)
    raise RuntimeError(f"no free tracking code after {CODE_ATTEMPTS} attempts")


def _year(hooks: TenantHooks) -> int:
    """The collection year of a suggestion received now: the calendar year in the tenant's zone."""
    return rules.collection_year(tz=clock.zone_of(hooks.tenant))


async def submit(session: AsyncSession, draft: rules.SuggestionDraft, origin: Origin, hooks: TenantHooks) -> Received:
    """Store one suggestion with a new tracking code; 422 naming every wrong field (platform/docs/domain.md:
    collection). Its category must be one of the tenant's (``hooks``)."""
    cleaned = rules.clean_draft(draft)
    problems = rules.suggestion_problems(cleaned, list(hooks.project_categories()))
    if problems:
        raise InvalidFields(problems[0].reason.message, problems=problems, **problems[0].reason.params)
    return await _insert_with_code(session, cleaned, origin, _year(hooks))


@dataclass(frozen=True)
class Photo:
    """A photo sent with a suggestion, as it arrived (checked on its content before anything is stored)."""

    data: bytes
    filename: str
    claimed_type: str | None


PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
MAX_PHOTOS = 3


async def submit_with_photos(
    session: AsyncSession,
    store: ObjectStore,
    draft: rules.SuggestionDraft,
    origin: Origin,
    hooks: TenantHooks,
    photos: Sequence[Photo],
    *,
    max_bytes: int,
) -> Received:
    """A suggestion with up to ``MAX_PHOTOS`` photos: every photo passes the upload checks (type read
    from the content, size) and the suggestion its own, before anything is stored."""
    if len(photos) > MAX_PHOTOS:
        reason = Reason("At most {maximum} photos can be sent with a suggestion", {"maximum": MAX_PHOTOS})
        raise InvalidFields(reason.message, problems=[FieldProblem("photos", reason)], **reason.params)
    for photo in photos:
        try:
            check_upload(photo.data, photo.claimed_type, photo.filename, PHOTO_TYPES, max_bytes)
        except UploadRefused as exc:
            reason = Reason(exc.reason, exc.params)
            raise InvalidFields(reason.message, problems=[FieldProblem("photos", reason)], **reason.params) from exc
    suggestion = await submit(session, draft, origin, hooks)
    stored = [
        await files.save_upload(
            session,
            store,
            photo.data,
            filename=photo.filename,
            claimed_type=photo.claimed_type,
            uploaded_by="",
            max_bytes=max_bytes,
            allowed=PHOTO_TYPES,
        )
        for photo in photos
    ]
    if stored:
        await session.execute(
            update(Suggestion)
            .where(Suggestion.id == suggestion.id)
            .values(attachments=[str(row.id) for row in stored])
            .execution_options(synchronize_session=False)
        )
    return suggestion


async def enter_batch(
    session: AsyncSession, drafts: Sequence[rules.SuggestionDraft], origin: Origin, hooks: TenantHooks
) -> list[Suggestion]:
    """Store suggestions gathered on paper: every row is checked first and none is stored if any is wrong."""
    categories = list(hooks.project_categories())
    cleaned = [rules.clean_draft(draft) for draft in drafts]
    problems = [
        FieldProblem(problem.key, problem.reason, row=index)
        for index, draft in enumerate(cleaned)
        for problem in rules.suggestion_problems(draft, categories)
    ]
    if problems:
        rows = len({problem.row for problem in problems})
        raise InvalidFields(
            "{rows} of {total} rows are not valid; nothing was saved", problems=problems, rows=rows, total=len(drafts)
        )
    year = _year(hooks)
    received = [await _insert_with_code(session, draft, origin, year) for draft in cleaned]
    loaded = await session.scalars(select(Suggestion).where(Suggestion.id.in_([r.id for r in received])))
    by_id = {row.id: row for row in loaded}
    stored = [by_id[r.id] for r in received]
    await audit.record(
        session,
        "suggestions.entered",
        actor=origin.entered_by or "",
        subject=origin.meeting or origin.channel.value,
        payload={"channel": origin.channel.value, "count": len(stored), "codes": [s.code for s in stored]},
    )
    return stored


async def find_by_code(session: AsyncSession, code: str) -> Suggestion:
    """The suggestion of a tracking code in the tenant in context, or 404."""
    found = (
        await session.execute(select(Suggestion).where(Suggestion.code == rules.normalise_code(code)[:16]))
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("No suggestion has the tracking code {code}", code=code[:32])
    return found


async def get(session: AsyncSession, suggestion_id: uuid.UUID) -> Suggestion:
    """One suggestion of the tenant in context, or 404."""
    return await one_or_not_found(
        session, select(Suggestion).where(Suggestion.id == suggestion_id), NotFound("Not found")
    )


@dataclass(frozen=True)
class InboxFilter:
    status: str | None = None
    channel: str | None = None
    place: str | None = None
    category: str | None = None
    q: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    project_id: uuid.UUID | None = None


def _filtered(query: Select[Any], where: InboxFilter) -> Select[Any]:
    if where.status:
        query = query.where(Suggestion.status == where.status)
    if where.channel:
        query = query.where(Suggestion.channel == where.channel)
    if where.place:
        query = query.where(Suggestion.place == where.place)
    if where.category:
        query = query.where(Suggestion.category == where.category)
    if where.project_id:
        query = query.where(Suggestion.project_id == where.project_id)
    if where.since:
        query = query.where(Suggestion.created_at >= where.since)
    if where.until:
        query = query.where(Suggestion.created_at < where.until)
    if where.q and where.q.strip():
        pattern = f"%{_escape_like(where.q.strip())}%"
        query = query.where(
            or_(Suggestion.content.ilike(pattern, escape="\\"), Suggestion.code == rules.normalise_code(where.q)[:16])
        )
    return query


async def inbox(session: AsyncSession, where: InboxFilter, *, page: int, per_page: int) -> tuple[list[Suggestion], int]:
    """The staff inbox: suggestions matching ``where``, newest first, and how many match."""
    query = _filtered(select(Suggestion), where)
    return await page_of(session, query, Suggestion.created_at.desc(), Suggestion.id, page=page, per_page=per_page)


async def decline(session: AsyncSession, suggestion_id: uuid.UUID, reason: str, *, actor: str) -> Suggestion:
    """Decline a received suggestion with a reason its author will read; 409 once merged or declined."""
    suggestion = await get(session, suggestion_id)
    reason = reason.strip()
    if not reason:
        raise InvalidFields(
            "A reason is needed to decline a suggestion",
            problems=[FieldProblem("reason", Reason("A reason is needed to decline a suggestion"))],
        )
    changed = await session.execute(
        update(Suggestion)
        .where(Suggestion.id == suggestion_id, Suggestion.status == SuggestionStatus.RECEIVED.value)
        .values(status=SuggestionStatus.DECLINED.value, decline_reason=reason)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("The suggestion {code} is no longer waiting for a decision", code=suggestion.code)
    await audit.record(session, "suggestion.declined", actor=actor, subject=suggestion.code, payload={"reason": reason})
    await session.refresh(suggestion)
    return suggestion


async def link_to_project(session: AsyncSession, suggestion_ids: Sequence[uuid.UUID], project_id: uuid.UUID) -> int:
    """Mark received suggestions as merged into a project; 409 if any is not waiting any more.

    One conditional UPDATE: under concurrent merges of the same suggestion only one transaction
    finds it still ``received`` (PostgreSQL re-checks the condition after the row lock), so a
    suggestion ends up in exactly one project.
    """
    ids = list(dict.fromkeys(suggestion_ids))
    if not ids:
        return 0
    changed = await session.execute(
        update(Suggestion)
        .where(Suggestion.id.in_(ids), Suggestion.status == SuggestionStatus.RECEIVED.value)
        .values(status=SuggestionStatus.MERGED.value, project_id=project_id)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != len(ids):  # type: ignore[attr-defined]
        raise Conflict(
            "{count} of the suggestions are unknown, declined or already merged into a project",
            count=len(ids) - changed.rowcount,  # type: ignore[attr-defined]
        )
    return len(ids)


async def unlink_from_project(session: AsyncSession, suggestion_id: uuid.UUID, project_id: uuid.UUID) -> Suggestion:
    """Take a suggestion out of a project: it is ``received`` again; 404 if it is not in that project."""
    changed = await session.execute(
        update(Suggestion)
        .where(Suggestion.id == suggestion_id, Suggestion.project_id == project_id)
        .values(status=SuggestionStatus.RECEIVED.value, project_id=None)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFound("The suggestion is not part of this project")
    return await get(session, suggestion_id)


async def supporters(session: AsyncSession, project_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many suggestions stand behind each project (its 民意 count)."""
    if not project_ids:
        return {}
    rows = await session.execute(
        select(Suggestion.project_id, func.count())
        .where(Suggestion.project_id.in_(list(project_ids)))
        .group_by(Suggestion.project_id)
    )
    counts = {project_id: 0 for project_id in project_ids}
    counts.update({project_id: count for project_id, count in rows if project_id is not None})
    return counts


async def similar(session: AsyncSession, suggestion_id: uuid.UUID, *, limit: int = 5) -> list[tuple[Suggestion, float]]:
    """Duplicate hints: the suggestions of the tenant's same year most like this one, best first
    (``similarity``: topics and characters weighed by how rare they are that year)."""
    suggestion = await get(session, suggestion_id)
    others = (
        await session.execute(
            select(Suggestion).where(Suggestion.year == suggestion.year, Suggestion.id != suggestion.id)
        )
    ).scalars()
    by_id = {other.id: other for other in others}
    pairs = [(key, row.content) for key, row in by_id.items()]
    # Scoring a year's suggestions is CPU work: off the event loop.
    matches = await asyncio.to_thread(similarity.most_similar, suggestion.content, pairs, limit=limit)
    return [(by_id[match.key], match.score) for match in matches if isinstance(match.key, uuid.UUID)]


async def coverage(
    session: AsyncSession, year: int, configured_places: Sequence[str], *, tz: ZoneInfo
) -> rules.Coverage:
    """Suggestions of ``year`` per place, channel, category and day (in the tenant's zone ``tz``), and
    the known places with none.

    Known places: the tenant's own places (``tenancy.places.own_places``: never a higher level's) plus
    every place any suggestion ever named.
    """
    rows = await session.execute(
        select(Suggestion.place, Suggestion.channel, Suggestion.category, Suggestion.created_at).where(
            Suggestion.year == year
        )
    )
    seen = await session.execute(select(Suggestion.place).where(Suggestion.place.is_not(None)).distinct())
    known = [*configured_places, *(place for place in seen.scalars() if place)]
    return rules.coverage([rules.CoverageRow(*row) for row in rows], known, tz)
