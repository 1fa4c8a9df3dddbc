"""Congress sessions, check-in (签到) and attendance against the tenant's quorum rule."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit import services as audit
from minsheng.congress.models import CheckIn, CongressSession, Deputy
from minsheng.congress.roster import services as roster
from minsheng.db.base import utcnow
from minsheng.db.lookup import locked, one_or_not_found
from minsheng.errors import Conflict, InvalidInput, NotFound
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.plugins.verdicts import QuorumVerdict


@dataclass(frozen=True)
class AttendanceFigures:
    """Who may attend, who is here, and what the quorum rule says of it."""

    entitled: int
    present: int
    verdict: QuorumVerdict


FIRST_YEAR, LAST_YEAR = 2000, 2100


async def create_session(
    session: AsyncSession, *, title: str, on: date, actor: str, year: int | None = None
) -> CongressSession:
    """Open a congress session (人代会) of the tenant in context, deciding the projects of ``year``
    (实施年度; by default the year of its date). 422 for a year out of range."""
    decides = on.year if year is None else year
    if not FIRST_YEAR <= decides <= LAST_YEAR:
        raise InvalidInput("The year must be between {first} and {last}", first=FIRST_YEAR, last=LAST_YEAR)
    congress = CongressSession(title=title.strip(), date=on, year=decides, created_by=actor)
    session.add(congress)
    await session.flush()
    await audit.record(
        session,
        "session.created",
        actor=actor,
        subject=str(congress.id),
        payload={"title": congress.title, "date": on.isoformat(), "year": decides},
    )
    return congress


async def adopt_voting_method(session: AsyncSession, session_id: uuid.UUID, *, actor: str) -> CongressSession:
    """Record that the session adopted its voting method (票决办法); its rounds may open from now on.
    409 when the adoption is already recorded."""
    congress = await get_session(session, session_id, for_update=True)
    if congress.voting_method_adopted_at is not None:
        raise Conflict("The session has already recorded the adoption of its voting method")
    congress.voting_method_adopted_at = utcnow()
    congress.voting_method_adopted_by = actor
    await session.flush()
    await audit.record(session, "session.voting_method_adopted", actor=actor, subject=str(congress.id), payload={})
    return congress


def require_voting_method(congress: CongressSession) -> None:
    """409 unless the session has adopted its voting method (no round opens before)."""
    if congress.voting_method_adopted_at is None:
        conflict = Conflict(
            "The session has not adopted its voting method (票决办法) yet: record its adoption before a round opens"
        )
        conflict.extra["rule"] = "voting_method"
        raise conflict


async def list_sessions(session: AsyncSession, *, page: int, per_page: int) -> tuple[list[CongressSession], int]:
    """The tenant's sessions, newest date first, paginated."""
    total = (await session.execute(select(func.count()).select_from(CongressSession))).scalar_one()
    query = select(CongressSession).order_by(CongressSession.date.desc(), CongressSession.id)
    rows = await session.execute(query.offset((page - 1) * per_page).limit(per_page))
    return list(rows.scalars()), int(total)


async def get_session(session: AsyncSession, session_id: uuid.UUID, *, for_update: bool = False) -> CongressSession:
    """A session of the tenant in context, or 404 (``for_update``: locked until the transaction ends)."""
    query = locked(select(CongressSession).where(CongressSession.id == session_id), exclusive=for_update)
    return await one_or_not_found(
        session, query, NotFound("No congress session {session} in this tenant", session=str(session_id))
    )


async def check_in(
    session: AsyncSession, congress: CongressSession, deputy: Deputy, *, actor: str
) -> tuple[CheckIn, bool]:
    """Check ``deputy`` in to ``congress``; returns the check-in and whether it already existed.

    Idempotent: a phone that scans the session's QR code twice must not see an error, so a second
    check-in (even a concurrent one, refused by the key) answers with the first. A deputy no longer in
    office (在任 = 否) is not entitled and cannot check in (409).
    """
    if not deputy.active:
        raise Conflict("{name} is no longer in office and cannot check in", name=deputy.name)
    existing = await _find_check_in(session, congress.id, deputy.id)
    if existing is not None:
        return existing, True
    row = CheckIn(session_id=congress.id, deputy_id=deputy.id, checked_in_by=actor)
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        again = await _find_check_in(session, congress.id, deputy.id)
        if again is None:
            raise
        return again, True
    await audit.record(
        session,
        "session.checked_in",
        actor=actor,
        subject=str(congress.id),
        payload={"deputy": str(deputy.id)},
    )
    return row, False


async def _find_check_in(session: AsyncSession, session_id: uuid.UUID, deputy_id: uuid.UUID) -> CheckIn | None:
    query = select(CheckIn).where(CheckIn.session_id == session_id, CheckIn.deputy_id == deputy_id)
    return (await session.execute(query)).scalar_one_or_none()


async def present_count(session: AsyncSession, session_id: uuid.UUID) -> int:
    """How many deputies of the roster have checked in to the session."""
    query = (
        select(func.count())
        .select_from(CheckIn)
        .join(Deputy, (Deputy.tenant_id == CheckIn.tenant_id) & (Deputy.id == CheckIn.deputy_id))
        .where(CheckIn.session_id == session_id, Deputy.active.is_(True))
    )
    return int((await session.execute(query)).scalar_one())


async def is_checked_in(session: AsyncSession, session_id: uuid.UUID, deputy_id: uuid.UUID) -> bool:
    """Whether the deputy has checked in to the session."""
    return await _find_check_in(session, session_id, deputy_id) is not None


async def attendance(session: AsyncSession, session_id: uuid.UUID, hooks: TenantHooks) -> AttendanceFigures:
    """Entitled and present deputies and the tenant's quorum verdict (platform/docs/domain.md: quorum)."""
    entitled = await roster.entitled_count(session)
    present = await present_count(session, session_id)
    return AttendanceFigures(entitled, present, hooks.quorum_rule(entitled=entitled, present=present))
