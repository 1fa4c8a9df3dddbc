"""A request's context at almost no cost: its caller's login and memberships, and its tenant.

Every API request used to read the token with its user, the tenant with its ancestors, the tenant's
``set_config`` and the caller's memberships: four round trips and four ORM loads before the handler
ran. Now the request's first statement reads the two cache epochs (``minsheng.db.epochs``) and, when
the URL's tenant is already known to this process, binds it for row-level security in the same
statement. A login (API token: user, memberships) and a tenant (ancestors, plugins, settings, hooks)
read once are kept by the process under the epochs they were read after, and used while the
database's epochs are the same: any change of a membership, a user, a login's validity or a tenant
bumps an epoch in the writer's own transaction (triggers), so the next request of every process
reads afresh. Page sessions (cookies) are not cached: their idle limit needs ``last_seen_at`` as
stored, and pages are not where the load is.

An API token's ``last_seen_at`` is informational (API tokens end at their expiry, never idle): it is
refreshed at most every ``TOUCH_INTERVAL`` per token, in batches written beside the requests
(:func:`run_touch_writer`), never in the request itself.

platform/docs/architecture.md describes the request's path; row-level security is unchanged: the
tenant is bound in the transaction before any tenant row is read.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

import structlog
from sqlalchemy import bindparam, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.models import AuthSession, Membership, User
from minsheng.accounts.services import TOUCH_INTERVAL, Principal, digest_of, resolve_session
from minsheng.db.base import utcnow
from minsheng.db.epochs import EpochCache
from minsheng.db.session import CONTEXT_CACHE_INFO, SETTINGS_INFO, Database, is_citus
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.tenancy.isolation import note_bound
from minsheng.tenancy.snapshot import TenantSnapshot

log = structlog.get_logger("minsheng.context")

#: ``session.info``: the epochs this request's transaction read (``(auth, tenants)``).
EPOCHS_INFO = "minsheng.epochs"
#: ``session.info``: the cached login the request's principal came from.
LOGIN_INFO = "minsheng.login"
#: How often batched ``last_seen_at`` refreshes are written.
TOUCH_WRITE_SECONDS = 30.0

_EPOCHS = text("SELECT auth, tenants FROM cache_epochs WHERE id = 1")
_EPOCHS_BINDING = text(
    "SELECT auth, tenants, set_config('app.tenant_id', :tid, true) AS bound FROM cache_epochs WHERE id = 1"
)
_sessions = AuthSession.__table__.c
_users = User.__table__.c
_LOGIN = (
    select(
        _sessions.user_id,
        _sessions.kind,
        _sessions.csrf_token,
        _sessions.last_seen_at,
        _sessions.expires_at,
        _users.username,
        _users.display_name,
        _users.is_platform_admin,
        _users.is_active,
    )
    .join_from(AuthSession.__table__, User.__table__, _users.id == _sessions.user_id)
    .where(_sessions.id == bindparam("digest"))
)
_MEMBERSHIPS = select(Membership.__table__.c.tenant_id, Membership.__table__.c.roles).where(
    Membership.__table__.c.user_id == bindparam("user_id")
)


@dataclass(frozen=True)
class Login:
    """An API token as a process keeps it: its principal, expiry and the user's roles by tenant."""

    principal: Principal
    expires_at: datetime
    last_seen_at: datetime
    roles: Mapping[uuid.UUID, tuple[str, ...]]


@dataclass(frozen=True)
class CachedTenant:
    """A tenant with its ancestors (root first, the tenant last) and its hooks."""

    chain: tuple[TenantSnapshot, ...]
    hooks: TenantHooks


def cache_of(session: AsyncSession) -> EpochCache | None:
    found = session.info.get(CONTEXT_CACHE_INFO)
    return found if isinstance(found, EpochCache) else None


async def read_epochs(session: AsyncSession, slug: str | None) -> None:
    """The request's first statement: the epochs, and the tenant ``slug`` bound when already known.

    A pooled connection found dropped (the pool does not ping at checkout) is replaced once.
    """
    cache = cache_of(session)
    if cache is None:
        return
    known = cache.tenants.get(slug) if slug else None
    for attempt in (1, 2):
        try:
            connection = await session.connection()
            bind = known is not None and connection.dialect.name == "postgresql"
            if bind and is_citus(connection.sync_connection):
                bind = False  # a coordinator needs SET LOCAL (tenancy/isolation.py): bound later
            if bind:
                assert known is not None
                tenant_id = str(known.chain[-1].id)
                row = (await connection.execute(_EPOCHS_BINDING, {"tid": tenant_id})).one_or_none()
                if row is not None:
                    note_bound(session.sync_session, tenant_id)
            else:
                row = (await connection.execute(_EPOCHS)).one_or_none()
            break
        except DBAPIError as exc:
            if attempt == 2 or not exc.connection_invalidated:
                raise
            log.warning("database_connection_replaced", error=str(exc.orig))
            await session.rollback()
    if row is None:
        # No counters (a database restored without the row): nothing is cached, every request reads.
        cache.observe(-1, -1)
        return
    cache.observe(int(row.auth), int(row.tenants))
    session.info[EPOCHS_INFO] = (int(row.auth), int(row.tenants))


async def api_principal(session: AsyncSession, secret: str) -> Principal | None:
    """The caller of an API token, from this process's cache or one read (None: no such valid token)."""
    cache = cache_of(session)
    epochs = session.info.get(EPOCHS_INFO)
    if cache is None or epochs is None:
        return await resolve_session(session, session.info[SETTINGS_INFO], secret, "api")
    digest = digest_of(secret)
    now = utcnow()
    login: Login | None = cache.logins.get(digest)
    if login is None or login.expires_at <= now:
        login = await _load_login(session, digest)
        if login is None:
            return None
        if login.expires_at <= now:
            # The accounts service removes the expired login (and says no).
            return await resolve_session(session, session.info[SETTINGS_INFO], secret, "api")
        cache.keep_login(epochs[0], digest, login)
    if now - login.last_seen_at > TOUCH_INTERVAL:
        cache.touches[digest] = now
        cache.keep_login(epochs[0], digest, replace(login, last_seen_at=now))
    session.info[LOGIN_INFO] = login
    return login.principal


async def _load_login(session: AsyncSession, digest: str) -> Login | None:
    connection = await session.connection()
    row = (await connection.execute(_LOGIN, {"digest": digest})).one_or_none()
    if row is None or row.kind != "api" or not row.is_active:
        return None
    memberships = (await connection.execute(_MEMBERSHIPS, {"user_id": row.user_id})).all()
    principal = Principal(
        user_id=row.user_id,
        username=row.username,
        display_name=row.display_name,
        is_platform_admin=row.is_platform_admin,
        session_id=digest,
        csrf_token=row.csrf_token,
    )
    roles = {tenant_id: tuple(roles) for tenant_id, roles in memberships}
    return Login(principal, _aware(row.expires_at), _aware(row.last_seen_at), roles)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=utcnow().tzinfo)


def cached_roles(session: AsyncSession, principal: Principal) -> Mapping[uuid.UUID, tuple[str, ...]] | None:
    """The principal's roles by tenant when it came from the cache this request, else None."""
    login = session.info.get(LOGIN_INFO)
    if isinstance(login, Login) and login.principal.session_id == principal.session_id:
        return login.roles
    return None


def cached_tenant(session: AsyncSession, slug: str) -> CachedTenant | None:
    """Tenant ``slug`` as this process knows it, when the request read the epochs it was kept under."""
    cache = cache_of(session)
    if cache is None or EPOCHS_INFO not in session.info:
        return None
    found = cache.tenants.get(slug)
    return found if isinstance(found, CachedTenant) else None


def keep_tenant(session: AsyncSession, slug: str, entry: CachedTenant) -> None:
    cache = cache_of(session)
    epochs = session.info.get(EPOCHS_INFO)
    if cache is not None and epochs is not None:
        cache.keep_tenant(epochs[1], slug, entry)


async def write_touches(database: Database) -> int:
    """Write the batched ``last_seen_at`` refreshes of API tokens; answers how many."""
    cache = database.context_cache
    touches, cache.touches = cache.touches, {}
    if not touches:
        return 0
    statement = update(AuthSession).where(AuthSession.id == bindparam("digest"))
    try:
        async with database.session() as session:
            connection = await session.connection()
            await connection.execute(
                statement.values(last_seen_at=bindparam("seen")),
                [{"digest": digest, "seen": seen} for digest, seen in touches.items()],
            )
    except BaseException:
        # Kept for the next batch (a newer refresh of the same token wins).
        cache.touches = {**touches, **cache.touches}
        raise
    return len(touches)


async def run_touch_writer(database: Database, every: float = TOUCH_WRITE_SECONDS) -> None:
    """Write the refreshes every ``every`` seconds until cancelled, then once more."""
    try:
        while True:
            await asyncio.sleep(every)
            try:
                await write_touches(database)
            except Exception as exc:  # a database away for a while: the next batch carries them
                log.warning("last_seen_write_failed", error=repr(exc))
    finally:
        with contextlib.suppress(Exception):
            await asyncio.shield(write_touches(database))
