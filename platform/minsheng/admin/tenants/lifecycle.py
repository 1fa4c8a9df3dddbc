"""Suspending and resuming a tenant: its pages and API answer 404 to its members while suspended."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit import services as audit
from minsheng.tenancy import services as tenancy
from minsheng.tenancy.models import Tenant, TenantStatus


async def set_status(session: AsyncSession, slug: str, status: TenantStatus, *, actor: str) -> Tenant:
    """Suspend or resume ``slug`` (idempotent), audited in the platform's chain."""
    tenant = await tenancy.get_by_slug(session, slug)
    if tenant.status != status:
        previous = tenant.status.value
        tenant.status = status
        await audit.record_platform(
            session,
            f"tenant.{'suspended' if status == TenantStatus.SUSPENDED else 'resumed'}",
            actor=actor,
            subject=slug,
            payload={"from": previous, "to": status.value},
        )
        await session.flush()
    return tenant
