"""Invitations: a link that lets a person join a tenant with given roles by choosing a password.

A platform table like ``memberships``: the invitee has no tenant in context (nor an account) when
the link is opened. Only a digest of the token is stored; the link is shown once, to the operator.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from minsheng.db.base import Base, JsonColumn, Timestamped, UtcDateTime, new_id


class Invitation(Timestamped, Base):
    """An invitation to a tenant, valid until ``expires_at`` and usable once."""

    __tablename__ = "invitations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), index=True, nullable=False
    )
    token_digest: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    roles: Mapped[list[str]] = mapped_column(JsonColumn, nullable=False, default=list)
    display_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    username: Mapped[str | None] = mapped_column(String(64))  # suggested; the invitee may choose another
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    accepted_by: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
