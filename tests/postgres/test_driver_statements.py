"""A statement sent by asyncpg itself (``minsheng.db.driver``) runs in the request's transaction, under its
tenant's row-level security, is seen by the engine's statement listeners, and fails as SQLAlchemy's
errors do, and its results get SQLAlchemy's type processing; before the transaction begins it goes
through SQLAlchemy."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Numeric, bindparam, cast, event, func, insert, literal_column, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from minsheng.db.driver import DriverStatement
from minsheng.db.idempotency import IdempotentAnswer
from minsheng.projects.models import Project
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.tenancy.isolation import rebind_tenant
from minsheng.testing import Api

pytestmark = pytest.mark.postgres

_ANSWERS = IdempotentAnswer.__table__
_ROW = {"tenant_id": bindparam("t"), "scope": bindparam("s"), "lookup": bindparam("l"), "fingerprint": "f"}
WRITE = DriverStatement(insert(_ANSWERS).values(**_ROW, answer=text("'\"r\"'::jsonb")))
READ = DriverStatement(
    select(_ANSWERS.c.lookup, func.current_setting("app.tenant_id", True).label("bound")).where(
        _ANSWERS.c.scope == bindparam("s")
    )
)


@pytest.fixture
def backend() -> str:
    return "postgres"


@contextmanager
def cursors(api: Api) -> Iterator[list[tuple[Any, str]]]:
    """(cursor, SQL) of every statement the engine's listeners see."""
    seen: list[tuple[Any, str]] = []
    engine = api.services.database.engine.sync_engine

    def record(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        seen.append((cursor, statement))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_a_driver_statement_runs_in_the_transaction_under_its_tenant(api: Api) -> None:
    a = TenantRef(uuid.UUID((await api.create_tenant("prov-a", "province"))["id"]), "prov-a")
    b = TenantRef(uuid.UUID((await api.create_tenant("prov-b", "province"))["id"]), "prov-b")
    row = {"t": a.id, "s": "round:x", "l": "a" * 64}
    async with api.services.database.sessionmaker() as session:
        with cursors(api) as seen:
            connection = await session.connection()
            # Nothing sent yet: no transaction has begun, so SQLAlchemy sends it (a real cursor).
            assert await READ.one_or_none(connection, {"s": "round:x"}) is None
            assert seen[-1][0] is not None
        with tenant_scope(a), cursors(api) as seen:
            await rebind_tenant(session)
            await WRITE.execute(connection, row)
            assert seen[-1] == (None, WRITE._for(connection.dialect).sql), "sent by asyncpg, and seen"
            found = await READ.one_or_none(connection, {"s": "round:x"})
            assert found is not None and (found.lookup, found.bound) == ("a" * 64, str(a.id))
            with pytest.raises(IntegrityError):
                await WRITE.execute(connection, row)
        await session.rollback()
    # Rolled back with the transaction; and row-level security hides a's rows from b.
    async with api.services.database.sessionmaker() as session:
        with tenant_scope(a):
            connection = await session.connection()
            await connection.execute(text("SELECT 1"))
            assert await READ.one_or_none(connection, {"s": "round:x"}) is None
            await WRITE.execute(connection, row)
        await session.commit()
    async with api.services.database.sessionmaker() as session:
        with tenant_scope(b):
            connection = await session.connection()
            await connection.execute(text("SELECT 1"))
            assert await READ.one_or_none(connection, {"s": "round:x"}) is None
            with pytest.raises(DBAPIError, match="row-level security"):  # a row of another tenant
                await WRITE.execute(connection, row)
        await session.rollback()


async def test_results_get_sqlalchemys_processing_and_in_lists_are_refused(api: Api) -> None:
    # asyncpg reads numeric as Decimal; a Numeric(asdecimal=False) column is a float through SQLAlchemy.
    amount = cast(literal_column("12.50"), Numeric(14, 2, asdecimal=False)).label("amount")
    processed = DriverStatement(select(amount, literal_column("NULL::numeric").label("nothing")))
    in_list = DriverStatement(select(Project.id).where(Project.id.in_(bindparam("ids", expanding=True))))
    tenant = TenantRef(uuid.UUID((await api.create_tenant("prov-c", "province"))["id"]), "prov-c")
    async with api.services.database.sessionmaker() as session:
        with tenant_scope(tenant), cursors(api) as seen:
            connection = await session.connection()
            through_sqlalchemy = await processed.one_or_none(connection, {})  # opens the transaction
            by_driver = await processed.one_or_none(connection, {})
            assert seen[-1][0] is None, "the second went by asyncpg"
            assert tuple(by_driver) == tuple(through_sqlalchemy) == (12.5, None)
            assert isinstance(by_driver.amount, float)
            with pytest.raises(ValueError, match="IN lists"):
                await in_list.all(connection, {"ids": [uuid.uuid4()]})
        await session.rollback()
