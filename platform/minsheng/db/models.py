"""Every model of the platform, imported once so the metadata is complete (Alembic, RLS, tests)."""

from minsheng.accounts.models import AuthSession, Membership, User
from minsheng.audit.models import PlatformAuditEvent, TenantAuditEvent
from minsheng.db.base import Base
from minsheng.files.models import StoredFile
from minsheng.jobs.models import Job
from minsheng.tenancy.models import Tenant

__all__ = [
    "AuthSession",
    "Base",
    "Job",
    "Membership",
    "PlatformAuditEvent",
    "StoredFile",
    "Tenant",
    "TenantAuditEvent",
    "User",
]
