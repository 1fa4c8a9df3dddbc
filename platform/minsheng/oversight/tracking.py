"""A change in a tenant enqueues its roll-up, in the transaction of the change (the outbox).

Listens to every ORM flush: when rows the oversight figures count are added, changed or deleted,
one ``oversight.rollup`` job per tenant and transaction goes into the outbox. If the change rolls
back, so does the job; if it commits, the figures follow within moments (or when Redis is back).
"""

from __future__ import annotations

import uuid
from itertools import chain
from typing import Any, cast

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from minsheng.collection.models import Suggestion
from minsheng.congress.models import VotingRound
from minsheng.implementation.models import Adjustment, ProgressReport, WorkPlan
from minsheng.jobs.outbox import enqueue
from minsheng.projects.models import Project
from minsheng.supervision.models import SatisfactionEvaluation
from minsheng.tenancy.context import current_tenant

ROLLUP_JOB = "oversight.rollup"
_MARKED = "minsheng.oversight_marked"

# The models whose rows the figures count. Other contexts add theirs with ``watch``.
WATCHED: list[type] = [
    Suggestion,
    Project,
    VotingRound,
    WorkPlan,
    ProgressReport,
    Adjustment,
    SatisfactionEvaluation,
]


def watch(model: type) -> None:
    """Have changes to ``model``'s rows (a tenant table) refresh the tenant's roll-up."""
    if model not in WATCHED:
        WATCHED.append(model)


def changed_tenants(objects: Any) -> set[uuid.UUID]:
    """The tenants whose counted rows are among ``objects``."""
    kinds = tuple(WATCHED)
    tenant = current_tenant()
    found: set[uuid.UUID] = set()
    for obj in objects:
        if isinstance(obj, kinds):
            tenant_id = getattr(obj, "tenant_id", None) or (tenant.id if tenant else None)
            if tenant_id is not None:
                found.add(tenant_id)
    return found


@event.listens_for(Session, "before_flush")
def _enqueue_rollups(session: Session, _context: Any, _instances: Any) -> None:
    # "dirty" also lists rows an attribute was merely assigned to; only real changes count.
    modified = (obj for obj in session.dirty if session.is_modified(obj, include_collections=False))
    tenants = changed_tenants(chain(session.new, modified, session.deleted))
    marked: set[uuid.UUID] = session.info.setdefault(_MARKED, set())
    for tenant_id in sorted(tenants - marked, key=str):
        # enqueue() only adds a row and notes its id in session.info, which the async session shares.
        enqueue(cast(AsyncSession, session), ROLLUP_JOB, {}, tenant_id=tenant_id)
        marked.add(tenant_id)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_marks(session: Session, *_args: Any) -> None:
    session.info.pop(_MARKED, None)
