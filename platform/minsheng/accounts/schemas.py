"""Request and response shapes of accounts (platform/docs/api.md: authentication, tenant users)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

import msgspec

RoleName = Literal["tenant_admin", "presidium", "deputy", "teller", "government"]


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
    roles: Annotated[list[RoleName], msgspec.Meta(max_length=5)] = []


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
