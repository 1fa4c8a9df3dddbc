"""Request and response shapes of accounts (platform/docs/api.md: authentication, tenant users)."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec

#: A role of the permission table (``tenant_admin``, ``clerk``, ``presidium``, ``standing_committee``,
#: ``government``, ``deputy``, ``chief_scrutineer``, ``scrutineer``, ``teller``) or one a tenant's
#: plugin adds; checked against the tenant's roles.
RoleName = Annotated[str, msgspec.Meta(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]


class TokenRequest(msgspec.Struct):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]


class TokenResponse(msgspec.Struct):
    access_token: str
    token_type: str
    expires_in: int


class NewTenantUser(msgspec.Struct):
    username: Annotated[str, msgspec.Meta(min_length=3, max_length=64)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
    display_name: Annotated[str, msgspec.Meta(max_length=100)] = ""
    roles: Annotated[list[RoleName], msgspec.Meta(max_length=12)] = []


class TenantUser(msgspec.Struct):
    id: uuid.UUID
    username: str
    display_name: str
    roles: list[str]


class MembershipView(msgspec.Struct):
    tenant: str
    name: str
    level: str
    roles: list[str]


class Me(msgspec.Struct):
    id: uuid.UUID
    username: str
    display_name: str
    platform_admin: bool
    memberships: list[MembershipView]


class PasswordChange(msgspec.Struct):
    current_password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
    new_password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
