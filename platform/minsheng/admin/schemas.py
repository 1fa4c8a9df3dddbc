"""Request and response shapes of the console's API: invitations, members, manifests."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import msgspec

from minsheng.accounts.schemas import RoleName


class NewInvitation(msgspec.Struct):
    roles: Annotated[list[RoleName], msgspec.Meta(min_length=1, max_length=12)]
    display_name: Annotated[str, msgspec.Meta(max_length=100)] = ""
    username: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    valid_hours: Annotated[int, msgspec.Meta(ge=1, le=720)] = 168


class InvitationView(msgspec.Struct):
    id: uuid.UUID
    tenant: str
    roles: list[str]
    display_name: str
    username: str | None
    expires_at: datetime
    accepted_at: datetime | None
    accepted_by: str | None
    created_by: str
    created_at: datetime


class CreatedInvitation(msgspec.Struct):
    """The invitation and its link: the token is shown this once and never again."""

    invitation: InvitationView
    token: str
    path: str


class PublicInvitation(msgspec.Struct):
    tenant: str
    name: str
    roles: list[str]
    username: str | None
    display_name: str
    expires_at: datetime


class Acceptance(msgspec.Struct):
    username: Annotated[str, msgspec.Meta(min_length=3, max_length=64)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
    display_name: Annotated[str, msgspec.Meta(max_length=100)] = ""


class Accepted(msgspec.Struct):
    username: str
    tenant: str
    roles: list[str]


class MemberView(msgspec.Struct):
    id: uuid.UUID
    username: str
    display_name: str
    roles: list[str]
    active: bool


class RolesChange(msgspec.Struct):
    roles: Annotated[list[RoleName], msgspec.Meta(min_length=1, max_length=12)]


class ManifestText(msgspec.Struct):
    manifest: Annotated[str, msgspec.Meta(min_length=1, max_length=1_000_000)]


class ChangeView(msgspec.Struct):
    slug: str
    action: str
    fields: dict[str, Any]


class ManifestPlan(msgspec.Struct):
    changes: list[ChangeView]
    tenants: int
