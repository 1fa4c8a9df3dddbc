"""The current tenant of a request or job, held in a ContextVar.

Both isolation layers read it: the ORM filter and the per-transaction PostgreSQL setting.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class TenantRef:
    id: uuid.UUID
    slug: str


_current: ContextVar[TenantRef | None] = ContextVar("minsheng_tenant", default=None)


def current_tenant() -> TenantRef | None:
    """The tenant in context, or None (then tenant tables show no rows)."""
    return _current.get()


def set_current_tenant(tenant: TenantRef | None) -> None:
    """Set the tenant for the rest of this task (a request or a job)."""
    _current.set(tenant)


@contextmanager
def tenant_scope(tenant: TenantRef | None) -> Iterator[None]:
    """Run a block with ``tenant`` in context, restoring the previous one after."""
    token = _current.set(tenant)
    try:
        yield
    finally:
        _current.reset(token)
