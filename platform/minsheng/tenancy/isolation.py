"""Isolation, layer one (the ORM) and the hook for layer two (PostgreSQL RLS).

* every ORM SELECT/UPDATE/DELETE touching a tenant table gets ``tenant_id = <current>``, or matches
  nothing when no tenant is in context;
* every new tenant row gets the current tenant id, and a row for another tenant is refused;
* every transaction on PostgreSQL starts with ``set_config('app.tenant_id', <current>, true)``, so the
  database's own policies hold even for raw SQL. On a Citus coordinator it is ``SET LOCAL`` instead:
  the same to PostgreSQL, but only the statement reaches the workers, whose shards' policies read it
  (``citus.propagate_set_commands``, platform/docs/citus.md).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import TextClause, event, false, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, with_loader_criteria

from minsheng.db.base import TenantScoped
from minsheng.db.session import is_citus
from minsheng.tenancy.context import current_tenant

# Oversight queries name the tenants they read explicitly; nothing turns the filter off silently.
OVERSIGHT_OPTION = "minsheng_tenant_ids"


class TenantIsolationError(RuntimeError):
    """A write for a tenant other than the one in context, or with no tenant at all."""


@event.listens_for(Session, "do_orm_execute")
def _filter_tenant_rows(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return
    ids = state.execution_options.get(OVERSIGHT_OPTION)
    if ids is not None:
        allowed = tuple(ids)
        criteria = with_loader_criteria(TenantScoped, lambda cls: cls.tenant_id.in_(allowed), include_aliases=True)
    else:
        tenant = current_tenant()
        if tenant is None:
            criteria = with_loader_criteria(TenantScoped, lambda cls: false(), include_aliases=True)
        else:
            tid = tenant.id
            criteria = with_loader_criteria(TenantScoped, lambda cls: cls.tenant_id == tid, include_aliases=True)
    state.statement = state.statement.options(criteria)


@event.listens_for(Session, "before_flush")
def _stamp_new_rows(session: Session, _context: Any, _instances: Any) -> None:
    tenant = current_tenant()
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, TenantScoped):
            continue
        if tenant is None:
            raise TenantIsolationError(f"no tenant in context for a {type(obj).__name__} row")
        if obj.tenant_id is None:
            obj.tenant_id = tenant.id
        elif obj.tenant_id != tenant.id:
            raise TenantIsolationError(f"a {type(obj).__name__} row of another tenant")


def _tenant_setting(conn: Connection, tenant_id: str) -> tuple[TextClause, dict[str, str]]:
    """The statement binding ``tenant_id`` (a UUID, or ``""`` for none) to the open transaction."""
    if is_citus(conn):
        # A utility statement takes no bind parameters: the literal is a UUID's text or nothing.
        value = str(uuid.UUID(tenant_id)) if tenant_id else ""
        return text(f"SET LOCAL app.tenant_id = '{value}'"), {}
    return text("SELECT set_config('app.tenant_id', :tid, true)"), {"tid": tenant_id}


# The tenant bound by the open transaction itself (not by a savepoint, whose rollback would undo it),
# with that transaction: a savepoint for the same tenant inherits the setting and sends no second one.
_BOUND = "minsheng.bound_tenant"


def note_bound(session: Session, tenant_id: str) -> None:
    """Record that the open transaction (or savepoint) just bound ``tenant_id``."""
    if session.in_nested_transaction():
        session.info.pop(_BOUND, None)
    else:
        session.info[_BOUND] = (session.get_transaction(), tenant_id)


@event.listens_for(Session, "after_begin")
def _bind_tenant_in_database(session: Session, transaction: SessionTransaction, conn: Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    tenant = current_tenant()
    if tenant is None:
        # Nothing to set: the setting is transaction-local, so a new transaction has none (or the
        # empty string a finished one left), and the policy matches no row either way. A request
        # enters its tenant later (``rebind_tenant``): one set_config per transaction, not two.
        return
    tenant_id = str(tenant.id)
    bound = session.info.get(_BOUND)
    if transaction.nested and bound is not None and bound[0] is session.get_transaction() and bound[1] == tenant_id:
        return
    conn.execute(*_tenant_setting(conn, tenant_id))
    # A savepoint's own binding outlives it when released, and not when rolled back: unknown after it.
    if transaction.nested:
        session.info.pop(_BOUND, None)
    else:
        session.info[_BOUND] = (transaction, tenant_id)


async def rebind_tenant(session: AsyncSession) -> None:
    """Re-apply the tenant in context to the session's open transaction (after switching tenants).

    Used by platform operations that act on a tenant they just created or looked up.
    """
    if session.in_transaction() and session.bind is not None and session.bind.dialect.name == "postgresql":
        tenant = current_tenant()
        tenant_id = str(tenant.id) if tenant else ""
        bound = session.info.get(_BOUND)
        if bound is not None and bound[0] is session.sync_session.get_transaction() and bound[1] == tenant_id:
            return  # this transaction bound it already (e.g. in the request's first statement)
        connection = (await session.connection()).sync_connection
        assert connection is not None  # an open transaction has its connection
        await session.execute(*_tenant_setting(connection, tenant_id))
        note_bound(session.sync_session, tenant_id)
