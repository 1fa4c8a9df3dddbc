"""A tenant as a request or a job sees it: a frozen copy of its row, safe to cache and to share.

A request's scope (``minsheng.http.scope``) holds the tenant and its ancestors as snapshots, never as
ORM objects: a snapshot belongs to no database session, so it can be kept between requests and handed
to services and templates without lazy loads.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from minsheng.tenancy.context import TenantRef
from minsheng.tenancy.models import Tenant, TenantLevel, TenantStatus


@dataclass(frozen=True)
class TenantSnapshot:
    """The columns of one ``tenants`` row (the names are the model's, so templates read either)."""

    id: uuid.UUID
    slug: str
    name: str
    level: TenantLevel
    status: TenantStatus
    parent_id: uuid.UUID | None
    plugins: tuple[str, ...] | None
    settings: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @classmethod
    def of(cls, row: Tenant) -> TenantSnapshot:
        return cls(
            id=row.id,
            slug=row.slug,
            name=row.name,
            level=TenantLevel(row.level),
            status=TenantStatus(row.status),
            parent_id=row.parent_id,
            plugins=tuple(row.plugins) if row.plugins is not None else None,
            settings=dict(row.settings or {}),
        )

    @property
    def ref(self) -> TenantRef:
        """The tenant for the isolation context."""
        return TenantRef(self.id, self.slug)

    @property
    def active(self) -> bool:
        return self.status == TenantStatus.ACTIVE


#: What a service that reads a tenant's columns takes: the row itself or a request's snapshot of it.
TenantLike = Tenant | TenantSnapshot
