"""Users and roles of one tenant, for the operator and the office's administrator: list, change roles,
remove."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts import services as accounts
from minsheng.accounts.models import Membership, User
from minsheng.errors import InvalidInput, NotFound
from minsheng.tenancy.audit_trail import record_in
from minsheng.tenancy.snapshot import TenantLike


@dataclass(frozen=True)
class Member:
    user_id: uuid.UUID
    username: str
    display_name: str
    roles: list[str]
    active: bool


async def list_members(
    session: AsyncSession, tenant: TenantLike, *, page: int, per_page: int, q: str | None = None
) -> tuple[list[Member], int]:
    """The tenant's members with their roles, by user name; ``q`` searches name and display name."""
    query = select(User, Membership.roles).join(Membership, Membership.user_id == User.id)
    query = query.where(Membership.tenant_id == tenant.id)
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(or_(User.username.ilike(pattern), User.display_name.ilike(pattern)))
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await session.execute(query.order_by(User.username).offset((page - 1) * per_page).limit(per_page))
    members = [Member(u.id, u.username, u.display_name, list(roles), u.is_active) for u, roles in rows]
    return members, int(total)


async def member_account(session: AsyncSession, tenant: TenantLike, username: str) -> tuple[User, list[str]]:
    """A member's account and roles in the tenant; 404 for anyone else (no probing of other tenants)."""
    user = await accounts.find_user(session, username)
    roles = await accounts.roles_in(session, user.id, tenant.id) if user is not None else None
    if user is None or roles is None:
        raise NotFound("No user {username} in this congress", username=username)
    return user, roles


async def set_roles(
    session: AsyncSession,
    tenant: TenantLike,
    username: str,
    roles: list[str],
    *,
    actor: str,
    known_roles: Iterable[str] | None = None,
) -> Member:
    """Replace a member's roles in the tenant (at least one role; remove the member otherwise)."""
    user, before = await member_account(session, tenant, username)
    roles = accounts.parse_roles(roles, known_roles)
    if not roles:
        raise InvalidInput("Choose at least one role")
    await accounts.grant_membership(session, tenant.id, user, roles, known_roles)
    await record_in(
        session,
        tenant,
        "membership.changed",
        actor=actor,
        subject=user.username,
        payload={"roles": roles, "before": before},
    )
    return Member(user.id, user.username, user.display_name, roles, user.is_active)


async def remove(session: AsyncSession, tenant: TenantLike, username: str, *, actor: str) -> None:
    """Take a user's roles in the tenant away (the account itself stays)."""
    user, before = await member_account(session, tenant, username)
    await session.execute(delete(Membership).where(Membership.tenant_id == tenant.id, Membership.user_id == user.id))
    await record_in(
        session, tenant, "membership.revoked", actor=actor, subject=user.username, payload={"before": before}
    )
