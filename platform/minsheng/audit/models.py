"""Audit events. Each event holds the digest of the one before it in its chain."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from minsheng.db.base import Base, JsonColumn, TenantScoped


class AuditEventColumns:
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # Canonical UTC text (see chain.canonical_time), so the digest survives any database round trip.
    occurred_at: Mapped[str] = mapped_column(String(32), nullable=False)
    actor: Mapped[str] = mapped_column(String(100), nullable=False)
    action: Mapped[str] = mapped_column(String(100), nullable=False)
    subject: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JsonColumn, nullable=False, default=dict)
    algorithm: Mapped[str] = mapped_column(String(16), nullable=False)
    prev_digest: Mapped[str] = mapped_column(String(128), nullable=False)
    digest: Mapped[str] = mapped_column(String(128), nullable=False)


class TenantAuditEvent(TenantScoped, AuditEventColumns, Base):
    """An event in one tenant's chain, keyed (tenant_id, seq)."""

    __tablename__ = "audit_events"


class PlatformAuditEvent(AuditEventColumns, Base):
    """An event in the platform's own chain: tenants created, suspended, deleted; operators added."""

    __tablename__ = "platform_audit_events"


class AuditCheckpoint(TenantScoped, Base):
    """A signed checkpoint of one tenant's chain: its head at ``seq`` (``audit/signing.py``).

    Kept so that the tenant's portal and its exports can publish them; a checkpoint proves something
    only once it has left the database (a user keeps it), since whoever rewrites the chain could
    also delete these rows, but never forge a new one.
    """

    __tablename__ = "audit_checkpoints"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    head: Mapped[str] = mapped_column(String(128), nullable=False)
    algorithm: Mapped[str] = mapped_column(String(16), nullable=False)
    signed_at: Mapped[str] = mapped_column(String(32), nullable=False)
    reason: Mapped[str] = mapped_column(String(100), nullable=False)
    key_id: Mapped[str] = mapped_column(String(16), nullable=False)
    public_key: Mapped[str] = mapped_column(String(64), nullable=False)
    signature: Mapped[str] = mapped_column(String(128), nullable=False)
