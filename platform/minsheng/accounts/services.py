"""Use cases of accounts: create users, log in with lockout, issue and resolve sessions, memberships."""

from __future__ import annotations

import asyncio
import hashlib
import math
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts import throttling
from minsheng.accounts.models import AuthSession, Membership, Role, User
from minsheng.accounts.passwords import NO_PASSWORD, check_password_policy, hash_password, verify_password
from minsheng.audit import services as audit
from minsheng.db.base import utcnow
from minsheng.errors import Conflict, InvalidInput, TooManyRequests, Unauthorized
from minsheng.settings import Settings

# last_seen is refreshed at most this often, so a busy client does not write on every request.
TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True)
class Principal:
    """The authenticated user of a request."""

    user_id: uuid.UUID
    username: str
    display_name: str
    is_platform_admin: bool
    session_id: str
    csrf_token: str


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; every stored time is UTC.
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=utcnow().tzinfo)


def validate_username(username: str) -> str:
    name = username.strip()
    if not (3 <= len(name) <= 64) or not all(c.isalnum() or c in "._-@" for c in name):
        raise InvalidInput("A user name has 3 to 64 letters, digits or . _ - @")
    return name


async def create_user(
    session: AsyncSession,
    username: str,
    password: str | None,
    *,
    display_name: str = "",
    platform_admin: bool = False,
) -> User:
    """Create a user after the password policy accepts the password; 409 when the name is taken.

    ``password=None``: the account has no password until its owner sets one through a one-time link.
    """
    username = validate_username(username)
    password_hash = NO_PASSWORD
    if password is not None:
        check_password_policy(password, username)
        # Argon2 is slow on purpose: off the event loop.
        password_hash = await asyncio.to_thread(hash_password, password)
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=password_hash,
        is_platform_admin=platform_admin,
        password_changed_at=utcnow() if password is not None else None,
    )
    try:
        async with session.begin_nested():
            session.add(user)
    except IntegrityError as exc:
        raise Conflict("A user named {username} already exists", username=username) from exc
    return user


async def find_user(session: AsyncSession, username: str) -> User | None:
    return (await session.execute(select(User).where(User.username == username))).scalar_one_or_none()


async def authenticate(
    session: AsyncSession, settings: Settings, username: str, password: str, address: str | None = None
) -> User:
    """Check a password under the login throttling (``accounts.throttling``); a name or an address that
    must wait answers 429 with the wait, whatever the password.

    Failures are committed before refusing, so the counts survive the refusal (等保: 登录失败处理).
    Unknown names are counted and delayed exactly like real ones, so no answer tells them apart. The
    account's delay does not apply from its owner's usual address (one that logged in to it before).
    """
    name = username.strip()[:64]
    now = utcnow()
    # The name's counter is written first: concurrent attempts on one name then queue behind its lock
    # (SQLite included, whose readers turning writers would otherwise refuse each other as busy).
    account = await throttling.row(session, name, create=True)
    by_address = await throttling.row(session, throttling.address_key(address), create=False) if address else None
    remembered = await throttling.row(session, throttling.known_key(name, address), create=False) if address else None
    known = throttling.waiting(remembered, now, free=0) > 0
    free = settings.lockout_threshold
    wait = max(
        throttling.waiting(by_address, now, throttling.ADDRESS_FREE_FAILURES),
        0.0 if known else throttling.waiting(account, now, free),
    )
    if wait > 0:
        raise TooManyRequests(
            "Too many failed logins; try again in {minutes} minutes",
            retry_after=int(wait) + 1,
            minutes=max(1, math.ceil(wait / 60)),
        )
    user = await find_user(session, name)
    # Argon2 is deliberately slow: off the event loop, so one login does not stall other requests.
    ok = await asyncio.to_thread(verify_password, user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        await _count_failure(session, settings, name, address, now)
        await session.commit()
        raise Unauthorized("Wrong username or password")
    if account is not None and throttling.waiting(account, now, settings.lockout_threshold) > 0:
        await audit.record_platform(session, "login.allowed_from_usual_address", actor=address or "", subject=name)
    elif account is not None:
        await session.delete(account)
    if address:
        remembered = await throttling.row(session, throttling.known_key(name, address), create=True)
        assert remembered is not None
        remembered.locked_until = now + timedelta(days=throttling.KNOWN_DAYS)
    return user


async def _count_failure(
    session: AsyncSession, settings: Settings, name: str, address: str | None, now: datetime
) -> None:
    cap = settings.lockout_minutes * 60
    counters = [(name, settings.lockout_threshold, "account")]
    if address:
        counters.append((throttling.address_key(address), throttling.ADDRESS_FREE_FAILURES, "address"))
    for key, free, kind in counters:
        counter = await throttling.row(session, key, create=True)
        assert counter is not None
        if throttling.count_failure(counter, now, free=free, cap_seconds=cap):
            await audit.record_platform(
                session,
                "login.throttled",
                actor=address or "",
                subject=name,
                payload={"by": kind, "failures": counter.failures},
            )


def digest_of(secret: str) -> str:
    """What is stored of a token or cookie secret (its SHA-256), the key of its ``auth_sessions`` row."""
    return hashlib.sha256(secret.encode()).hexdigest()


async def open_session(session: AsyncSession, settings: Settings, user: User, kind: str) -> tuple[str, AuthSession]:
    """Issue a login: returns the secret (shown once) and its stored row (holding only a digest)."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    lifetime = settings.token_lifetime_minutes if kind == "api" else 12 * 60
    row = AuthSession(
        id=digest_of(secret),
        user_id=user.id,
        kind=kind,
        csrf_token=secrets.token_urlsafe(24),
        last_seen_at=now,
        expires_at=now + timedelta(minutes=lifetime),
    )
    session.add(row)
    await session.flush()
    return secret, row


async def resolve_session(session: AsyncSession, settings: Settings, secret: str, kind: str) -> Principal | None:
    """The user behind a token or cookie, or None when it is unknown, expired or idle too long."""
    # The session row and its user in one round trip: this runs on every authenticated request.
    query = select(AuthSession, User).join(User, User.id == AuthSession.user_id)
    query = query.where(AuthSession.id == digest_of(secret))
    found = (await session.execute(query)).first()
    if found is None:
        return None
    row, user = found
    if row.kind != kind:
        return None
    now = utcnow()
    idle_limit = timedelta(minutes=settings.session_idle_minutes)
    last_seen = _aware(row.last_seen_at) or now
    expires_at = _aware(row.expires_at) or now
    if expires_at <= now or (kind == "web" and now - last_seen > idle_limit):
        await session.delete(row)
        return None
    if not user.is_active:
        return None
    if now - last_seen > TOUCH_INTERVAL:
        row.last_seen_at = now
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        is_platform_admin=user.is_platform_admin,
        session_id=row.id,
        csrf_token=row.csrf_token,
    )


async def close_session(session: AsyncSession, session_id: str) -> None:
    await session.execute(delete(AuthSession).where(AuthSession.id == session_id))


def parse_roles(roles: Iterable[str], known: Iterable[str] | None = None) -> list[str]:
    """Validate role names against ``known`` (default: the permission table's roles; a tenant passes
    its plugins' roles too), order kept, duplicates dropped."""
    allowed = set(known) if known is not None else {r.value for r in Role}
    roles = list(roles)
    unknown = [r for r in roles if r not in allowed]
    if unknown:
        raise InvalidInput("Unknown role {role}", role=unknown[0])
    return list(dict.fromkeys(roles))


async def grant_membership(
    session: AsyncSession, tenant_id: uuid.UUID, user: User, roles: list[str], known: Iterable[str] | None = None
) -> Membership:
    """Give ``user`` these roles in the tenant (replacing earlier roles there); ``known`` as in
    :func:`parse_roles`."""
    roles = parse_roles(roles, known)
    membership = await session.get(Membership, (tenant_id, user.id))
    if membership is None:
        membership = Membership(tenant_id=tenant_id, user_id=user.id, roles=roles)
        session.add(membership)
    else:
        membership.roles = roles
    await session.flush()
    return membership


async def roles_in(session: AsyncSession, user_id: uuid.UUID, tenant_id: uuid.UUID) -> list[str] | None:
    """The user's roles in a tenant, or None when the user is not a member."""
    membership = await session.get(Membership, (tenant_id, user_id))
    return list(membership.roles) if membership else None


async def memberships_of(session: AsyncSession, user_id: uuid.UUID) -> list[Membership]:
    return list((await session.execute(select(Membership).where(Membership.user_id == user_id))).scalars())


async def verify_password_of(user: User, password: str) -> bool:
    """True when ``password`` is the user's current password (argon2, off the event loop)."""
    return await asyncio.to_thread(verify_password, user.password_hash, password)


async def revoke_sessions(session: AsyncSession, user_id: uuid.UUID, *, keep: str | None = None) -> None:
    """End every login of the user at once (API tokens and page sessions), except ``keep``."""
    statement = delete(AuthSession).where(AuthSession.user_id == user_id)
    if keep is not None:
        statement = statement.where(AuthSession.id != keep)
    await session.execute(statement)


async def set_password(session: AsyncSession, user: User, password: str, *, keep_session: str | None = None) -> None:
    """Give ``user`` a new password the policy accepts; every other login of the user ends."""
    check_password_policy(password, user.username)
    user.password_hash = await asyncio.to_thread(hash_password, password)
    user.password_changed_at = utcnow()
    await revoke_sessions(session, user.id, keep=keep_session)
    await session.flush()


async def change_own_password(session: AsyncSession, principal: Principal, current: str, new: str) -> User:
    """The signed-in user changes its password, proving the current one; its other logins end."""
    user = await session.get(User, principal.user_id)
    if user is None or not await verify_password_of(user, current):
        raise InvalidInput("The current password is wrong")
    if current == new:
        raise InvalidInput("The new password must differ from the current one")
    await set_password(session, user, new, keep_session=principal.session_id)
    return user


async def set_active(session: AsyncSession, user: User, active: bool) -> None:
    """Enable or disable an account; disabling ends its logins at once."""
    user.is_active = active
    if not active:
        await revoke_sessions(session, user.id)
    await session.flush()


def existing_user_conflict(username: str) -> Conflict:
    # Adding an existing user to another tenant must not let the caller reset or learn its password.
    return Conflict("A user named {username} already exists", username=username)
