"""The office's own accounts: add a user, disable or enable it, give it a one-time password link.

An account is platform-wide while roles are per tenant, so what changes the account itself (disabling
it, resetting its password) is allowed only to whoever administers *every* congress the account
belongs to: the administrator of each of those tenants or of a tenant above it, or the platform
operator. An office can never lock a person out of another office, nor take over an operator account.
Every change is recorded in the tenant's audit chain.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng import permissions
from minsheng.accounts import links
from minsheng.accounts import services as accounts
from minsheng.accounts.models import LinkPurpose, Membership, PasswordLink, User
from minsheng.accounts.passwords import NO_PASSWORD
from minsheng.accounts.services import Principal
from minsheng.admin import members
from minsheng.audit import services as audit
from minsheng.errors import Conflict, Forbidden, InvalidInput
from minsheng.permissions import Role
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.tenancy.models import Tenant
from minsheng.tenancy.snapshot import TenantLike


def office_roles(hooks: TenantHooks) -> list[str]:
    """The roles a membership may hold in the tenant of ``hooks`` (its plugins' roles included)."""
    return permissions.known_roles(hooks.role_grants())


async def add_user(
    session: AsyncSession,
    tenant: TenantLike,
    *,
    username: str,
    password: str | None,
    display_name: str,
    roles: Sequence[str],
    known_roles: Iterable[str],
    actor: str,
) -> tuple[members.Member, bool]:
    """Give a person roles in the office: a new account, or an existing one whose password is given.

    ``password=None`` makes a new account that logs in only once its owner has set a password through a
    link (:func:`reset_link`). Returns the member and whether the account was created. 409 when the name
    belongs to an account whose password was not given (nobody takes over an account by adding it) or
    to a member already.
    """
    chosen = accounts.parse_roles(roles, known_roles)
    if not chosen:
        raise InvalidInput("Choose at least one role")
    name = accounts.validate_username(username)
    user = await accounts.find_user(session, name)
    created = user is None
    if user is None:
        user = await accounts.create_user(session, name, password, display_name=display_name.strip())
    elif password is None or not await accounts.verify_password_of(user, password):
        raise accounts.existing_user_conflict(name)
    if await accounts.roles_in(session, user.id, tenant.id) is not None:
        raise Conflict("{username} already belongs to this congress: change the roles instead", username=name)
    await accounts.grant_membership(session, tenant.id, user, chosen, known_roles)
    await audit.record(
        session, "user.added", actor=actor, subject=user.username, payload={"roles": chosen, "new": created}
    )
    return members.Member(user.id, user.username, user.display_name, chosen, user.is_active), created


async def _administered(session: AsyncSession, user_id: uuid.UUID) -> set[uuid.UUID]:
    rows = await session.execute(select(Membership.tenant_id, Membership.roles).where(Membership.user_id == user_id))
    return {tenant_id for tenant_id, roles in rows.all() if Role.TENANT_ADMIN in roles}


async def _covered(session: AsyncSession, tenant_id: uuid.UUID, administered: set[uuid.UUID]) -> bool:
    """Whether ``tenant_id`` or a tenant above it is one of ``administered`` (at most four levels)."""
    current: uuid.UUID | None = tenant_id
    while current is not None:
        if current in administered:
            return True
        row = await session.get(Tenant, current)
        current = row.parent_id if row is not None else None
    return False


async def require_account_in_hand(session: AsyncSession, manager: Principal, user: User) -> None:
    """403 unless ``manager`` administers every congress ``user`` belongs to (see the module)."""
    if manager.is_platform_admin:
        return
    if user.is_platform_admin:
        raise Forbidden("Only the platform operator may change this account")
    administered = await _administered(session, manager.user_id)
    tenants = (await session.execute(select(Membership.tenant_id).where(Membership.user_id == user.id))).scalars()
    for tenant_id in tenants:
        if not await _covered(session, tenant_id, administered):
            raise Forbidden(
                "This account also belongs to another congress: its administrators or the operator may change it"
            )


async def set_active(
    session: AsyncSession, tenant: TenantLike, username: str, active: bool, *, manager: Principal
) -> members.Member:
    """Disable an account (its logins end at once) or enable it again; never one's own account."""
    user, roles = await members.member_account(session, tenant, username)
    if user.id == manager.user_id:
        raise InvalidInput("You cannot disable your own account")
    await require_account_in_hand(session, manager, user)
    if user.is_active != active:
        await accounts.set_active(session, user, active)
        action = "user.enabled" if active else "user.disabled"
        await audit.record(session, action, actor=manager.username, subject=user.username, payload={})
    return members.Member(user.id, user.username, user.display_name, roles, user.is_active)


async def reset_link(
    session: AsyncSession, tenant: TenantLike, username: str, *, manager: Principal
) -> tuple[PasswordLink, str]:
    """A one-time link for the member to choose a new password (the token is shown this once)."""
    user, _roles = await members.member_account(session, tenant, username)
    await require_account_in_hand(session, manager, user)
    if not user.is_active:
        raise Conflict("The account of {username} is disabled: enable it first", username=user.username)
    # An account that never had a password is opened, not reset.
    purpose = LinkPurpose.ACTIVATION if user.password_hash == NO_PASSWORD else LinkPurpose.RESET
    link, token = await links.issue_reset(session, user, tenant.id, actor=manager.username, purpose=purpose)
    await audit.record(
        session,
        "password.link_issued",
        actor=manager.username,
        subject=user.username,
        payload={"expires_at": link.expires_at.isoformat()},
    )
    return link, token
