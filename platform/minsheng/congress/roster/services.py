"""The roster: the tenant's deputies (人大代表) and the user accounts they vote with."""

from __future__ import annotations

import uuid

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts import services as accounts
from minsheng.accounts.models import Role, User
from minsheng.audit import services as audit
from minsheng.congress.models import Deputy
from minsheng.db.lookup import one_or_not_found
from minsheng.errors import Conflict, InvalidInput, NotFound
from minsheng.tenancy.snapshot import TenantLike


async def add_deputy(
    session: AsyncSession, tenant: TenantLike, *, name: str, username: str | None, actor: str
) -> Deputy:
    """Put a deputy on the roster, linked to ``username`` when given.

    The account must be a member of the tenant with the role ``deputy``: the roster says who may vote,
    the membership says who may log in, and both must agree. One account is one deputy (409 otherwise).
    """
    user_id = None
    if username is not None:
        user = await accounts.find_user(session, username)
        roles = await accounts.roles_in(session, user.id, tenant.id) if user else None
        if user is None or roles is None or Role.DEPUTY.value not in roles:
            raise InvalidInput("{username} is not a member of this tenant with the role deputy", username=username)
        user_id = user.id
    deputy = Deputy(name=name.strip(), user_id=user_id, created_by=actor)
    try:
        async with session.begin_nested():
            session.add(deputy)
    except IntegrityError as exc:
        raise Conflict("The account {username} is already linked to a deputy", username=username) from exc
    await audit.record(
        session,
        "deputy.added",
        actor=actor,
        subject=str(deputy.id),
        payload={"name": deputy.name, "username": username},
    )
    return deputy


async def list_deputies(
    session: AsyncSession, *, page: int, per_page: int, q: str | None
) -> tuple[list[tuple[Deputy, str | None]], int]:
    """The roster by name, with each deputy's user name, paginated; ``q`` searches names."""
    query = select(Deputy, User.username).outerjoin(User, User.id == Deputy.user_id)
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(or_(Deputy.name.ilike(pattern), User.username.ilike(pattern)))
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await session.execute(query.order_by(Deputy.name, Deputy.id).offset((page - 1) * per_page).limit(per_page))
    return [(deputy, username) for deputy, username in rows.all()], int(total)


async def get_deputy(session: AsyncSession, deputy_id: uuid.UUID) -> Deputy:
    """A deputy of the tenant in context, or 404."""
    # A query, not session.get: the tenant filter applies to queries, and the key alone names no tenant.
    query = select(Deputy).where(Deputy.id == deputy_id)
    return await one_or_not_found(session, query, NotFound("No deputy {deputy} in this tenant", deputy=str(deputy_id)))


async def deputy_of_user(session: AsyncSession, user_id: uuid.UUID) -> Deputy | None:
    """The active deputy the user votes as in the tenant in context, if any."""
    query = select(Deputy).where(Deputy.user_id == user_id, Deputy.active.is_(True))
    return (await session.execute(query)).scalar_one_or_none()


async def entitled_count(session: AsyncSession) -> int:
    """How many deputies the tenant has (全体代表): the base of the quorum and of the majority."""
    query = select(func.count()).select_from(Deputy).where(Deputy.active.is_(True))
    return int((await session.execute(query)).scalar_one())


async def roster_rows(session: AsyncSession) -> list[tuple[str, str | None, bool]]:
    """Every deputy of the roster as ``(name, user name, serving)``, by name (for the workbook)."""
    query = select(Deputy.name, User.username, Deputy.active).outerjoin(User, User.id == Deputy.user_id)
    rows = await session.execute(query.order_by(Deputy.name, Deputy.id))
    return [(name, username, bool(active)) for name, username, active in rows.all()]


async def deputy_names(session: AsyncSession, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The roster names of the deputies voting with these accounts."""
    if not user_ids:
        return {}
    rows = await session.execute(select(Deputy.user_id, Deputy.name).where(Deputy.user_id.in_(user_ids)))
    return {user_id: name for user_id, name in rows.all() if user_id is not None}
