"""the vote as a 票决办法 writes it: the year a session decides, the adoption of its voting method,
its scrutineers and tellers, paper ballots of mixed rounds, idempotent answers, the year a collection
is for, and the amendments of chosen projects

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04

Existing sessions decide the year of their date (what a new session defaults to).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
NEW_TABLES = ("collection_years", "idempotent_answers", "session_scrutineers", "paper_issues", "project_amendments")


def upgrade() -> None:
    op.create_table(
        "collection_years",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("chosen_by", sa.String(length=64), nullable=False),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_collection_years_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_collection_years")),
    )
    op.create_table(
        "idempotent_answers",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("scope", sa.String(length=80), nullable=False),
        sa.Column("lookup", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("answer", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_idempotent_answers_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "scope", "lookup", name=op.f("pk_idempotent_answers")),
    )
    op.create_table(
        "session_scrutineers",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("approved_by", sa.String(length=64), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "session_id"],
            ["congress_sessions.tenant_id", "congress_sessions.id"],
            name=op.f("fk_session_scrutineers_tenant_id_session_id_congress_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_session_scrutineers_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_session_scrutineers_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "session_id", "user_id", name=op.f("pk_session_scrutineers")),
    )
    op.create_table(
        "paper_issues",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("deputy_id", sa.Uuid(), nullable=False),
        sa.Column("issued_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "deputy_id"],
            ["deputies.tenant_id", "deputies.id"],
            name=op.f("fk_paper_issues_tenant_id_deputy_id_deputies"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "round_id"],
            ["voting_rounds.tenant_id", "voting_rounds.id"],
            name=op.f("fk_paper_issues_tenant_id_round_id_voting_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_paper_issues_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "round_id", "deputy_id", name=op.f("pk_paper_issues")),
    )
    op.create_table(
        "project_amendments",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("adjustment_id", sa.Uuid(), nullable=False),
        sa.Column("changes", JSON, nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "adjustment_id"],
            ["adjustments.tenant_id", "adjustments.id"],
            name=op.f("fk_project_amendments_tenant_id_adjustment_id_adjustments"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "project_id"],
            ["projects.tenant_id", "projects.id"],
            name=op.f("fk_project_amendments_tenant_id_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_project_amendments_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_project_amendments")),
        sa.UniqueConstraint("tenant_id", "adjustment_id", name=op.f("uq_project_amendments_tenant_id_adjustment_id")),
    )
    with op.batch_alter_table("project_amendments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_amendments_project_id"), ["project_id"], unique=False)

    with op.batch_alter_table("congress_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("voting_method_adopted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("voting_method_adopted_by", sa.String(length=64), nullable=True))
    _sessions_decide_the_year_of_their_date()
    with op.batch_alter_table("congress_sessions", schema=None) as batch_op:
        batch_op.alter_column("year", existing_type=sa.Integer(), nullable=False)
    for table in NEW_TABLES:
        enable_tenant_rls(table)


def _sessions_decide_the_year_of_their_date() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("UPDATE congress_sessions SET year = CAST(strftime('%Y', date) AS INTEGER)")
        return
    # The owner is bound by the forced policy too: lift it for this one statement of the migration.
    op.execute("ALTER TABLE congress_sessions NO FORCE ROW LEVEL SECURITY")
    op.execute("UPDATE congress_sessions SET year = CAST(EXTRACT(YEAR FROM date) AS INTEGER)")
    op.execute("ALTER TABLE congress_sessions FORCE ROW LEVEL SECURITY")


def downgrade() -> None:
    for table in NEW_TABLES:
        disable_tenant_rls(table)
    with op.batch_alter_table("congress_sessions", schema=None) as batch_op:
        batch_op.drop_column("voting_method_adopted_by")
        batch_op.drop_column("voting_method_adopted_at")
        batch_op.drop_column("year")

    with op.batch_alter_table("project_amendments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_amendments_project_id"))

    op.drop_table("project_amendments")
    op.drop_table("paper_issues")
    op.drop_table("session_scrutineers")
    op.drop_table("idempotent_answers")
    op.drop_table("collection_years")


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
