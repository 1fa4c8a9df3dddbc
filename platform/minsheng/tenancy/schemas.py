"""Request and response shapes of the tenant tree (platform/docs/api.md: tenants)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

LevelName = Literal["province", "city", "county", "township"]


class NewTenant(msgspec.Struct):
    slug: Annotated[str, msgspec.Meta(min_length=1, max_length=63)]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    level: LevelName
    parent: Annotated[str, msgspec.Meta(max_length=63)] | None = None
    plugins: Annotated[list[Annotated[str, msgspec.Meta(max_length=100)]], msgspec.Meta(max_length=50)] | None = None
    settings: dict[str, dict[str, Any]] | None = None


class TenantView(msgspec.Struct):
    id: uuid.UUID
    slug: str
    name: str
    level: str
    parent: str | None
    status: str
    plugins: list[str] | None
    settings: dict[str, Any]
    created_at: datetime


class Deleted(msgspec.Struct):
    slug: str
    rows: int
    objects: int


PluginNames = Annotated[list[Annotated[str, msgspec.Meta(max_length=100)]], msgspec.Meta(max_length=50)]


class TenantChanges(msgspec.Struct):
    """A partial update: only the fields given change; ``plugins: null`` means "inherit my parent's"."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | msgspec.UnsetType = msgspec.UNSET
    plugins: (
        Annotated[list[Annotated[str, msgspec.Meta(max_length=100)]], msgspec.Meta(max_length=50)]
        | msgspec.UnsetType
        | None
    ) = msgspec.UNSET
    settings: dict[str, dict[str, Any]] | msgspec.UnsetType = msgspec.UNSET

    def given(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__struct_fields__ if getattr(self, f) is not msgspec.UNSET}
