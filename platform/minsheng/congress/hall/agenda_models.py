"""The agenda (议程) of a congress session: its ordered items, e.g. "两报告一说明".

Kept apart from ``models.py`` (the vote's tables) because the agenda is the session's programme,
edited by staff, and touches nothing of the ballot's secrecy.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKeyConstraint, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from minsheng.db.base import Base, TenantScoped, Timestamped, new_id


class AgendaItem(TenantScoped, Timestamped, Base):
    """One item of a session's agenda, at ``position`` (from 1) in the order the session takes them."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "session_id"], ["congress_sessions.tenant_id", "congress_sessions.id"], ondelete="CASCADE"
        ),
        Index("ix_agenda_items_tenant_session", "tenant_id", "session_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    session_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    presenter: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
