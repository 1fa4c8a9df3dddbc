"""implementation and notifications: work plans, milestones, progress reports and photos, quarterly
meetings, adjustments, deadline alerts; notifications, their deliveries, users' contact addresses

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = (
    "notifications",
    "notification_deliveries",
    "work_plans",
    "milestones",
    "progress_reports",
    "progress_photos",
    "quarterly_meetings",
    "adjustments",
    "deadline_alerts",
)

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TIME = sa.DateTime(timezone=True)


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants"), ondelete="CASCADE"
    )


def _fk(table: str, column: str, target: str, ondelete: str | None = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id", column],
        [f"{target}.tenant_id", f"{target}.id"],
        name=op.f(f"fk_{table}_tenant_id_{column}_{target}"),
        ondelete=ondelete,
    )


def _keys(table: str, *columns: str) -> list[sa.Column]:
    return [
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        *(sa.Column(c, sa.Uuid(), nullable=False) for c in columns),
    ]


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("tenant_id", *columns, name=op.f(f"pk_{table}"))


def upgrade() -> None:
    op.create_table(
        "user_contacts",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("updated_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_contacts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_contacts")),
    )
    op.create_table(
        "notifications",
        *_keys("notifications", "id"),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("recipients", JSON, nullable=False),
        sa.Column("channels", JSON, nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sent_at", TIME, nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        _tenant_fk("notifications"),
        _pk("notifications", "id"),
        sa.UniqueConstraint("tenant_id", "dedupe_key", name=op.f("uq_notifications_tenant_id_dedupe_key")),
    )
    op.create_table(
        "notification_deliveries",
        *_keys("notification_deliveries", "notification_id"),
        sa.Column("channel", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("at", TIME, nullable=False),
        _fk("notification_deliveries", "notification_id", "notifications"),
        _tenant_fk("notification_deliveries"),
        _pk("notification_deliveries", "notification_id", "channel"),
    )
    op.create_table(
        "work_plans",
        *_keys("work_plans", "id", "project_id"),
        sa.Column("responsible_unit", sa.String(length=200), nullable=False),
        sa.Column("targets", sa.Text(), nullable=False),
        sa.Column("budget", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("funding_source", sa.String(length=200), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("safeguards", sa.Text(), nullable=False),
        sa.Column("filed_by", sa.String(length=64), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        _fk("work_plans", "project_id", "projects"),
        _tenant_fk("work_plans"),
        _pk("work_plans", "id"),
        sa.UniqueConstraint("tenant_id", "project_id", name=op.f("uq_work_plans_tenant_id_project_id")),
    )
    op.create_table(
        "milestones",
        *_keys("milestones", "id", "project_id"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        _fk("milestones", "project_id", "projects"),
        _tenant_fk("milestones"),
        _pk("milestones", "id"),
    )
    op.create_index("ix_milestones_tenant_project", "milestones", ["tenant_id", "project_id"])
    op.create_table(
        "progress_reports",
        *_keys("progress_reports", "id", "project_id"),
        sa.Column("milestone_id", sa.Uuid(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("spent", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("percent_done", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("reported_by", sa.String(length=64), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        _fk("progress_reports", "milestone_id", "milestones", ondelete=None),
        _fk("progress_reports", "project_id", "projects"),
        _tenant_fk("progress_reports"),
        _pk("progress_reports", "id"),
    )
    op.create_index("ix_progress_reports_tenant_project", "progress_reports", ["tenant_id", "project_id"])
    op.create_table(
        "progress_photos",
        *_keys("progress_photos", "report_id", "file_id"),
        sa.Column("position", sa.Integer(), nullable=False),
        _fk("progress_photos", "file_id", "stored_files", ondelete=None),
        _fk("progress_photos", "report_id", "progress_reports"),
        _tenant_fk("progress_photos"),
        _pk("progress_photos", "report_id", "file_id"),
    )
    op.create_table(
        "quarterly_meetings",
        *_keys("quarterly_meetings", "id"),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("attendees", JSON, nullable=False),
        sa.Column("conclusions", sa.Text(), nullable=False),
        sa.Column("project_ids", JSON, nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        _tenant_fk("quarterly_meetings"),
        _pk("quarterly_meetings", "id"),
    )
    op.create_index("ix_quarterly_meetings_tenant_year", "quarterly_meetings", ["tenant_id", "year", "quarter"])
    op.create_table(
        "adjustments",
        *_keys("adjustments", "id", "project_id"),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("proposal", sa.Text(), nullable=False),
        sa.Column("new_deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_by", sa.String(length=64), nullable=False),
        sa.Column("decision_body", sa.String(length=32), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", TIME, nullable=True),
        sa.Column("decision_notes", sa.Text(), nullable=False),
        sa.Column("notice", sa.Text(), nullable=False),
        sa.Column("reported_to_session", sa.Uuid(), nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        _fk("adjustments", "project_id", "projects"),
        _tenant_fk("adjustments"),
        _pk("adjustments", "id"),
    )
    op.create_index("ix_adjustments_tenant_project", "adjustments", ["tenant_id", "project_id"])
    op.create_table(
        "deadline_alerts",
        *_keys("deadline_alerts", "id", "project_id"),
        sa.Column("subject", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("raised_at", TIME, nullable=False),
        _fk("deadline_alerts", "project_id", "projects"),
        _tenant_fk("deadline_alerts"),
        _pk("deadline_alerts", "id"),
        sa.UniqueConstraint("tenant_id", "dedupe_key", name=op.f("uq_deadline_alerts_tenant_id_dedupe_key")),
    )
    op.create_index("ix_deadline_alerts_tenant_project", "deadline_alerts", ["tenant_id", "project_id"])
    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    op.drop_index("ix_deadline_alerts_tenant_project", table_name="deadline_alerts")
    op.drop_table("deadline_alerts")
    op.drop_index("ix_adjustments_tenant_project", table_name="adjustments")
    op.drop_table("adjustments")
    op.drop_index("ix_quarterly_meetings_tenant_year", table_name="quarterly_meetings")
    op.drop_table("quarterly_meetings")
    op.drop_table("progress_photos")
    op.drop_index("ix_progress_reports_tenant_project", table_name="progress_reports")
    op.drop_table("progress_reports")
    op.drop_index("ix_milestones_tenant_project", table_name="milestones")
    op.drop_table("milestones")
    op.drop_table("work_plans")
    op.drop_table("notification_deliveries")
    op.drop_table("notifications")
    op.drop_table("user_contacts")


# The tenant policy as this revision wrote it. A migration keeps its own copy of its SQL, so it creates
# the same schema whatever the app's code becomes (platform/docs/architecture.md, "Tenancy and
# isolation"). SQLite (embedded mode, one process) has no row-level security.
_TENANT_PREDICATE = "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid"


def enable_tenant_rls(table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON {table} USING ({_TENANT_PREDICATE}) WITH CHECK ({_TENANT_PREDICATE})"
    )


def disable_tenant_rls(table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
