"""The tenant tree: province, city, county, township."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from minsheng.db.base import Base, JsonColumn, Timestamped, UtcDateTime, new_id, utcnow


class TenantLevel(enum.StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"


class TenantStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class Tenant(Timestamped, Base):
    """A people's congress that runs the cycle (or oversees those below it): a node of the tree.

    A platform table: slugs are resolved before any tenant is in context.
    """

    __tablename__ = "tenants"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(63), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    level: Mapped[TenantLevel] = mapped_column(
        Enum(TenantLevel, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        nullable=False,
    )
    parent_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="RESTRICT"), index=True)
    status: Mapped[TenantStatus] = mapped_column(
        Enum(TenantStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=TenantStatus.ACTIVE,
        nullable=False,
    )
    # None: inherit the parent's plugin list; a list: this tenant's own choice.
    plugins: Mapped[list[str] | None] = mapped_column(JsonColumn, nullable=True)
    # {plugin name: {setting: value}}, merged over the parent's.
    settings: Mapped[dict[str, Any]] = mapped_column(JsonColumn, default=dict, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow, nullable=False)
