"""One tenant scope per request: the tenant, its ancestors, its hooks, the caller and what it may do.

Every route of a tenant (``/api/v1/t/{slug}/…`` and the pages under ``/t/{slug}/…``) declares what it
needs with :func:`requires` (a :class:`~minsheng.permissions.Permission`) or :func:`public` (no login),
and takes the ``scope`` dependency. Resolving the scope enforces the declaration:

- a tenant that does not exist, or one the caller is not a member of, answers 404 (the same answer, so
  tenant names cannot be probed); a suspended tenant answers 404 except to the platform operator;
- without a login: 401 on the API, the login form (and back) on a page;
- a member lacking the permission: 403.

The app refuses to start when a tenant route declares nothing or does not take ``scope``
(``minsheng.server.protection``), so no route can forget its check. Services get what they need from
the scope (``scope.hooks``, ``scope.tenant``) and never fetch the tenant again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import structlog
from litestar import Request
from litestar.handlers import BaseRouteHandler
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.models import Membership
from minsheng.accounts.services import Principal
from minsheng.errors import Forbidden, NotFound, Unauthorized
from minsheng.http import context
from minsheng.permissions import Permission, Role, permissions_of
from minsheng.plugins.manager import get_plugin_manager
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.tenancy import services as tenancy
from minsheng.tenancy.configuration import hooks_for_chain
from minsheng.tenancy.context import set_current_tenant
from minsheng.tenancy.isolation import rebind_tenant
from minsheng.tenancy.snapshot import TenantSnapshot

#: Where a route handler's ``opt`` keeps what it declared.
DECLARATION = "permission"
#: The declaration of a route anyone may use without logging in (citizens' pages, the portal).
PUBLIC = "public"
#: Where the request's state keeps its scope (the pages' navigation and ``may()`` read it there).
STATE_KEY = "tenant_scope"

H = TypeVar("H", bound=BaseRouteHandler)


def requires(permission: Permission) -> Callable[[H], H]:
    """Declare that a route handler needs ``permission`` in its tenant. Put it above ``@get``/``@post``."""

    def declare(handler: H) -> H:
        handler.opt[DECLARATION] = permission
        return handler

    return declare


def public(handler: H) -> H:
    """Declare that a tenant's route handler needs no login (it still answers 404 for no tenant)."""
    handler.opt[DECLARATION] = PUBLIC
    return handler


def declared(handler: BaseRouteHandler) -> Permission | str | None:
    """What ``handler`` declared: a permission, :data:`PUBLIC`, or None."""
    value = handler.opt.get(DECLARATION)
    return value if isinstance(value, Permission) or value == PUBLIC else None


class LoginRequired(Exception):
    """A page needs a signed-in user: the browser is sent to the login form and back here."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


@dataclass(frozen=True)
class TenantScope:
    """The tenant of a request and what its caller may do there (built once per request)."""

    tenant: TenantSnapshot
    #: The tenant's ancestors from the root down, and the tenant itself last.
    chain: tuple[TenantSnapshot, ...]
    hooks: TenantHooks
    principal: Principal | None
    roles: frozenset[str]
    permissions: frozenset[Permission]

    @property
    def parent(self) -> TenantSnapshot | None:
        return self.chain[-2] if len(self.chain) > 1 else None

    @property
    def user(self) -> Principal:
        """The signed-in caller (a declared permission guarantees one)."""
        if self.principal is None:
            raise Unauthorized("Authentication required")
        return self.principal

    def may(self, permission: Permission | str) -> bool:
        """Whether the caller holds ``permission`` here (for a choice inside a handler or a page)."""
        return Permission(permission) in self.permissions

    def require(self, *needed: Permission | str) -> Principal:
        """The caller, when it holds the permission ``needed`` here; else 403. For checks that depend
        on data (the route's own declaration is enforced before the handler runs).

        Role names instead of a permission are the old way, kept while contexts move to the table: the
        caller passes when it holds one of them (the operator always did).
        """
        user = self.user
        permissions = [n for n in needed if isinstance(n, Permission)]
        if permissions:
            if not all(p in self.permissions for p in permissions):
                raise Forbidden("You do not have the role needed for this action")
        elif not (user.is_platform_admin or self.roles.intersection(needed)):
            raise Forbidden("You do not have the role needed for this action")
        return user


async def _roles(
    session: AsyncSession, principal: Principal, chain: tuple[TenantSnapshot, ...]
) -> tuple[list[str] | None, bool]:
    """The caller's roles in the tenant (None: not a member), and whether it is an admin of an ancestor."""
    ids = [t.id for t in chain]
    cached = context.cached_roles(session, principal)
    if cached is not None:
        held = {tenant_id: list(cached[tenant_id]) for tenant_id in ids if tenant_id in cached}
    else:
        rows = (
            await session.execute(
                select(Membership.tenant_id, Membership.roles).where(
                    Membership.user_id == principal.user_id, Membership.tenant_id.in_(ids)
                )
            )
        ).all()
        held = {tenant_id: list(roles) for tenant_id, roles in rows}
    ancestor_admin = any(Role.TENANT_ADMIN in held.get(t.id, ()) for t in chain[:-1])
    return held.get(chain[-1].id), ancestor_admin


def _login_target(request: Request[Any, Any, Any]) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


async def resolve_scope(
    session: AsyncSession, slug: str, principal: Principal | None, declaration: Permission | str | None
) -> TenantScope:
    """The scope of tenant ``slug`` for ``principal``, enforcing ``declaration`` (see the module)."""
    cached = context.cached_tenant(session, slug)
    if cached is not None:
        chain = cached.chain
    else:
        rows = await tenancy.chain_of(session, slug)
        if not rows:
            raise NotFound("Not found")
        chain = tuple(TenantSnapshot.of(row) for row in rows)
    tenant = chain[-1]
    operator = principal is not None and principal.is_platform_admin
    roles: list[str] | None = None
    ancestor_admin = False
    if principal is not None:
        roles, ancestor_admin = await _roles(session, principal, chain)
    if declaration != PUBLIC:
        if principal is None:
            raise Unauthorized("Authentication required")
        if roles is None and not operator and not ancestor_admin:
            raise NotFound("Not found")
    if not tenant.active and not operator:
        raise NotFound("Not found")
    if cached is not None:
        hooks = cached.hooks
    else:
        hooks = hooks_for_chain(get_plugin_manager(), chain)
        context.keep_tenant(session, slug, context.CachedTenant(chain, hooks))
    held = set(roles or ())
    if ancestor_admin:
        held.add("ancestor_admin")
    permissions = permissions_of(held, tenant.level.value, hooks.role_grants(), operator=operator)
    if isinstance(declaration, Permission) and declaration not in permissions:
        raise Forbidden("You do not have the role needed for this action")
    set_current_tenant(tenant.ref)
    structlog.contextvars.bind_contextvars(tenant=tenant.slug)
    await rebind_tenant(session)
    return TenantScope(
        tenant=tenant,
        chain=chain,
        hooks=hooks,
        principal=principal,
        roles=frozenset(roles or ()),
        permissions=permissions,
    )


async def provide_scope(
    request: Request[Any, Any, Any], slug: str, db_session: AsyncSession, principal: Principal | None
) -> TenantScope:
    """The ``scope`` dependency of every tenant route (see the module docstring)."""
    declaration = declared(request.route_handler)
    if declaration is None:
        # The start-up check makes this unreachable; a route that slipped through is refused, not served.
        raise Forbidden("You do not have the role needed for this action")
    if principal is None and declaration != PUBLIC and not request.url.path.startswith("/api/"):
        raise LoginRequired(_login_target(request))
    scope = await resolve_scope(db_session, slug, principal, declaration)
    request.state[STATE_KEY] = scope
    return scope


def scope_of(request: Any) -> TenantScope | None:
    """The scope a request resolved, if any (for templates and the navigation)."""
    state = getattr(request, "state", None)
    found = state.get(STATE_KEY) if state is not None else None
    return found if isinstance(found, TenantScope) else None
