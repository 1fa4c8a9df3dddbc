"""A change in a tenant enqueues its roll-up, in the transaction of the change (the outbox).

Listens to every ORM flush, and to every INSERT, UPDATE or DELETE statement sent through a session
(a hot path's Core insert, a conditional UPDATE): when rows the oversight figures count are added,
changed or deleted, one ``oversight.rollup`` job per tenant and transaction goes into the outbox. If the change rolls
back, so does the job; if it commits, the figures follow (or when Redis is back).

Bursts are coalesced: the job is due ``Settings.rollup_delay_seconds`` after the change (3 s by
default) and the request does not notify a runner (no extra work on the hot path; the periodic
sweep or relay, every 5 s, hands it over when due). The first of a tenant's roll-ups to run takes
over every other one already committed (``coalescing``), so N changes in a burst cost one roll-up,
and the figures are right at most the delay plus the relay interval after the last change.
A delay of 0 runs each roll-up at once, as the tests do.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from itertools import chain
from typing import Any, cast

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session

from minsheng.collection.models import Suggestion
from minsheng.congress.models import VotingRound
from minsheng.db.base import utcnow
from minsheng.db.session import SETTINGS_INFO
from minsheng.implementation.models import Adjustment, ProgressReport, WorkPlan
from minsheng.jobs.models import Job
from minsheng.jobs.outbox import enqueue
from minsheng.projects.models import Project
from minsheng.supervision.models import Rectification, SatisfactionEvaluation, SpecialInquiry, SupervisionRecord
from minsheng.tenancy.context import current_tenant

ROLLUP_JOB = "oversight.rollup"
_MARKED = "minsheng.oversight_marked"
# Without settings in the session (a script's own session), roll-ups wait as long as the app's default.
DEFAULT_DELAY_SECONDS = 3.0

# The models whose rows the figures count. Other contexts add theirs with ``watch``.
WATCHED: list[type] = [
    Suggestion,
    Project,
    VotingRound,
    WorkPlan,
    ProgressReport,
    Adjustment,
    SatisfactionEvaluation,
    Rectification,
    SupervisionRecord,
    SpecialInquiry,
]


def watch(model: type) -> None:
    """Have changes to ``model``'s rows (a tenant table) refresh the tenant's roll-up."""
    if model not in WATCHED:
        WATCHED.append(model)


def rollup_delay(session: Session | AsyncSession) -> float:
    """Seconds a roll-up enqueued through ``session`` waits: the settings' delay, never negative."""
    settings = session.info.get(SETTINGS_INFO)
    delay = getattr(settings, "rollup_delay_seconds", DEFAULT_DELAY_SECONDS)
    return max(float(delay), 0.0)


def enqueue_rollup(session: AsyncSession, tenant_id: uuid.UUID) -> Job:
    """Enqueue the roll-up of ``tenant_id`` (its own figures and those of every tenant above it).

    In the session's transaction, like every outbox job. With a delay it is due later and left to the
    periodic sweep: until then every other change in the tenant joins the same roll-up.
    """
    delay = rollup_delay(session)
    if delay <= 0:
        return enqueue(session, ROLLUP_JOB, {}, tenant_id=tenant_id)
    due = utcnow() + timedelta(seconds=delay)
    return enqueue(session, ROLLUP_JOB, {}, tenant_id=tenant_id, run_after=due, notify=False)


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


def _mark(session: Session, tenants: set[uuid.UUID]) -> None:
    marked: set[uuid.UUID] = session.info.setdefault(_MARKED, set())
    for tenant_id in sorted(tenants - marked, key=str):
        # enqueue() only adds a row and notes its id in session.info, which the async session shares.
        enqueue_rollup(cast(AsyncSession, session), tenant_id)
        marked.add(tenant_id)


@event.listens_for(Session, "before_flush")
def _enqueue_rollups(session: Session, _context: Any, _instances: Any) -> None:
    # "dirty" also lists rows an attribute was merely assigned to; only real changes count.
    modified = (obj for obj in session.dirty if session.is_modified(obj, include_collections=False))
    _mark(session, changed_tenants(chain(session.new, modified, session.deleted)))


def _watched_table_names() -> frozenset[str]:
    return frozenset(model.__table__.name for model in WATCHED)  # type: ignore[attr-defined]


@event.listens_for(Session, "do_orm_execute")
def _enqueue_rollups_of_statements(state: ORMExecuteState) -> None:
    # Statements name no rows: the tenant in context is the one changed (RLS and the ORM's own
    # criteria keep a statement to it). A statement that changed nothing costs a roll-up that finds
    # nothing new, which is harmless.
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    tenant = current_tenant()
    if tenant is not None and getattr(table, "name", None) in _watched_table_names():
        _mark(state.session, {tenant.id})


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_marks(session: Session, *_args: Any) -> None:
    session.info.pop(_MARKED, None)
