"""Tables of implementation (实施): work plans and milestones, progress reports with photos, quarterly
meetings, adjustments, and deadline alerts (the cron job's idempotency record)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
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


def _project_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["tenant_id", "project_id"], ["projects.tenant_id", "projects.id"], ondelete="CASCADE")


class WorkPlan(TenantScoped, Timestamped, Base):
    """The government's work plan (工作方案) for one chosen project, due a month after the vote."""

    __tablename__ = "work_plans"
    __table_args__ = (_project_fk(), UniqueConstraint("tenant_id", "project_id"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    project_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    responsible_unit: Mapped[str] = mapped_column(String(200), nullable=False)
    targets: Mapped[str] = mapped_column(Text, nullable=False)
    budget: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)  # 资金, yuan
    funding_source: Mapped[str] = mapped_column(String(200), nullable=False)
    deadline: Mapped[date] = mapped_column(Date, nullable=False)  # when the project is to be finished
    safeguards: Mapped[str] = mapped_column(Text, nullable=False, default="")
    filed_by: Mapped[str] = mapped_column(String(64), nullable=False)
    filed_on: Mapped[date] = mapped_column(Date, nullable=False)  # the day in China it was filed
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False, default=utcnow, onupdate=utcnow)


class Milestone(TenantScoped, Base):
    """A milestone (节点) of a work plan, in order."""

    __tablename__ = "milestones"
    __table_args__ = (_project_fk(), Index("ix_milestones_tenant_project", "tenant_id", "project_id"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    project_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    due: Mapped[date] = mapped_column(Date, nullable=False)


class ProgressReport(TenantScoped, Timestamped, Base):
    """A progress report (进度报告): money spent so far, percent done, text and photos."""

    __tablename__ = "progress_reports"
    __table_args__ = (
        _project_fk(),
        ForeignKeyConstraint(["tenant_id", "milestone_id"], ["milestones.tenant_id", "milestones.id"]),
        Index("ix_progress_reports_tenant_project", "tenant_id", "project_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    project_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    milestone_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    year: Mapped[int] = mapped_column(Integer, nullable=False)  # the quarter it reports on
    quarter: Mapped[int] = mapped_column(Integer, nullable=False)
    spent: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)  # cumulative, yuan
    percent_done: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    reported_by: Mapped[str] = mapped_column(String(64), nullable=False)
    reported_on: Mapped[date] = mapped_column(Date, nullable=False)


class ProgressPhoto(TenantScoped, Base):
    """A photo (a stored file) of a progress report."""

    __tablename__ = "progress_photos"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "report_id"], ["progress_reports.tenant_id", "progress_reports.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(["tenant_id", "file_id"], ["stored_files.tenant_id", "stored_files.id"]),
    )

    report_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    file_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class QuarterlyMeeting(TenantScoped, Timestamped, Base):
    """A quarterly progress meeting (季度例会, "面对面"): who attended and what was concluded."""

    __tablename__ = "quarterly_meetings"
    __table_args__ = (Index("ix_quarterly_meetings_tenant_year", "tenant_id", "year", "quarter"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    quarter: Mapped[int] = mapped_column(Integer, nullable=False)
    held_on: Mapped[date] = mapped_column(Date, nullable=False)
    attendees: Mapped[list[str]] = mapped_column(JsonColumn, nullable=False, default=list)
    conclusions: Mapped[str] = mapped_column(Text, nullable=False)
    project_ids: Mapped[list[str]] = mapped_column(JsonColumn, nullable=False, default=list)
    recorded_by: Mapped[str] = mapped_column(String(64), nullable=False)


class Adjustment(TenantScoped, Timestamped, Base):
    """An adjustment (调整 / 暂缓 / 终止) the government proposes and the presidium or standing
    committee decides at one of its meetings (``meeting_name`` on ``meeting_date``); approved or
    rejected, it is published as a notice and reported to the next session."""

    __tablename__ = "adjustments"
    __table_args__ = (_project_fk(), Index("ix_adjustments_tenant_project", "tenant_id", "project_id"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    project_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # amend | postpone | terminate
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    proposal: Mapped[str] = mapped_column(Text, nullable=False, default="")
    new_deadline: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="proposed")  # proposed|approved|rejected
    proposed_by: Mapped[str] = mapped_column(String(64), nullable=False)
    decision_body: Mapped[str] = mapped_column(String(32), nullable=False)  # presidium | standing_committee
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decision_notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The meeting that took the decision (e.g. 县人大常委会第十二次会议) and the day it sat.
    meeting_name: Mapped[str | None] = mapped_column(String(200))
    meeting_date: Mapped[date | None] = mapped_column(Date)
    notice: Mapped[str] = mapped_column(Text, nullable=False, default="")  # the published notice (公告)
    reported_to_session: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class DeadlineAlert(TenantScoped, Base):
    """A reminder or an overdue flag the deadline job raised, once per ``dedupe_key``."""

    __tablename__ = "deadline_alerts"
    __table_args__ = (
        _project_fk(),
        UniqueConstraint("tenant_id", "dedupe_key"),
        Index("ix_deadline_alerts_tenant_project", "tenant_id", "project_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    project_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    subject: Mapped[str] = mapped_column(String(32), nullable=False)  # work_plan | quarterly_report
    period: Mapped[str] = mapped_column(String(16), nullable=False, default="")  # "2026Q2" for reports
    stage: Mapped[str] = mapped_column(String(16), nullable=False)  # reminder | overdue
    due: Mapped[date] = mapped_column(Date, nullable=False)
    dedupe_key: Mapped[str] = mapped_column(String(200), nullable=False)
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
