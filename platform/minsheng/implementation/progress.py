"""Progress reports (进度报告) with photos, and quarterly meetings (季度例会) with their conclusions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit import services as audit
from minsheng.collection.rules import china_day
from minsheng.db.base import utcnow
from minsheng.db.listing import page_of
from minsheng.errors import Conflict, FieldProblem, InvalidFields, InvalidInput
from minsheng.files.models import StoredFile
from minsheng.implementation import adjustments, chosen, plans, rules
from minsheng.implementation.models import Milestone, ProgressPhoto, ProgressReport, QuarterlyMeeting
from minsheng.plugins.verdicts import Reason

MAX_PHOTOS = 9


@dataclass(frozen=True)
class ProgressDraft:
    spent: Decimal
    percent_done: int
    text: str
    milestone_id: uuid.UUID | None = None
    year: int | None = None
    quarter: int | None = None
    photo_ids: Sequence[uuid.UUID] = ()
    public: bool = True


async def latest_report(session: AsyncSession, project_id: uuid.UUID) -> ProgressReport | None:
    query = (
        select(ProgressReport)
        .where(ProgressReport.project_id == project_id)
        .order_by(ProgressReport.created_at.desc(), ProgressReport.percent_done.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def _check_photos(session: AsyncSession, photo_ids: Sequence[uuid.UUID]) -> None:
    if len(photo_ids) > MAX_PHOTOS:
        raise InvalidInput("At most {count} photos per report", count=MAX_PHOTOS)
    if not photo_ids:
        return
    rows = (await session.execute(select(StoredFile).where(StoredFile.id.in_(list(photo_ids))))).scalars()
    found = {row.id: row for row in rows}
    for photo_id in photo_ids:
        row = found.get(photo_id)
        if row is None:
            raise InvalidInput("No uploaded file {file} in this tenant", file=str(photo_id))
        # The type was read from the content at upload (files/uploads checks), not from the name.
        if not row.content_type.startswith("image/"):
            raise InvalidInput("File «{name}» is not a photo", name=row.filename)


async def report_progress(
    session: AsyncSession, project_id: uuid.UUID, draft: ProgressDraft, *, actor: str, now: datetime | None = None
) -> ProgressReport:
    """Report progress on a chosen project with a filed work plan (409 without one, or once terminated)."""
    project = (await chosen.get_chosen(session, project_id)).project
    await adjustments.require_not_terminated(session, project)
    if await plans.get_plan(session, project_id) is None:
        raise Conflict("File the work plan of «{title}» before reporting progress", title=project.title)
    today = china_day(now or utcnow())
    year, quarter = rules.quarter_of(today)
    year, quarter = draft.year or year, draft.quarter or quarter
    previous = await latest_report(session, project_id)
    previous_percent = previous.percent_done if previous else None
    problems = [
        FieldProblem(key, reason)
        for key, reason in rules.progress_problems(draft.percent_done, draft.spent, previous_percent)
    ]
    if not 1 <= quarter <= 4:
        problems.append(FieldProblem("quarter", Reason("The quarter must be 1 to 4")))
    if draft.milestone_id is not None:
        milestone = await session.execute(
            select(Milestone.id).where(Milestone.id == draft.milestone_id, Milestone.project_id == project_id)
        )
        if milestone.first() is None:
            problems.append(FieldProblem("milestone_id", Reason("No such milestone in this work plan")))
    if not draft.text.strip():
        problems.append(FieldProblem("text", Reason("This field is required")))
    if problems:
        raise InvalidFields(problems[0].reason.message, problems=problems, **problems[0].reason.params)
    await _check_photos(session, draft.photo_ids)
    row = ProgressReport(
        project_id=project_id,
        milestone_id=draft.milestone_id,
        year=year,
        quarter=quarter,
        spent=draft.spent,
        percent_done=draft.percent_done,
        text=draft.text.strip(),
        public=draft.public,
        reported_by=actor,
        reported_on=today,
    )
    session.add(row)
    await session.flush()
    session.add_all(ProgressPhoto(report_id=row.id, file_id=f, position=i) for i, f in enumerate(draft.photo_ids))
    await session.flush()
    await audit.record(
        session,
        "progress.reported",
        actor=actor,
        subject=str(row.id),
        payload={
            "project": str(project_id),
            "period": rules.period_label(year, quarter),
            "spent": str(draft.spent),
            "percent_done": draft.percent_done,
            "photos": [str(p) for p in draft.photo_ids],
        },
    )
    return row


async def reports_of(
    session: AsyncSession,
    project_id: uuid.UUID,
    *,
    public_only: bool = False,
    page: int = 1,
    per_page: int | None = None,
) -> tuple[list[ProgressReport], int]:
    """A project's progress reports, newest first."""
    query = select(ProgressReport).where(ProgressReport.project_id == project_id)
    if public_only:
        query = query.where(ProgressReport.public.is_(True))
    return await page_of(
        session, query, ProgressReport.created_at.desc(), ProgressReport.id, page=page, per_page=per_page
    )


async def photos_of(session: AsyncSession, report_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Each report's photo file ids, in order."""
    if not report_ids:
        return {}
    query = (
        select(ProgressPhoto)
        .where(ProgressPhoto.report_id.in_(list(report_ids)))
        .order_by(ProgressPhoto.report_id, ProgressPhoto.position)
    )
    photos: dict[uuid.UUID, list[uuid.UUID]] = {r: [] for r in report_ids}
    for photo in (await session.execute(query)).scalars():
        photos[photo.report_id].append(photo.file_id)
    return photos


async def is_public_photo(session: AsyncSession, file_id: uuid.UUID) -> bool:
    """Whether a file is a photo of a public progress report (the only files the portal serves)."""
    query = (
        select(ProgressPhoto.file_id)
        .join(
            ProgressReport,
            (ProgressReport.tenant_id == ProgressPhoto.tenant_id) & (ProgressReport.id == ProgressPhoto.report_id),
        )
        .where(ProgressPhoto.file_id == file_id, ProgressReport.public.is_(True))
    )
    return (await session.execute(query)).first() is not None


async def projects_of_photo(session: AsyncSession, file_id: uuid.UUID) -> set[uuid.UUID]:
    """The projects whose progress reports show the file as a photo."""
    query = (
        select(ProgressReport.project_id)
        .join(
            ProgressPhoto,
            (ProgressReport.tenant_id == ProgressPhoto.tenant_id) & (ProgressReport.id == ProgressPhoto.report_id),
        )
        .where(ProgressPhoto.file_id == file_id)
    )
    return set((await session.execute(query)).scalars())


async def reported_quarters(session: AsyncSession, project_id: uuid.UUID) -> set[tuple[int, int]]:
    query = select(ProgressReport.year, ProgressReport.quarter).where(ProgressReport.project_id == project_id)
    return {(y, q) for y, q in (await session.execute(query)).all()}


@dataclass(frozen=True)
class MeetingDraft:
    year: int
    quarter: int
    held_on: date
    attendees: Sequence[str]
    conclusions: str
    project_ids: Sequence[uuid.UUID] = ()


async def record_meeting(session: AsyncSession, draft: MeetingDraft, *, actor: str) -> QuarterlyMeeting:
    """Record a quarterly meeting: who attended, what was concluded, which projects it discussed."""
    problems = []
    if not 1 <= draft.quarter <= 4:
        problems.append(FieldProblem("quarter", Reason("The quarter must be 1 to 4")))
    attendees = [a.strip() for a in draft.attendees if a.strip()]
    if not attendees:
        problems.append(FieldProblem("attendees", Reason("A meeting needs its attendees")))
    if not draft.conclusions.strip():
        problems.append(FieldProblem("conclusions", Reason("This field is required")))
    if problems:
        raise InvalidFields(problems[0].reason.message, problems=problems)
    for project_id in draft.project_ids:
        await chosen.get_chosen(session, project_id)
    row = QuarterlyMeeting(
        year=draft.year,
        quarter=draft.quarter,
        held_on=draft.held_on,
        attendees=attendees,
        conclusions=draft.conclusions.strip(),
        project_ids=[str(p) for p in draft.project_ids],
        recorded_by=actor,
    )
    session.add(row)
    await session.flush()
    await audit.record(
        session,
        "quarterly_meeting.recorded",
        actor=actor,
        subject=str(row.id),
        payload={"period": rules.period_label(draft.year, draft.quarter), "attendees": len(attendees)},
    )
    return row


async def list_meetings(
    session: AsyncSession, *, year: int | None, page: int, per_page: int
) -> tuple[list[QuarterlyMeeting], int]:
    """Quarterly meetings, latest first."""
    query = select(QuarterlyMeeting)
    if year is not None:
        query = query.where(QuarterlyMeeting.year == year)
    return await page_of(
        session, query, QuarterlyMeeting.held_on.desc(), QuarterlyMeeting.id, page=page, per_page=per_page
    )
