"""the meeting that decides an adjustment; evidence filed for a commitment

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04

An adjustment is decided by the standing committee (the presidium in a township) at a meeting: its
name and date are kept with the decision. The government files evidence for a commitment
(``commitment_evidence``); a file is evidence of one commitment only.

Frozen: this migration states its own SQL and imports nothing of the app, so later changes to the
models cannot change what it did.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_PREDICATE = "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid"


def upgrade() -> None:
    with op.batch_alter_table("adjustments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("meeting_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("meeting_date", sa.Date(), nullable=True))

    op.create_table(
        "commitment_evidence",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("commitment_id", sa.Uuid(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("file_id", sa.Uuid(), nullable=True),
        sa.Column("filed_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "commitment_id"],
            ["commitments.tenant_id", "commitments.id"],
            name=op.f("fk_commitment_evidence_tenant_id_commitment_id_commitments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "file_id"],
            ["stored_files.tenant_id", "stored_files.id"],
            name=op.f("fk_commitment_evidence_tenant_id_file_id_stored_files"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_commitment_evidence_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_commitment_evidence")),
        sa.UniqueConstraint("tenant_id", "file_id", name=op.f("uq_commitment_evidence_tenant_id_file_id")),
    )
    with op.batch_alter_table("commitment_evidence", schema=None) as batch_op:
        batch_op.create_index("ix_commitment_evidence_tenant_commitment", ["tenant_id", "commitment_id"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE commitment_evidence ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE commitment_evidence FORCE ROW LEVEL SECURITY")
        op.execute(
            "CREATE POLICY tenant_isolation ON commitment_evidence "
            f"USING ({TENANT_PREDICATE}) WITH CHECK ({TENANT_PREDICATE})"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP POLICY IF EXISTS tenant_isolation ON commitment_evidence")
    with op.batch_alter_table("commitment_evidence", schema=None) as batch_op:
        batch_op.drop_index("ix_commitment_evidence_tenant_commitment")
    op.drop_table("commitment_evidence")
    with op.batch_alter_table("adjustments", schema=None) as batch_op:
        batch_op.drop_column("meeting_date")
        batch_op.drop_column("meeting_name")
