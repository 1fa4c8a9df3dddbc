"""API routes of the console: invitations, a tenant's members and roles, manifests (plan and apply)."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, delete, get, post, put
from litestar.di import Provide
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.services import Principal
from minsheng.admin import invitations, members, onboarding
from minsheng.admin.models import Invitation
from minsheng.admin.schemas import (
    Acceptance,
    Accepted,
    ChangeView,
    CreatedInvitation,
    InvitationView,
    ManifestPlan,
    ManifestText,
    MemberView,
    NewInvitation,
    PublicInvitation,
    RolesChange,
)
from minsheng.admin.tenants import manifest
from minsheng.http.dependencies import provide_platform_admin
from minsheng.http.openapi import problems
from minsheng.http.pagination import Page, PageParam, PerPageParam
from minsheng.tenancy import services as tenancy
from minsheng.tenancy.configuration import membership_roles


def invitation_view(row: Invitation, slug: str) -> InvitationView:
    return InvitationView(
        id=row.id,
        tenant=slug,
        roles=list(row.roles),
        display_name=row.display_name,
        username=row.username,
        expires_at=row.expires_at,
        accepted_at=row.accepted_at,
        accepted_by=row.accepted_by,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def member_view(member: members.Member) -> MemberView:
    return MemberView(
        id=member.user_id,
        username=member.username,
        display_name=member.display_name,
        roles=member.roles,
        active=member.active,
    )


def plan_view(changes: list[manifest.Change], tenants: int) -> ManifestPlan:
    return ManifestPlan(changes=[ChangeView(c.slug, c.action, c.fields) for c in changes], tenants=tenants)


class TenantMembersController(Controller):
    path = "/api/v1/admin/tenants/{slug:str}"
    tags = ["platform administration"]
    dependencies = {"operator": Provide(provide_platform_admin)}

    @post("/invitations", status_code=201)
    async def invite(
        self, operator: Principal, slug: str, data: NewInvitation, db_session: AsyncSession
    ) -> CreatedInvitation:
        """Invite a person to the tenant with roles: a link with a token, expiring, used once."""
        tenant = await tenancy.get_by_slug(db_session, slug)
        row, token = await invitations.invite(
            db_session,
            tenant,
            list(data.roles),
            known_roles=await membership_roles(db_session, tenant),
            actor=operator.username,
            display_name=data.display_name,
            username=data.username,
            valid_hours=data.valid_hours,
        )
        return CreatedInvitation(
            invitation=invitation_view(row, slug), token=token, path=invitations.invitation_path(token)
        )

    @get("/invitations")
    async def list_invitations(
        self,
        operator: Principal,
        slug: str,
        db_session: AsyncSession,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
    ) -> Page[InvitationView]:
        """The tenant's invitations, newest first (tokens are never shown again)."""
        tenant = await tenancy.get_by_slug(db_session, slug)
        rows, total = await invitations.list_invitations(db_session, tenant, page=page, per_page=per_page)
        return Page(items=[invitation_view(r, slug) for r in rows], total=total)

    @delete("/invitations/{invitation_id:uuid}", status_code=204, responses=problems(409))
    async def revoke(self, operator: Principal, slug: str, invitation_id: uuid.UUID, db_session: AsyncSession) -> None:
        """Revoke an unused invitation."""
        tenant = await tenancy.get_by_slug(db_session, slug)
        await invitations.revoke(db_session, tenant, invitation_id, actor=operator.username)

    @get("/members")
    async def list_members(
        self,
        operator: Principal,
        slug: str,
        db_session: AsyncSession,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
        q: str | None = None,
    ) -> Page[MemberView]:
        """The tenant's users with their roles."""
        tenant = await tenancy.get_by_slug(db_session, slug)
        rows, total = await members.list_members(db_session, tenant, page=page, per_page=per_page, q=q)
        return Page(items=[member_view(m) for m in rows], total=total)

    @put("/members/{username:str}")
    async def set_roles(
        self, operator: Principal, slug: str, username: str, data: RolesChange, db_session: AsyncSession
    ) -> MemberView:
        """Replace a member's roles in the tenant."""
        tenant = await tenancy.get_by_slug(db_session, slug)
        known = await membership_roles(db_session, tenant)
        member = await members.set_roles(
            db_session, tenant, username, list(data.roles), actor=operator.username, known_roles=known
        )
        return member_view(member)

    @delete("/members/{username:str}", status_code=204)
    async def remove_member(self, operator: Principal, slug: str, username: str, db_session: AsyncSession) -> None:
        """Take the user's roles in the tenant away (the account stays)."""
        tenant = await tenancy.get_by_slug(db_session, slug)
        await members.remove(db_session, tenant, username, actor=operator.username)


class ManifestsController(Controller):
    path = "/api/v1/admin/manifests"
    tags = ["platform administration"]
    dependencies = {"operator": Provide(provide_platform_admin)}

    @post("/plan", status_code=200)
    async def plan(self, operator: Principal, data: ManifestText, db_session: AsyncSession) -> ManifestPlan:
        """What applying the manifest would change (tried and rolled back: refusals show here)."""
        preview = await onboarding.preview(db_session, data.manifest, actor=operator.username)
        return plan_view(preview.changes, len(preview.tenants))

    @post("/apply", status_code=200)
    async def apply(self, operator: Principal, data: ManifestText, db_session: AsyncSession) -> ManifestPlan:
        """Apply the manifest, as ``minsheng tenants apply`` does; an empty list when nothing changed."""
        changes = await onboarding.apply(db_session, data.manifest, actor=operator.username)
        return plan_view(changes, len(manifest.parse_manifest(data.manifest)))


class InvitationsController(Controller):
    """The invitee's side (no login: the token is the credential)."""

    path = "/api/v1/invitations/{token:str}"
    tags = ["authentication"]

    @get("/", responses=problems(404))
    async def show(self, token: str, db_session: AsyncSession) -> PublicInvitation:
        """What the invitation offers; 404 when unknown, expired or used."""
        row, tenant = await invitations.find_usable(db_session, token)
        return PublicInvitation(
            tenant=tenant.slug,
            name=tenant.name,
            roles=list(row.roles),
            username=row.username,
            display_name=row.display_name,
            expires_at=row.expires_at,
        )

    @post("/accept", status_code=201, responses=problems(404, 409))
    async def accept(self, token: str, data: Acceptance, db_session: AsyncSession) -> Accepted:
        """Accept: choose a user name and password (or give an existing account's password)."""
        user, tenant, roles = await invitations.accept(
            db_session, token, data.username, data.password, data.display_name
        )
        return Accepted(username=user.username, tenant=tenant.slug, roles=roles)
