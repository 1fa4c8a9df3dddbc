"""oversight figures of supervision coverage and of evaluations' whole history

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

Seven counts on each roll-up row: projects supervised in any way, inspections, follow-up reviews and
special inquiries, projects ever rated unsatisfied, rectifications reported and re-evaluations
closed. Existing rows read 0 until the next roll-up (the daily rebuild recounts every tenant).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("supervised", "inspections", "reviews", "inquiries", "rated_unsatisfied", "rectified", "reevaluated")


def upgrade() -> None:
    with op.batch_alter_table("oversight_rollups") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("oversight_rollups") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
