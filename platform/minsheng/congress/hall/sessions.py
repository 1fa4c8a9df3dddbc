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
from minsheng.db.lookup import one_or_not_found
from minsheng.errors import NotFound
from minsheng.plugins.verdicts import QuorumVerdict
from minsheng.tenancy.configuration import current_tenant_hooks


@dataclass(frozen=True)
class AttendanceFigures:
    """Who may attend, who is here, and what the quorum rule says of it."""

    entitled: int
    present: int
    verdict: QuorumVerdict


async def create_session(session: AsyncSession, *, title: str, on: date, actor: str) -> CongressSession:
    """Open a congress session (人代会) of the tenant in context."""
    congress = CongressSession(title=title.strip(), date=on, created_by=actor)
    session.add(congress)
    await session.flush()
    await audit.record(
        session, "session.created", actor=actor, subject=str(congress.id), payload={"title": congress.title}
    )
    return congress


async def list_sessions(session: AsyncSession, *, page: int, per_page: int) -> tuple[list[CongressSession], int]:
    """The tenant's sessions, newest date first, paginated."""
    total = (await session.execute(select(func.count()).select_from(CongressSession))).scalar_one()
    query = select(CongressSession).order_by(CongressSession.date.desc(), CongressSession.id)
    rows = await session.execute(query.offset((page - 1) * per_page).limit(per_page))
    return list(rows.scalars()), int(total)


async def get_session(session: AsyncSession, session_id: uuid.UUID) -> CongressSession:
    """A session of the tenant in context, or 404."""
    query = select(CongressSession).where(CongressSession.id == session_id)
    return await one_or_not_found(
        session, query, NotFound("No congress session {session} in this tenant", session=str(session_id))
    )


async def check_in(
    session: AsyncSession, congress: CongressSession, deputy: Deputy, *, actor: str
) -> tuple[CheckIn, bool]:
    """Check ``deputy`` in to ``congress``; returns the check-in and whether it already existed.

    Idempotent: a phone that scans the session's QR code twice must not see an error, so a second
    check-in (even a concurrent one, refused by the key) answers with the first.
    """
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


async def attendance(session: AsyncSession, session_id: uuid.UUID) -> AttendanceFigures:
    """Entitled and present deputies and the tenant's quorum verdict (platform/docs/domain.md: quorum)."""
    entitled = await roster.entitled_count(session)
    present = await present_count(session, session_id)
    hooks = await current_tenant_hooks(session)
    return AttendanceFigures(entitled, present, hooks.quorum_rule(entitled=entitled, present=present))
