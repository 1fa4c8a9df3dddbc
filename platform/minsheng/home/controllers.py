"""Tenant routes every member (or, for categories, anyone) may read: who the tenant is, its rules."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get
from litestar.params import QueryParameter

from minsheng.http.problems import request_locale
from minsheng.http.scope import TenantScope, public, requires
from minsheng.i18n import translate
from minsheng.permissions import Permission


class TenantProfile(msgspec.Struct):
    id: uuid.UUID
    slug: str
    name: str
    level: str
    ancestry: list[str]
    plugins: list[str]
    settings: dict[str, Any]
    roles: list[str]


class CategoryView(msgspec.Struct):
    code: str
    name: str


class MarginCheck(msgspec.Struct):
    allowed: bool
    reason: str | None
    minimum: int
    maximum: int
    no_margin_allowed: bool


class TenantPublicController(Controller):
    path = "/api/v1/t/{slug:str}"
    tags = ["tenant"]

    @requires(Permission.TENANT_READ)
    @get("/")
    async def profile(self, access: TenantScope) -> TenantProfile:
        """The tenant, its place in the tree and its effective (inherited) plugin configuration."""
        view = access.hooks.tenant
        return TenantProfile(
            id=access.tenant.id,
            slug=access.tenant.slug,
            name=access.tenant.name,
            level=access.tenant.level.value,
            ancestry=[t.slug for t in access.chain],
            plugins=list(view.enabled_plugins),
            settings={name: _plain(view.settings(name)) for name in view.enabled_plugins},
            roles=sorted(access.roles),
        )

    @public
    @get("/categories")
    async def categories(self, access: TenantScope) -> list[CategoryView]:
        """The project categories of the tenant's plugins (no login: the citizens' form uses them)."""
        return [CategoryView(code=c.code, name=c.name) for c in access.hooks.project_categories().values()]

    @requires(Permission.TENANT_READ)
    @get("/rules/margin")
    async def margin(
        self,
        access: TenantScope,
        request: Request[Any, Any, Any],
        seats: Annotated[int, QueryParameter(name="seats", ge=1, le=1000)],
        candidates: Annotated[int, QueryParameter(name="candidates", ge=0, le=2000)],
    ) -> MarginCheck:
        """What the tenant's margin rule says of ``candidates`` for ``seats`` (shown while editing a list)."""
        hooks = access.hooks
        verdict = hooks.margin_rule(seats=seats, candidates=candidates)
        locale = request_locale(request)
        return MarginCheck(
            allowed=verdict.allowed,
            reason=translate(verdict.reason.message, locale, **verdict.reason.params) if verdict.reason else None,
            minimum=verdict.minimum,
            maximum=verdict.maximum,
            no_margin_allowed=verdict.no_margin_allowed,
        )


def _plain(value: Any) -> Any:
    """Read-only mappings and tuples back to JSON-friendly dicts and lists."""
    if hasattr(value, "items"):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value
