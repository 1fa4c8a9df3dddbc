"""Invitations: the operator or the office's administrator invites a person with roles; the person sets
a password.

The token is shown once (in the link); only its SHA-256 digest is stored. An invitation expires
(default seven days), is used once, and every step is audited in the tenant's chain.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts import services as accounts
from minsheng.accounts.models import User
from minsheng.admin.models import Invitation
from minsheng.db.base import utcnow
from minsheng.errors import Conflict, InvalidInput, NotFound
from minsheng.tenancy.audit_trail import record_in
from minsheng.tenancy.models import Tenant, TenantStatus
from minsheng.tenancy.snapshot import TenantLike

DEFAULT_VALID_HOURS = 7 * 24
MAX_VALID_HOURS = 30 * 24


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_path(token: str) -> str:
    """The path of the page where the invitee accepts (the link's path; the host is the site's)."""
    return f"/invitations/{token}"


def is_usable(invitation: Invitation, now: datetime) -> bool:
    """Not yet accepted and not expired (an invitation expiring exactly now is expired)."""
    expires = invitation.expires_at
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=now.tzinfo)
    return invitation.accepted_at is None and now < expires


async def invite(
    session: AsyncSession,
    tenant: TenantLike,
    roles: list[str],
    *,
    actor: str,
    display_name: str = "",
    username: str | None = None,
    valid_hours: int = DEFAULT_VALID_HOURS,
    known_roles: Iterable[str] | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation to ``tenant`` with ``roles`` (of ``known_roles``: the tenant's, its plugins'
    included); returns it and its token (shown once)."""
    roles = accounts.parse_roles(roles, known_roles)
    if not roles:
        raise InvalidInput("Choose at least one role")
    if not 1 <= valid_hours <= MAX_VALID_HOURS:
        raise InvalidInput("An invitation is valid for 1 to {hours} hours", hours=MAX_VALID_HOURS)
    if username:
        username = accounts.validate_username(username)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        tenant_id=tenant.id,
        token_digest=digest(token),
        roles=roles,
        display_name=display_name.strip()[:100],
        username=username or None,
        expires_at=utcnow() + timedelta(hours=valid_hours),
        created_by=actor,
    )
    session.add(invitation)
    await session.flush()
    payload = {"roles": roles, "expires_at": invitation.expires_at.isoformat(), "username": username}
    await record_in(session, tenant, "invitation.created", actor=actor, subject=str(invitation.id), payload=payload)
    return invitation, token


async def find_usable(session: AsyncSession, token: str) -> tuple[Invitation, Tenant]:
    """The invitation behind ``token`` and its tenant; 404 when unknown, used, expired or suspended."""
    invitation = (
        await session.execute(select(Invitation).where(Invitation.token_digest == digest(token)))
    ).scalar_one_or_none()
    if invitation is None or not is_usable(invitation, utcnow()):
        raise NotFound("This invitation does not exist, has expired or has already been used")
    tenant = await session.get(Tenant, invitation.tenant_id)
    if tenant is None or tenant.status != TenantStatus.ACTIVE:
        raise NotFound("This invitation does not exist, has expired or has already been used")
    return invitation, tenant


async def accept(
    session: AsyncSession, token: str, username: str, password: str, display_name: str = ""
) -> tuple[User, Tenant, list[str]]:
    """Join the tenant: a new account with this password, or an existing one proving its password.

    The invitation is marked used in the same transaction (a second use gets 404).
    """
    invitation, tenant = await find_usable(session, token)
    user = await accounts.find_user(session, username.strip())
    if user is None:
        user = await accounts.create_user(
            session, username, password, display_name=display_name or invitation.display_name
        )
    elif not await accounts.verify_password_of(user, password):
        raise accounts.existing_user_conflict(username)
    existing = await accounts.roles_in(session, user.id, tenant.id) or []
    roles = list(dict.fromkeys([*existing, *invitation.roles]))
    # The roles were checked when the invitation was made (a plugin's role included).
    await accounts.grant_membership(session, tenant.id, user, roles, known=roles)
    invitation.accepted_at = utcnow()
    invitation.accepted_by = user.username
    await session.flush()
    await record_in(
        session,
        tenant,
        "invitation.accepted",
        actor=user.username,
        subject=str(invitation.id),
        payload={"roles": roles},
    )
    return user, tenant, roles


async def list_invitations(
    session: AsyncSession, tenant: TenantLike, *, page: int, per_page: int
) -> tuple[list[Invitation], int]:
    """The tenant's invitations, newest first."""
    where = Invitation.tenant_id == tenant.id
    total = (await session.execute(select(func.count()).select_from(Invitation).where(where))).scalar_one()
    rows = await session.scalars(
        select(Invitation)
        .where(where)
        .order_by(Invitation.created_at.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return list(rows), int(total)


async def revoke(session: AsyncSession, tenant: TenantLike, invitation_id: uuid.UUID, *, actor: str) -> None:
    """Make an unused invitation unusable at once (it expires now)."""
    invitation = await session.get(Invitation, invitation_id)
    if invitation is None or invitation.tenant_id != tenant.id:
        raise NotFound("Not found")
    if invitation.accepted_at is not None:
        raise Conflict("This invitation has already been used")
    invitation.expires_at = utcnow()
    await session.flush()
    await record_in(session, tenant, "invitation.revoked", actor=actor, subject=str(invitation.id), payload={})
