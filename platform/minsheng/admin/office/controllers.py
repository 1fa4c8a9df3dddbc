"""API routes of the office's self-service: its users, invitations, places, negative list, plugin settings.

The office's administrator (and an administrator of a tenant above, for the users) does here what only
the platform operator could do before; the operator keeps the same row of the permission table.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, delete, get, post, put
from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.links import link_path
from minsheng.admin import invitations, members
from minsheng.admin.configuration_view import thaw
from minsheng.admin.controllers import invitation_view, member_view
from minsheng.admin.office import accounts as office
from minsheng.admin.office import configuration
from minsheng.admin.office.schemas import (
    NegativeListChange,
    NegativeListView,
    NewOfficeUser,
    PasswordLinkView,
    PlacesView,
    PluginSettingsChange,
    PluginSettingsView,
)
from minsheng.admin.schemas import CreatedInvitation, InvitationView, MemberView, NewInvitation, RolesChange
from minsheng.http.dependencies import services
from minsheng.http.openapi import problems
from minsheng.http.pagination import Page, PageParam, PerPageParam
from minsheng.http.scope import TenantScope, requires
from minsheng.permissions import Permission
from minsheng.tenancy.places import own_places

P = Permission


class OfficeUsersController(Controller):
    path = "/api/v1/t/{slug:str}/users"
    tags = ["the office"]

    @requires(P.USERS_MANAGE)
    @post("/", status_code=201, responses=problems(409))
    async def add(self, access: TenantScope, data: NewOfficeUser, db_session: AsyncSession) -> MemberView:
        """Add a person with roles: a new account with this password, or an existing one whose password
        is given (409 otherwise, and for a member already)."""
        member, _created = await office.add_user(
            db_session,
            access.tenant,
            username=data.username,
            password=data.password,
            display_name=data.display_name,
            roles=data.roles,
            known_roles=office.office_roles(access.hooks),
            actor=access.user.username,
        )
        return member_view(member)

    @requires(P.USERS_MANAGE)
    @get("/")
    async def list_users(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
        q: str | None = None,
    ) -> Page[MemberView]:
        """The office's users with their roles, by user name; ``q`` searches names."""
        rows, total = await members.list_members(db_session, access.tenant, page=page, per_page=per_page, q=q)
        return Page(items=[member_view(m) for m in rows], total=total)

    @requires(P.USERS_MANAGE)
    @get("/{username:str}")
    async def show(self, access: TenantScope, username: str, db_session: AsyncSession) -> MemberView:
        """One user of the office."""
        user, roles = await members.member_account(db_session, access.tenant, username)
        return member_view(members.Member(user.id, user.username, user.display_name, roles, user.is_active))

    @requires(P.USERS_MANAGE)
    @put("/{username:str}/roles")
    async def set_roles(
        self, access: TenantScope, username: str, data: RolesChange, db_session: AsyncSession
    ) -> MemberView:
        """Replace the user's roles here."""
        member = await members.set_roles(
            db_session,
            access.tenant,
            username,
            list(data.roles),
            actor=access.user.username,
            known_roles=office.office_roles(access.hooks),
        )
        return member_view(member)

    @requires(P.USERS_MANAGE)
    @delete("/{username:str}", status_code=204)
    async def remove(self, access: TenantScope, username: str, db_session: AsyncSession) -> None:
        """Take the user's roles here away (the account stays)."""
        await members.remove(db_session, access.tenant, username, actor=access.user.username)

    @requires(P.USERS_MANAGE)
    @post("/{username:str}/disable", status_code=200, responses=problems(403))
    async def disable(self, access: TenantScope, username: str, db_session: AsyncSession) -> MemberView:
        """Disable the account: its logins end at once. 403 when it also belongs to a congress the caller
        does not administer."""
        return member_view(await office.set_active(db_session, access.tenant, username, False, manager=access.user))

    @requires(P.USERS_MANAGE)
    @post("/{username:str}/enable", status_code=200, responses=problems(403))
    async def enable(self, access: TenantScope, username: str, db_session: AsyncSession) -> MemberView:
        """Enable a disabled account again."""
        return member_view(await office.set_active(db_session, access.tenant, username, True, manager=access.user))

    @requires(P.USERS_MANAGE)
    @post("/{username:str}/password-link", status_code=201, responses=problems(403, 409))
    async def password_link(self, access: TenantScope, username: str, db_session: AsyncSession) -> PasswordLinkView:
        """A one-time link for the user to choose a new password, valid two hours; the token is shown
        only in this answer."""
        link, token = await office.reset_link(db_session, access.tenant, username, manager=access.user)
        return PasswordLinkView(username=username, token=token, path=link_path(token), expires_at=link.expires_at)


class OfficeInvitationsController(Controller):
    path = "/api/v1/t/{slug:str}/invitations"
    tags = ["the office"]

    @requires(P.USERS_MANAGE)
    @post("/", status_code=201)
    async def invite(self, access: TenantScope, data: NewInvitation, db_session: AsyncSession) -> CreatedInvitation:
        """Invite a person with roles: a link with a token, expiring, used once."""
        row, token = await invitations.invite(
            db_session,
            access.tenant,
            list(data.roles),
            actor=access.user.username,
            display_name=data.display_name,
            username=data.username,
            valid_hours=data.valid_hours,
            known_roles=office.office_roles(access.hooks),
        )
        view = invitation_view(row, access.tenant.slug)
        return CreatedInvitation(invitation=view, token=token, path=invitations.invitation_path(token))

    @requires(P.USERS_MANAGE)
    @get("/")
    async def list_invitations(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
    ) -> Page[InvitationView]:
        """The office's invitations, newest first (tokens are never shown again)."""
        rows, total = await invitations.list_invitations(db_session, access.tenant, page=page, per_page=per_page)
        return Page(items=[invitation_view(r, access.tenant.slug) for r in rows], total=total)

    @requires(P.USERS_MANAGE)
    @delete("/{invitation_id:uuid}", status_code=204, responses=problems(409))
    async def revoke(self, access: TenantScope, invitation_id: uuid.UUID, db_session: AsyncSession) -> None:
        """Revoke an unused invitation."""
        await invitations.revoke(db_session, access.tenant, invitation_id, actor=access.user.username)


class OfficeConfigurationController(Controller):
    path = "/api/v1/t/{slug:str}"
    tags = ["the office"]

    @requires(P.TENANT_READ)
    @get("/places")
    async def places(self, access: TenantScope) -> PlacesView:
        """The villages and communities of this congress (never inherited from the level above)."""
        return PlacesView(places=own_places(access.tenant))

    @requires(P.SETTINGS_MANAGE)
    @put("/places")
    async def set_places(self, access: TenantScope, data: PlacesView, db_session: AsyncSession) -> PlacesView:
        """Replace the places (an empty list clears them); coverage and the QR posters follow at once."""
        places = await configuration.set_places(db_session, access.tenant, data.places, actor=access.user.username)
        return PlacesView(places=places)

    @requires(P.TENANT_READ)
    @get("/negative-list")
    async def negative_list(self, access: TenantScope) -> NegativeListView:
        """The negative list screening applies here, and whether this office set it."""
        found = configuration.negative_list(access.tenant, access.hooks)
        return NegativeListView(terms=found.terms, own=found.own)

    @requires(P.SETTINGS_MANAGE)
    @put("/negative-list", status_code=204)
    async def set_negative_list(self, access: TenantScope, data: NegativeListChange, db_session: AsyncSession) -> None:
        """Set the office's own negative list, or ``terms: null`` to follow the level above again."""
        await configuration.set_negative_list(db_session, access.tenant, data.terms, actor=access.user.username)

    @requires(P.SETTINGS_MANAGE)
    @get("/settings")
    async def plugin_settings(self, access: TenantScope, state: State) -> list[PluginSettingsView]:
        """Every enabled plugin that takes settings: its schema, the values in force, the office's own."""
        manager = services(state).plugins
        return [
            _settings_view(access, name, configuration.settings_schema(manager, access.hooks, name))
            for name in configuration.configurable_plugins(manager, access.hooks)
        ]

    @requires(P.SETTINGS_MANAGE)
    @put("/settings/{plugin:str}", status_code=204, responses=problems(404, 422))
    async def set_plugin_settings(
        self, access: TenantScope, plugin: str, data: PluginSettingsChange, state: State, db_session: AsyncSession
    ) -> None:
        """Replace the office's own settings of ``plugin`` within its schema (keys left out are inherited;
        places and the negative list have their own routes). 422 with the schema's reason."""
        schema = configuration.settings_schema(services(state).plugins, access.hooks, plugin)
        await configuration.set_plugin_settings(
            db_session, access.tenant, plugin, schema, data.values, actor=access.user.username
        )


def _settings_view(access: TenantScope, plugin: str, schema: Any) -> PluginSettingsView:
    return PluginSettingsView(
        plugin=plugin,
        schema=dict(schema),
        effective=dict(thaw(access.hooks.tenant.settings(plugin))),  # type: ignore[call-overload]
        own=configuration.own_settings(access.tenant, plugin),
    )


ROUTES: list[Any] = [OfficeUsersController, OfficeInvitationsController, OfficeConfigurationController]
