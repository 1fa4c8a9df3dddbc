"""Suggestions (意见建议) from every channel; each has a tracking code and, in time, a fate."""

from __future__ import annotations

import enum
import uuid

from sqlalchemy import ForeignKeyConstraint, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from minsheng.db.base import Base, JsonColumn, TenantScoped, Timestamped, new_id


class Channel(enum.StrEnum):
    ONLINE = "online"  # the web form
    QR_CODE = "qr_code"  # a poster's WeChat QR code
    NOTICE = "notice"  # a public notice (公告)
    LIAISON_STATION = "liaison_station"  # 人大代表联络站
    SYMPOSIUM = "symposium"  # 座谈会
    LETTER = "letter"
    EMAIL = "email"
    OTHER = "other"


class SuggestionStatus(enum.StrEnum):
    RECEIVED = "received"
    MERGED = "merged"  # joined a project of the pool
    DECLINED = "declined"  # with a reason shown to its author


class Suggestion(TenantScoped, Timestamped, Base):
    """One person's suggestion, as submitted (online) or typed in by staff (paper)."""

    __tablename__ = "suggestions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        ForeignKeyConstraint(["tenant_id", "project_id"], ["projects.tenant_id", "projects.id"]),
        Index("ix_suggestions_tenant_status", "tenant_id", "status"),
        Index("ix_suggestions_tenant_project", "tenant_id", "project_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(16), nullable=False)  # the author's tracking code
    year: Mapped[int] = mapped_column(nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    category: Mapped[str | None] = mapped_column(String(50))
    place: Mapped[str | None] = mapped_column(String(100))  # village or community
    channel: Mapped[str] = mapped_column(String(20), nullable=False)
    meeting: Mapped[str | None] = mapped_column(String(200))  # the symposium or station visit it came from
    contact_name: Mapped[str | None] = mapped_column(String(50))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    attachments: Mapped[list[str]] = mapped_column(JsonColumn, nullable=False, default=list)  # file ids
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=SuggestionStatus.RECEIVED.value)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    project_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    entered_by: Mapped[str | None] = mapped_column(String(64))  # staff who typed in a paper suggestion
