"""Livelihood projects of the pool, their screening, status history and the year's candidate list."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Date,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from minsheng.db.base import Base, JsonColumn, TenantScoped, Timestamped, UtcDateTime, new_id, utcnow


class ProjectStatus(enum.StrEnum):
    POOL = "pool"  # in the pool, not yet screened
    ACCEPTED = "accepted"  # screened in: may become a candidate
    REJECTED = "rejected"  # screened out, with reasons


class Project(TenantScoped, Timestamped, Base):
    """A livelihood project (民生实事项目): name, content, quantified target, place, budget, unit."""

    __tablename__ = "projects"
    __table_args__ = (Index("ix_projects_tenant_year_status", "tenant_id", "year", "status"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    category: Mapped[str] = mapped_column(String(50), nullable=False)
    target: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 目标可量化
    location: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    budget: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))  # 投资额, in yuan
    funding_source: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    responsible_unit: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    deadline: Mapped[date | None] = mapped_column(Date)
    multi_year: Mapped[bool] = mapped_column(default=False, nullable=False)
    extra: Mapped[dict[str, Any]] = mapped_column(JsonColumn, nullable=False, default=dict)  # plugin fields
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=ProjectStatus.POOL.value)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False, default=utcnow, onupdate=utcnow)


class ProjectStatusChange(TenantScoped, Base):
    """One step of a project's status history (who, when, from what to what, why)."""

    __tablename__ = "project_status_changes"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "project_id"], ["projects.tenant_id", "projects.id"], ondelete="CASCADE"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    project_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, index=True)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16), nullable=False)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False, default=utcnow)


class Screening(TenantScoped, Base):
    """The government's screening (初审/论证) of a project: need, feasibility, cost, legality, decision."""

    __tablename__ = "screenings"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "project_id"], ["projects.tenant_id", "projects.id"], ondelete="CASCADE"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    project_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, index=True)
    decision: Mapped[str] = mapped_column(String(16), nullable=False)  # accepted | rejected
    need: Mapped[str] = mapped_column(Text, nullable=False, default="")
    feasibility: Mapped[str] = mapped_column(Text, nullable=False, default="")
    cost: Mapped[str] = mapped_column(Text, nullable=False, default="")
    legality: Mapped[str] = mapped_column(Text, nullable=False, default="")
    risk: Mapped[str] = mapped_column(Text, nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    screened_by: Mapped[str] = mapped_column(String(64), nullable=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False, default=utcnow)


class CandidateList(TenantScoped, Timestamped, Base):
    """The year's candidate list (候选项目), fixed by the presidium against the planned seats."""

    __tablename__ = "candidate_lists"
    __table_args__ = (UniqueConstraint("tenant_id", "year"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    planned_seats: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="draft")  # draft | fixed
    fixed_by: Mapped[str | None] = mapped_column(String(64))
    fixed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class CandidateEntry(TenantScoped, Base):
    """A project on a candidate list, in the list's order."""

    __tablename__ = "candidate_entries"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "list_id"], ["candidate_lists.tenant_id", "candidate_lists.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(["tenant_id", "project_id"], ["projects.tenant_id", "projects.id"]),
    )

    list_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    project_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)


class CollectionYear(TenantScoped, Base):
    """The year (实施年度) the office's current collection is for: projects drafted now are carried
    out in it (collection for 2027 runs in late 2026). One row per tenant; none: the calendar year."""

    __tablename__ = "collection_years"

    year: Mapped[int] = mapped_column(Integer, nullable=False)
    chosen_by: Mapped[str] = mapped_column(String(64), nullable=False)
    chosen_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False, default=utcnow)


class ProjectAmendment(TenantScoped, Base):
    """A chosen project's fields changed by an approved adjustment (调整): the old and new values, once
    per adjustment (the outcome of the vote binds otherwise)."""

    __tablename__ = "project_amendments"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "project_id"], ["projects.tenant_id", "projects.id"], ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "adjustment_id"], ["adjustments.tenant_id", "adjustments.id"]),
        UniqueConstraint("tenant_id", "adjustment_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    project_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, index=True)
    adjustment_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    changes: Mapped[dict[str, Any]] = mapped_column(JsonColumn, nullable=False)  # {field: {old, new}}
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False, default=utcnow)
