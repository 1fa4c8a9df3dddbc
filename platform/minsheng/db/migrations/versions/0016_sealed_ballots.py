"""sealed ballots and ratings: a choice is sealed to its round's (or evaluation's) key on arrival and
written as plain, unlinked content only at the close; receipts are no longer stored with contents

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04

The sealed tables are WITHOUT ROWID on SQLite, as ballots are (an implicit rowid numbers rows in
writing order). ``ballots.receipt`` and ``evaluation_ratings.receipt`` are dropped: a receipt proves
that a ballot was counted, never what it said (platform/docs/threat-model.md); the receipts of closed
rounds stay in their stored results. Close every round and evaluation before upgrading: one open at
the upgrade has no key, refuses further choices, and its choices already stored lose their receipts.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
#: new table -> (its subject column, the subject's table)
SEALED = {
    "sealed_ballots": ("round_id", "voting_rounds"),
    "sealed_ratings": ("evaluation_id", "satisfaction_evaluations"),
}


def _create_sealed(table: str, subject: str, parent: str) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    subject_fk = sa.ForeignKeyConstraint(
        ["tenant_id", subject],
        [f"{parent}.tenant_id", f"{parent}.id"],
        name=op.f(f"fk_{table}_tenant_id_{subject}_{parent}"),
        ondelete="CASCADE",
    )
    op.create_table(
        table,
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column(subject, sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", subject, "id", name=op.f(f"pk_{table}")),
        # SQLite cannot add a foreign key later; PostgreSQL adds it after placing the table.
        *([] if postgres else [subject_fk]),
        sqlite_with_rowid=False,
    )
    if postgres:
        # Placed beside the other tenant tables on a distributed database (0015), before its foreign keys.
        op.execute(f"SELECT minsheng_distribute_tenant_table('{table}')")
        op.create_foreign_key(
            op.f(f"fk_{table}_tenant_id_{subject}_{parent}"),
            table,
            parent,
            ["tenant_id", subject],
            ["tenant_id", "id"],
            ondelete="CASCADE",
        )
    enable_tenant_rls(table)


def upgrade() -> None:
    with op.batch_alter_table("voting_rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ballot_key", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("key_custody", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("key_shares", JSON, nullable=True))
    with op.batch_alter_table("satisfaction_evaluations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rating_key", sa.LargeBinary(), nullable=True))
    for table, (subject, parent) in SEALED.items():
        _create_sealed(table, subject, parent)
    # SQLite (3.35+) drops a plain column in place: no batch copy, which would lose WITHOUT ROWID.
    op.execute("ALTER TABLE ballots DROP COLUMN receipt")
    op.execute("ALTER TABLE evaluation_ratings DROP COLUMN receipt")


def downgrade() -> None:
    # A receipt was never stored beside its content again: the old column comes back empty.
    op.execute("ALTER TABLE evaluation_ratings ADD COLUMN receipt VARCHAR(16) NOT NULL DEFAULT ''")
    op.execute("ALTER TABLE ballots ADD COLUMN receipt VARCHAR(16) NOT NULL DEFAULT ''")
    for table in SEALED:
        disable_tenant_rls(table)
        op.drop_table(table)
    with op.batch_alter_table("satisfaction_evaluations", schema=None) as batch_op:
        batch_op.drop_column("rating_key")
    with op.batch_alter_table("voting_rounds", schema=None) as batch_op:
        batch_op.drop_column("key_shares")
        batch_op.drop_column("key_custody")
        batch_op.drop_column("ballot_key")


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
