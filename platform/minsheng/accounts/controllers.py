"""API routes of accounts: tokens, the caller's profile, adding users to a tenant."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.di import Provide
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts import services as accounts
from minsheng.accounts.schemas import (
    Me,
    MembershipView,
    NewTenantUser,
    PasswordChange,
    TenantUser,
    TokenRequest,
    TokenResponse,
)
from minsheng.audit import services as audit
from minsheng.http.dependencies import provide_platform_admin, provide_user, services
from minsheng.http.openapi import problems
from minsheng.tenancy import services as tenancy
from minsheng.tenancy.audit_trail import record_in
from minsheng.tenancy.configuration import membership_roles
from minsheng.tenancy.models import Tenant


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["authentication"]

    @post("/token", status_code=200, responses=problems(401, 429))
    async def token(
        self, data: TokenRequest, state: State, db_session: AsyncSession, request: Request[Any, Any, Any]
    ) -> TokenResponse:
        """Exchange a username and password for a bearer token; 401 on a wrong password, 429 while the
        name or the address must wait."""
        svc = services(state)
        address = request.client.host if request.client else None
        user = await accounts.authenticate(db_session, svc.settings, data.username, data.password, address)
        secret, _row = await accounts.open_session(db_session, svc.settings, user, "api")
        return TokenResponse(
            access_token=secret,
            token_type="bearer",  # noqa: S106 - the OAuth token type, not a secret
            expires_in=svc.settings.token_lifetime_minutes * 60,
        )

    @post("/logout", status_code=204, dependencies={"user": Provide(provide_user)})
    async def logout(self, user: accounts.Principal, db_session: AsyncSession) -> None:
        """Revoke the token used for this request."""
        await accounts.close_session(db_session, user.session_id)


class MeController(Controller):
    path = "/api/v1/me"
    tags = ["authentication"]
    dependencies = {"user": Provide(provide_user)}

    @get("/")
    async def me(self, user: accounts.Principal, db_session: AsyncSession) -> Me:
        """The caller and the tenants it belongs to, with its roles in each."""
        views = []
        for membership in await accounts.memberships_of(db_session, user.user_id):
            tenant = await db_session.get(Tenant, membership.tenant_id)
            if tenant is not None:
                views.append(
                    MembershipView(
                        tenant=tenant.slug, name=tenant.name, level=tenant.level.value, roles=membership.roles
                    )
                )
        return Me(
            id=user.user_id,
            username=user.username,
            display_name=user.display_name,
            platform_admin=user.is_platform_admin,
            memberships=sorted(views, key=lambda v: v.tenant),
        )

    @post("/password", status_code=204, responses=problems(422))
    async def change_password(self, user: accounts.Principal, data: PasswordChange, db_session: AsyncSession) -> None:
        """Change the caller's own password (the current one proves it); its other logins end."""
        await accounts.change_own_password(db_session, user, data.current_password, data.new_password)
        await audit.record_platform(db_session, "user.password_changed", actor=user.username, subject=user.username)


class TenantUsersController(Controller):
    path = "/api/v1/admin/tenants/{slug:str}/users"
    tags = ["platform administration"]
    dependencies = {"operator": Provide(provide_platform_admin)}

    @post("/", status_code=201, responses=problems(409))
    async def add_user(
        self, slug: str, data: NewTenantUser, operator: accounts.Principal, db_session: AsyncSession
    ) -> TenantUser:
        """Create a user with roles in the tenant, or give an existing user roles there (same password)."""
        tenant = await tenancy.get_by_slug(db_session, slug)
        known = await membership_roles(db_session, tenant)
        roles = accounts.parse_roles(list(data.roles), known)
        user = await accounts.find_user(db_session, data.username)
        if user is None:
            user = await accounts.create_user(db_session, data.username, data.password, display_name=data.display_name)
        elif not await accounts.verify_password_of(user, data.password):
            raise accounts.existing_user_conflict(data.username)
        await accounts.grant_membership(db_session, tenant.id, user, roles, known)
        await record_in(
            db_session,
            tenant,
            "membership.granted",
            actor=operator.username,
            subject=user.username,
            payload={"roles": roles},
        )
        return TenantUser(id=user.id, username=user.username, display_name=user.display_name, roles=roles)
