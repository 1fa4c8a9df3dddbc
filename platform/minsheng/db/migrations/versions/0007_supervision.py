"""supervision: plans and groups, records and photos, special inquiries and commitments, satisfaction
evaluations with secret ratings, rectifications, the public evaluation

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28

Evaluation participations and ratings are WITHOUT ROWID on SQLite, like ballots and participations:
an implicit rowid would number both tables in writing order and pair a deputy with a rating.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = (
    "supervision_plans",
    "supervision_groups",
    "supervision_records",
    "supervision_photos",
    "special_inquiries",
    "inquiry_questions",
    "commitments",
    "satisfaction_evaluations",
    "evaluation_participations",
    "evaluation_ratings",
    "rectifications",
    "public_ratings",
    "phone_verifications",
)

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "supervision_plans",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("adopted_by", sa.String(length=64), nullable=True),
        sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_supervision_plans_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_supervision_plans")),
        sa.UniqueConstraint("tenant_id", "year", name=op.f("uq_supervision_plans_tenant_id_year")),
    )
    op.create_table(
        "satisfaction_evaluations",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=True),
        sa.Column("reevaluation_of", sa.Uuid(), nullable=True),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("result", JSON, nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "project_id"],
            ["projects.tenant_id", "projects.id"],
            name=op.f("fk_satisfaction_evaluations_tenant_id_project_id_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "reevaluation_of"],
            ["satisfaction_evaluations.tenant_id", "satisfaction_evaluations.id"],
            name=op.f("fk_satisfaction_evaluations_tenant_id_reevaluation_of_satisfaction_evaluations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_satisfaction_evaluations_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_satisfaction_evaluations")),
        sa.UniqueConstraint(
            "tenant_id", "reevaluation_of", name=op.f("uq_satisfaction_evaluations_tenant_id_reevaluation_of")
        ),
    )
    with op.batch_alter_table("satisfaction_evaluations", schema=None) as batch_op:
        batch_op.create_index("ix_satisfaction_evaluations_tenant_project", ["tenant_id", "project_id"], unique=False)

    op.create_table(
        "special_inquiries",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("participants", JSON, nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "project_id"],
            ["projects.tenant_id", "projects.id"],
            name=op.f("fk_special_inquiries_tenant_id_project_id_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_special_inquiries_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_special_inquiries")),
    )
    with op.batch_alter_table("special_inquiries", schema=None) as batch_op:
        batch_op.create_index("ix_special_inquiries_tenant_project", ["tenant_id", "project_id"], unique=False)

    op.create_table(
        "supervision_groups",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("leader_user_id", sa.Uuid(), nullable=True),
        sa.Column("deputy_ids", JSON, nullable=False),
        sa.Column("methods", JSON, nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "plan_id"],
            ["supervision_plans.tenant_id", "supervision_plans.id"],
            name=op.f("fk_supervision_groups_tenant_id_plan_id_supervision_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "project_id"],
            ["projects.tenant_id", "projects.id"],
            name=op.f("fk_supervision_groups_tenant_id_project_id_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_supervision_groups_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_supervision_groups")),
        sa.UniqueConstraint(
            "tenant_id", "plan_id", "project_id", name=op.f("uq_supervision_groups_tenant_id_plan_id_project_id")
        ),
    )
    op.create_table(
        "supervision_records",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("method", sa.String(length=50), nullable=False),
        sa.Column("fields", JSON, nullable=False),
        sa.Column("visits", JSON, nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "project_id"],
            ["projects.tenant_id", "projects.id"],
            name=op.f("fk_supervision_records_tenant_id_project_id_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_supervision_records_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_supervision_records")),
    )
    with op.batch_alter_table("supervision_records", schema=None) as batch_op:
        batch_op.create_index("ix_supervision_records_tenant_project", ["tenant_id", "project_id"], unique=False)

    op.create_table(
        "evaluation_participations",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("evaluation_id", sa.Uuid(), nullable=False),
        sa.Column("deputy_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "deputy_id"],
            ["deputies.tenant_id", "deputies.id"],
            name=op.f("fk_evaluation_participations_tenant_id_deputy_id_deputies"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "evaluation_id"],
            ["satisfaction_evaluations.tenant_id", "satisfaction_evaluations.id"],
            name=op.f("fk_evaluation_participations_tenant_id_evaluation_id_satisfaction_evaluations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_evaluation_participations_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "evaluation_id", "deputy_id", name=op.f("pk_evaluation_participations")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "evaluation_ratings",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("evaluation_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("rating", sa.String(length=30), nullable=False),
        sa.Column("receipt", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "evaluation_id"],
            ["satisfaction_evaluations.tenant_id", "satisfaction_evaluations.id"],
            name=op.f("fk_evaluation_ratings_tenant_id_evaluation_id_satisfaction_evaluations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_evaluation_ratings_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "evaluation_id", "id", name=op.f("pk_evaluation_ratings")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "inquiry_questions",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("inquiry_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("asked_by", sa.String(length=100), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answered_by", sa.String(length=200), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "inquiry_id"],
            ["special_inquiries.tenant_id", "special_inquiries.id"],
            name=op.f("fk_inquiry_questions_tenant_id_inquiry_id_special_inquiries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_inquiry_questions_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_inquiry_questions")),
    )
    with op.batch_alter_table("inquiry_questions", schema=None) as batch_op:
        batch_op.create_index("ix_inquiry_questions_tenant_inquiry", ["tenant_id", "inquiry_id"], unique=False)

    op.create_table(
        "phone_verifications",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("evaluation_id", sa.Uuid(), nullable=False),
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "evaluation_id"],
            ["satisfaction_evaluations.tenant_id", "satisfaction_evaluations.id"],
            name=op.f("fk_phone_verifications_tenant_id_evaluation_id_satisfaction_evaluations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_phone_verifications_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_phone_verifications")),
    )
    with op.batch_alter_table("phone_verifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_phone_verifications_tenant_phone", ["tenant_id", "evaluation_id", "phone_hash"], unique=False
        )

    op.create_table(
        "public_ratings",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("evaluation_id", sa.Uuid(), nullable=False),
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("rating", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "evaluation_id"],
            ["satisfaction_evaluations.tenant_id", "satisfaction_evaluations.id"],
            name=op.f("fk_public_ratings_tenant_id_evaluation_id_satisfaction_evaluations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_public_ratings_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "evaluation_id", "phone_hash", name=op.f("pk_public_ratings")),
    )
    op.create_table(
        "rectifications",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("evaluation_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("reevaluation_id", sa.Uuid(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("report", sa.Text(), nullable=True),
        sa.Column("reported_by", sa.String(length=64), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "evaluation_id"],
            ["satisfaction_evaluations.tenant_id", "satisfaction_evaluations.id"],
            name=op.f("fk_rectifications_tenant_id_evaluation_id_satisfaction_evaluations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "project_id"],
            ["projects.tenant_id", "projects.id"],
            name=op.f("fk_rectifications_tenant_id_project_id_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "reevaluation_id"],
            ["satisfaction_evaluations.tenant_id", "satisfaction_evaluations.id"],
            name=op.f("fk_rectifications_tenant_id_reevaluation_id_satisfaction_evaluations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_rectifications_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_rectifications")),
        sa.UniqueConstraint("tenant_id", "evaluation_id", name=op.f("uq_rectifications_tenant_id_evaluation_id")),
    )
    op.create_table(
        "supervision_photos",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("file_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "file_id"],
            ["stored_files.tenant_id", "stored_files.id"],
            name=op.f("fk_supervision_photos_tenant_id_file_id_stored_files"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "record_id"],
            ["supervision_records.tenant_id", "supervision_records.id"],
            name=op.f("fk_supervision_photos_tenant_id_record_id_supervision_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_supervision_photos_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "record_id", "file_id", name=op.f("pk_supervision_photos")),
    )
    op.create_table(
        "commitments",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("question_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("responsible_unit", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("evidence_text", sa.Text(), nullable=True),
        sa.Column("evidence_file_id", sa.Uuid(), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "evidence_file_id"],
            ["stored_files.tenant_id", "stored_files.id"],
            name=op.f("fk_commitments_tenant_id_evidence_file_id_stored_files"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "project_id"],
            ["projects.tenant_id", "projects.id"],
            name=op.f("fk_commitments_tenant_id_project_id_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "question_id"],
            ["inquiry_questions.tenant_id", "inquiry_questions.id"],
            name=op.f("fk_commitments_tenant_id_question_id_inquiry_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_commitments_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_commitments")),
    )
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.create_index("ix_commitments_tenant_status", ["tenant_id", "status"], unique=False)

    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_index("ix_commitments_tenant_status")

    op.drop_table("commitments")
    op.drop_table("supervision_photos")
    op.drop_table("rectifications")
    op.drop_table("public_ratings")
    with op.batch_alter_table("phone_verifications", schema=None) as batch_op:
        batch_op.drop_index("ix_phone_verifications_tenant_phone")

    op.drop_table("phone_verifications")
    with op.batch_alter_table("inquiry_questions", schema=None) as batch_op:
        batch_op.drop_index("ix_inquiry_questions_tenant_inquiry")

    op.drop_table("inquiry_questions")
    op.drop_table("evaluation_ratings")
    op.drop_table("evaluation_participations")
    with op.batch_alter_table("supervision_records", schema=None) as batch_op:
        batch_op.drop_index("ix_supervision_records_tenant_project")

    op.drop_table("supervision_records")
    op.drop_table("supervision_groups")
    with op.batch_alter_table("special_inquiries", schema=None) as batch_op:
        batch_op.drop_index("ix_special_inquiries_tenant_project")

    op.drop_table("special_inquiries")
    with op.batch_alter_table("satisfaction_evaluations", schema=None) as batch_op:
        batch_op.drop_index("ix_satisfaction_evaluations_tenant_project")

    op.drop_table("satisfaction_evaluations")
    op.drop_table("supervision_plans")


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
