"""Request-scoped dependencies: the transaction, the user, the tenant and its roles.

A tenant URL is answered 404 for a non-member exactly as for a tenant that does not exist, so that
tenant names cannot be probed; a member lacking the handler's roles gets 403.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import structlog
from litestar import Request
from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts import services as accounts
from minsheng.db.after_commit import discard, run_after_commit
from minsheng.errors import Forbidden, NotFound, Unauthorized
from minsheng.http import context
from minsheng.http.state import Services
from minsheng.jobs.outbox import take_enqueued
from minsheng.tenancy import services as tenancy
from minsheng.tenancy.context import TenantRef, set_current_tenant
from minsheng.tenancy.isolation import rebind_tenant
from minsheng.tenancy.models import Tenant, TenantStatus

SESSION_COOKIE = "minsheng_session"


def services(state: State) -> Services:
    value: Services = state.services
    return value


async def provide_db_session(state: State) -> AsyncGenerator[AsyncSession, None]:
    """One transaction per request: committed when the handler succeeds, rolled back otherwise.

    Jobs written to the outbox are handed to the dispatcher only after the commit.
    """
    svc = services(state)
    async with svc.database.sessionmaker() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            discard(session)
            raise
        else:
            await session.commit()
            await run_after_commit(session)
            job_ids = take_enqueued(session)
            if job_ids:
                await svc.dispatcher.notify(job_ids)


async def provide_principal(
    request: Request[Any, Any, Any], state: State, db_session: AsyncSession
) -> accounts.Principal | None:
    """The logged-in user: a bearer token on the API, the session cookie on pages.

    The request's first statement reads the cache epochs and binds a known tenant (``http/context.py``);
    an API token's caller then usually comes from the process's cache without a query.
    """
    svc = services(state)
    auth = request.headers.get("authorization", "")
    slug = request.path_params.get("slug")
    bearer = auth.lower().startswith("bearer ")
    if bearer or isinstance(slug, str):
        await context.read_epochs(db_session, slug if isinstance(slug, str) else None)
    principal = None
    if bearer:
        principal = await context.api_principal(db_session, auth[7:].strip())
    elif not request.url.path.startswith("/api/"):
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            principal = await accounts.resolve_session(db_session, svc.settings, cookie, "web")
    if principal is not None:
        structlog.contextvars.bind_contextvars(user=principal.username)
        request.state.principal = principal
    return principal


def require_user(principal: accounts.Principal | None) -> accounts.Principal:
    if principal is None:
        raise Unauthorized("Authentication required")
    return principal


async def provide_user(principal: accounts.Principal | None) -> accounts.Principal:
    """The logged-in user, or 401."""
    return require_user(principal)


async def provide_platform_admin(principal: accounts.Principal | None) -> accounts.Principal:
    """A platform operator, or 401/403."""
    user = require_user(principal)
    if not user.is_platform_admin:
        raise Forbidden("You do not have the role needed for this action")
    return user


async def _enter_tenant(db_session: AsyncSession, slug: str) -> Tenant:
    # With its ancestors: the tenant's hooks need their configurations, and they come in one query.
    tenant = await tenancy.find_with_ancestry(db_session, slug)
    if tenant is None:
        raise NotFound("Not found")
    set_current_tenant(TenantRef(tenant.id, tenant.slug))
    structlog.contextvars.bind_contextvars(tenant=tenant.slug)
    await rebind_tenant(db_session)
    return tenant


async def provide_public_tenant(slug: str, db_session: AsyncSession) -> Tenant:
    """The tenant of a no-login route (citizens' pages); suspended tenants are not served."""
    tenant = await _enter_tenant(db_session, slug)
    if tenant.status != TenantStatus.ACTIVE:
        raise NotFound("Not found")
    return tenant
