"""The declarative base and the two kinds of table: platform tables and tenant tables.

Every tenant table carries ``tenant_id`` first in its primary key, unique constraints and foreign keys,
so that Citus can distribute it on ``tenant_id`` and PostgreSQL's row-level security can filter it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import JSON, DateTime, Dialect, ForeignKey, MetaData, Table, TypeDecorator, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSONB on PostgreSQL, JSON text elsewhere.
JsonColumn = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp with time zone, stored in UTC and always read back aware.

    PostgreSQL's ``timestamptz`` comes back aware, but SQLite keeps no zone and hands back naive
    values, which the API would serialise without an offset (not an RFC 3339 date-time).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.astimezone(UTC) if value is not None and value.tzinfo is not None else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if isinstance(value, datetime) and value.tzinfo is None else value


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TenantScoped:
    """Mixin for tenant tables: ``tenant_id`` leads the key and the ORM and RLS filter on it.

    Subclasses declare ``id`` after ``tenant_id`` so the primary key is ``(tenant_id, id)``.
    """

    __tenant_scoped__ = True

    @declared_attr
    def tenant_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True, sort_order=-10)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, nullable=False)


def tenant_tables() -> list[str]:
    """Names of the tables that row-level security guards (every ``TenantScoped`` model)."""
    names = []
    for mapper in Base.registry.mappers:
        if getattr(mapper.class_, "__tenant_scoped__", False):
            names.append(cast(Table, mapper.local_table).name)
    return sorted(set(names))
