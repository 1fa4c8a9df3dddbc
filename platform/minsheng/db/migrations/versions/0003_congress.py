"""the congress vote: roster, sessions, check-ins, voting rounds, participations, ballots

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

Ballots and participations are WITHOUT ROWID on SQLite: an implicit rowid would number both tables in
the order rows were written, and equal positions would link a deputy to a ballot.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = (
    "deputies",
    "congress_sessions",
    "checkins",
    "voting_rounds",
    "round_candidates",
    "participations",
    "paper_entries",
    "ballots",
)

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants"), ondelete="CASCADE"
    )


def _round_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id", "round_id"],
        ["voting_rounds.tenant_id", "voting_rounds.id"],
        name=op.f(f"fk_{table}_tenant_id_round_id_voting_rounds"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "congress_sessions",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _tenant_fk("congress_sessions"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_congress_sessions")),
    )
    op.create_table(
        "deputies",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _tenant_fk("deputies"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_deputies_user_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_deputies")),
        sa.UniqueConstraint("tenant_id", "user_id", name=op.f("uq_deputies_tenant_id_user_id")),
    )
    op.create_table(
        "checkins",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("deputy_id", sa.Uuid(), nullable=False),
        sa.Column("checked_in_by", sa.String(length=64), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "deputy_id"],
            ["deputies.tenant_id", "deputies.id"],
            name=op.f("fk_checkins_tenant_id_deputy_id_deputies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "session_id"],
            ["congress_sessions.tenant_id", "congress_sessions.id"],
            name=op.f("fk_checkins_tenant_id_session_id_congress_sessions"),
            ondelete="CASCADE",
        ),
        _tenant_fk("checkins"),
        sa.PrimaryKeyConstraint("tenant_id", "session_id", "deputy_id", name=op.f("pk_checkins")),
    )
    op.create_table(
        "voting_rounds",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("ballot_format", sa.String(length=50), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("runoff_of", sa.Uuid(), nullable=True),
        sa.Column("entitled", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("result", JSON, nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "runoff_of"],
            ["voting_rounds.tenant_id", "voting_rounds.id"],
            name=op.f("fk_voting_rounds_tenant_id_runoff_of_voting_rounds"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "session_id"],
            ["congress_sessions.tenant_id", "congress_sessions.id"],
            name=op.f("fk_voting_rounds_tenant_id_session_id_congress_sessions"),
            ondelete="CASCADE",
        ),
        _tenant_fk("voting_rounds"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_voting_rounds")),
        sa.UniqueConstraint("tenant_id", "runoff_of", name=op.f("uq_voting_rounds_tenant_id_runoff_of")),
    )
    with op.batch_alter_table("voting_rounds", schema=None) as batch_op:
        batch_op.create_index("ix_voting_rounds_tenant_session", ["tenant_id", "session_id"], unique=False)

    op.create_table(
        "paper_entries",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("teller", sa.String(length=64), nullable=False),
        sa.Column("ballots", sa.Integer(), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        _round_fk("paper_entries"),
        _tenant_fk("paper_entries"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_paper_entries")),
    )
    with op.batch_alter_table("paper_entries", schema=None) as batch_op:
        batch_op.create_index("ix_paper_entries_tenant_round", ["tenant_id", "round_id"], unique=False)

    op.create_table(
        "participations",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("deputy_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "deputy_id"],
            ["deputies.tenant_id", "deputies.id"],
            name=op.f("fk_participations_tenant_id_deputy_id_deputies"),
        ),
        _round_fk("participations"),
        _tenant_fk("participations"),
        sa.PrimaryKeyConstraint("tenant_id", "round_id", "deputy_id", name=op.f("pk_participations")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "round_candidates",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "project_id"],
            ["projects.tenant_id", "projects.id"],
            name=op.f("fk_round_candidates_tenant_id_project_id_projects"),
        ),
        _round_fk("round_candidates"),
        _tenant_fk("round_candidates"),
        sa.PrimaryKeyConstraint("tenant_id", "round_id", "project_id", name=op.f("pk_round_candidates")),
    )
    op.create_table(
        "ballots",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("content", JSON, nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("invalid_reason", JSON, nullable=True),
        sa.Column("receipt", sa.String(length=16), nullable=False),
        sa.Column("entry_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "entry_id"],
            ["paper_entries.tenant_id", "paper_entries.id"],
            name=op.f("fk_ballots_tenant_id_entry_id_paper_entries"),
            ondelete="CASCADE",
        ),
        _round_fk("ballots"),
        _tenant_fk("ballots"),
        sa.PrimaryKeyConstraint("tenant_id", "round_id", "id", name=op.f("pk_ballots")),
        sqlite_with_rowid=False,
    )

    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    op.drop_table("ballots")
    op.drop_table("round_candidates")
    op.drop_table("participations")
    with op.batch_alter_table("paper_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_paper_entries_tenant_round")

    op.drop_table("paper_entries")
    with op.batch_alter_table("voting_rounds", schema=None) as batch_op:
        batch_op.drop_index("ix_voting_rounds_tenant_session")

    op.drop_table("voting_rounds")
    op.drop_table("checkins")
    op.drop_table("deputies")
    op.drop_table("congress_sessions")


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
