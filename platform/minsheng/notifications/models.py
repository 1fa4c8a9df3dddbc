"""Notifications (tenant rows, one per message and dedupe key) and the users' contact addresses."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, ForeignKeyConstraint, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from minsheng.db.base import Base, JsonColumn, TenantScoped, Timestamped, UtcDateTime, new_id, utcnow


class Notification(TenantScoped, Timestamped, Base):
    """One message to some people; ``dedupe_key`` makes asking for it twice a no-op."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("tenant_id", "dedupe_key"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    dedupe_key: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    # [{"kind": "user" | "email" | "phone", "value": "..."}]
    recipients: Mapped[list[dict[str, str]]] = mapped_column(JsonColumn, nullable=False, default=list)
    channels: Mapped[list[str] | None] = mapped_column(JsonColumn)  # None: every channel of the tenant
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")  # pending|sent|failed
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class NotificationDelivery(TenantScoped, Base):
    """What one channel did with a notification: sent (never again), skipped, or failed (tried again)."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "notification_id"], ["notifications.tenant_id", "notifications.id"], ondelete="CASCADE"
        ),
    )

    notification_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    channel: Mapped[str] = mapped_column(String(50), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False)  # sent | skipped | failed
    attempts: Mapped[int] = mapped_column(nullable=False, default=0)
    recipients: Mapped[int] = mapped_column(nullable=False, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False, default=utcnow)


class UserContact(Base):
    """Where a user is reached (platform table: a user belongs to several tenants)."""

    __tablename__ = "user_contacts"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False, default=utcnow, onupdate=utcnow)

    def addresses(self) -> dict[str, Any]:
        return {"email": self.email, "phone": self.phone}
