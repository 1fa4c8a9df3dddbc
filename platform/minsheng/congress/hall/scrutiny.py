"""The session's scrutineers and tellers (总监票人, 监票人, 计票人), approved by the session.

platform/docs/domain.md, "Paper ballots": the session approves them from its deputies and staff; only
they enter and compare the paper ballots of its rounds. What each duty may do is the permission
table's row of the role of the same name (``minsheng.permissions``): a deputy approved as scrutineer
enters paper ballots of that session without holding the role anywhere else, and a member holding the
teller role is no teller of a session that did not approve them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts import services as accounts
from minsheng.accounts.models import User
from minsheng.audit import services as audit
from minsheng.congress.models import CongressSession, Deputy, ScrutinyRole, SessionScrutineer
from minsheng.errors import Conflict, Forbidden, InvalidInput
from minsheng.http.scope import TenantScope
from minsheng.permissions import Permission, permissions_of
from minsheng.tenancy.snapshot import TenantLike


@dataclass(frozen=True)
class Scrutineer:
    username: str
    display_name: str
    role: str
    approved_by: str
    approved_at: datetime


async def approve(
    session: AsyncSession, tenant: TenantLike, congress: CongressSession, *, username: str, role: str, actor: str
) -> SessionScrutineer:
    """Approve ``username`` for ``role`` in the session: a member of the tenant (a deputy in office, or
    staff); one duty per person, one chief scrutineer per session (409 otherwise), 422 for a stranger."""
    if role not in {r.value for r in ScrutinyRole}:
        raise InvalidInput("Unknown duty {role}", role=role)
    user = await accounts.find_user(session, username)
    if user is None or await accounts.roles_in(session, user.id, tenant.id) is None:
        raise InvalidInput("{username} is not a member of this tenant", username=username)
    deputy = (await session.execute(select(Deputy).where(Deputy.user_id == user.id))).scalar_one_or_none()
    if deputy is not None and not deputy.active:
        raise Conflict("{name} is no longer in office and cannot be approved", name=deputy.name)
    if role == ScrutinyRole.CHIEF_SCRUTINEER and await _chief(session, congress.id) is not None:
        raise Conflict("The session has approved its chief scrutineer already")
    row = SessionScrutineer(session_id=congress.id, user_id=user.id, role=role, approved_by=actor)
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError as exc:
        raise Conflict("{username} is approved for this session already", username=username) from exc
    await audit.record(
        session,
        "session.scrutineer_approved",
        actor=actor,
        subject=str(congress.id),
        payload={"username": username, "role": role},
    )
    return row


async def _chief(session: AsyncSession, session_id: uuid.UUID) -> uuid.UUID | None:
    query = select(SessionScrutineer.user_id).where(
        SessionScrutineer.session_id == session_id, SessionScrutineer.role == ScrutinyRole.CHIEF_SCRUTINEER.value
    )
    return (await session.execute(query)).scalars().first()


async def scrutineers_of(session: AsyncSession, session_id: uuid.UUID) -> list[Scrutineer]:
    """The session's approved scrutineers and tellers, in the order they were approved."""
    query = (
        select(SessionScrutineer, User.username, User.display_name)
        .join(User, User.id == SessionScrutineer.user_id)
        .where(SessionScrutineer.session_id == session_id)
        .order_by(SessionScrutineer.approved_at, User.username)
    )
    return [
        Scrutineer(name, display or name, row.role, row.approved_by, row.approved_at)
        for row, name, display in (await session.execute(query)).all()
    ]


async def duty_of(session: AsyncSession, session_id: uuid.UUID, user_id: uuid.UUID) -> str | None:
    """The duty the session approved the user for, if any."""
    query = select(SessionScrutineer.role).where(
        SessionScrutineer.session_id == session_id, SessionScrutineer.user_id == user_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def may_count(session: AsyncSession, access: TenantScope, session_id: uuid.UUID) -> bool:
    """Whether the caller may enter and compare the session's paper ballots: approved by the session
    for a duty whose row of the permission table holds ``ballots.enter_paper``."""
    if access.principal is None:
        return False
    duty = await duty_of(session, session_id, access.principal.user_id)
    if duty is None:
        return False
    granted = permissions_of([duty], access.tenant.level.value, access.hooks.role_grants())
    return Permission.BALLOTS_ENTER_PAPER in granted


async def require_counting_duty(session: AsyncSession, access: TenantScope, session_id: uuid.UUID) -> str:
    """The caller's user name when the session approved them to count its paper ballots, else 403."""
    if not await may_count(session, access, session_id):
        raise Forbidden("Only the scrutineers and tellers approved by this session enter or compare its paper ballots")
    return access.user.username
