"""Roll-up rows: the figures of one tenant (``own``) and of its whole subtree (``tree``).

Why this is not a ``TenantScoped`` table: a tenant table is visible only to the tenant in context,
while these rows exist to be read by the tenants ABOVE the one they describe. Isolation is not
switched off for that; instead the table has a policy of its own (migration 0004):

* each row carries ``path``, the ids of the tenants from the root down to the tenant it describes
  (``/<province>/<city>/<county>/<township>/``);
* PostgreSQL's row-level security shows a row only when the tenant in context
  (``app.tenant_id``) is on that path, i.e. the row describes that tenant or one below it. A county
  in context sees its own rows and its townships', never a neighbouring county's;
* the oversight service still names the tenants it reads explicitly (the caller's subtree members
  it declares, platform/docs/architecture.md), so the ORM query is routed by ``tenant_id`` and SQLite, which has
  no RLS, gets the same answer.

Rows are written only by the roll-up jobs, each under the scope of the tenant the row describes.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, Numeric, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from minsheng.db.base import Base, UtcDateTime, utcnow

OWN = "own"  # the tenant's own records
TREE = "tree"  # the tenant's own records plus every tenant below it


class OversightRollup(Base):
    """Figures of one tenant (own or subtree) for one year and one project category."""

    __tablename__ = "oversight_rollups"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    scope: Mapped[str] = mapped_column(String(4), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(50), primary_key=True)
    path: Mapped[str] = mapped_column(String(200), nullable=False)
    suggestions: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    projects: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    chosen: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    funds: Mapped[Decimal] = mapped_column(Numeric(16, 2), nullable=False, default=Decimal(0))
    completed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    work_plans: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    overdue_plans: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    evaluations: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    satisfied: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    basically_satisfied: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    unsatisfied: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    supervised: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    inspections: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    reviews: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    inquiries: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rated_unsatisfied: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rectified: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    reevaluated: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False, default=utcnow)
