"""Recording an audit event in a given tenant's chain, from wherever the request stands.

Most events belong to the tenant in context and go through ``audit.record`` directly. Some happen
outside any tenant (an invitation accepted, a password link used: the person has no session yet) or
in another tenant than the one in context; they are recorded in the chain of the tenant they concern,
and the context is put back afterwards.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit import services as audit
from minsheng.tenancy.context import TenantRef, current_tenant, tenant_scope
from minsheng.tenancy.isolation import rebind_tenant
from minsheng.tenancy.snapshot import TenantLike


async def record_in(
    session: AsyncSession,
    tenant: TenantRef | TenantLike,
    action: str,
    *,
    actor: str,
    subject: str = "",
    payload: dict[str, Any] | None = None,
) -> None:
    """Append ``action`` to ``tenant``'s audit chain, in the caller's transaction."""
    previous = current_tenant()
    with tenant_scope(TenantRef(tenant.id, tenant.slug)):
        await rebind_tenant(session)
        await audit.record(session, action, actor=actor, subject=subject, payload=payload or {})
    with tenant_scope(previous):
        await rebind_tenant(session)
