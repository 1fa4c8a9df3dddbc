"""oversight roll-ups and invitations

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28

``oversight_rollups`` is not a tenant table: its rows describe one tenant but are read by the
tenants above it. Its own row-level security policy shows a row when the tenant in context is on
the row's ancestry ``path`` (the row describes that tenant or one below it), so a county in context
reads its townships' figures and nobody else's, and no tenant in context reads nothing.
``invitations`` is a platform table like ``memberships`` (the invitee has no tenant in context).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SUBTREE_PREDICATE = "strpos(path, '/' || NULLIF(current_setting('app.tenant_id', true), '') || '/') > 0"


def upgrade() -> None:
    op.create_table(
        "oversight_rollups",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("scope", sa.String(length=4), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=50), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("suggestions", sa.Integer(), nullable=False),
        sa.Column("projects", sa.Integer(), nullable=False),
        sa.Column("chosen", sa.Integer(), nullable=False),
        sa.Column("funds", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("completed", sa.Integer(), nullable=False),
        sa.Column("work_plans", sa.Integer(), nullable=False),
        sa.Column("overdue_plans", sa.Integer(), nullable=False),
        sa.Column("evaluations", sa.Integer(), nullable=False),
        sa.Column("satisfied", sa.Integer(), nullable=False),
        sa.Column("basically_satisfied", sa.Integer(), nullable=False),
        sa.Column("unsatisfied", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_oversight_rollups_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "scope", "year", "category", name=op.f("pk_oversight_rollups")),
    )
    op.create_table(
        "invitations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column(
            "roles", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_by", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_invitations_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_invitations_token_digest")),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitations_tenant_id"), ["tenant_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE oversight_rollups ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE oversight_rollups FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY subtree_oversight ON oversight_rollups "
            f"USING ({SUBTREE_PREDICATE}) WITH CHECK ({SUBTREE_PREDICATE})"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP POLICY IF EXISTS subtree_oversight ON oversight_rollups")
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitations_tenant_id"))
    op.drop_table("invitations")
    op.drop_table("oversight_rollups")
