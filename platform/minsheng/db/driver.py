"""A hot path's statement sent by asyncpg itself, inside the transaction SQLAlchemy opened.

Through SQLAlchemy a statement costs the server about 0.1 ms of CPU here (execution context, cursor
adapter, result metadata, a greenlet), four to five times what asyncpg spends on it. On a path run a
few hundred times a second (a ballot) that is the largest part of the request. A
:class:`DriverStatement` is a Core statement compiled once for PostgreSQL; it is sent with asyncpg when
the connection is asyncpg's and already inside its transaction (a request's first statement opens it
through SQLAlchemy: ``minsheng.http.context``), so it runs in that transaction, under the tenant bound
for row-level security, and commits or rolls back with it. Anything else (SQLite, a Citus
coordinator, no transaction yet) goes through SQLAlchemy as before.

Nothing else is given up: the engine's ``before_cursor_execute`` and ``after_cursor_execute``
listeners still see the statement (the pinned statement counts of the ballot path,
``tests/congress/test_ballot_queries.py``), and asyncpg's errors come back as SQLAlchemy's
(``IntegrityError`` for a violated key, as callers expect). Parameters and results get the type
processing SQLAlchemy gives them (results by the types PostgreSQL describes, learnt once per
statement). Statements with expanding ``IN`` lists or tuple parameters are refused when compiled.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping
from typing import Any, cast

import asyncpg
from sqlalchemy import exc
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ClauseElement, Executable
from sqlalchemy.sql.compiler import SQLCompiler

from minsheng.db.session import is_citus


class _Compiled:
    """The statement's SQL for asyncpg, its parameters' order and a row class for its columns."""

    def __init__(self, statement: Executable, dialect: Dialect) -> None:
        compiled = cast(SQLCompiler, cast(ClauseElement, statement).compile(dialect=dialect))
        self.dialect = dialect
        self.sql = str(compiled)
        if "POSTCOMPILE" in self.sql:  # an IN list rendered per call: not one SQL text
            raise ValueError("a driver statement's parameters must not be expanding (IN lists)")
        self.order = tuple(compiled.positiontup or ())
        # Parameters get the processing SQLAlchemy gives them (e.g. bytes wrapped as the driver's Binary).
        self.processors: dict[str, Callable[[Any], Any]] = {}
        for name, processor in compiled._bind_processors.items():
            if not callable(processor):  # a tuple's processors, one per element: not supported here
                raise ValueError(f"a driver statement's parameter {name} is a tuple")
            self.processors[name] = processor
        # Values written into the statement itself (``values(kind="x")``) are parameters too.
        known = (compiled.construct_params(_check=False) or {}).items()
        self.defaults = {name: value for name, value in known if value is not None}
        self.columns = list(getattr(compiled, "_result_columns", ()))
        self.row = namedtuple("Row", [c.keyname for c in self.columns], rename=True) if self.columns else None
        #: Each column's result processing, chosen as SQLAlchemy chooses it: by the column's type and
        #: the type the database describes (``None``: not read yet; an empty list: nothing to do).
        self.results: list[Callable[[Any], Any] | None] | None = None

    def values(self, params: Mapping[str, Any]) -> tuple[Any, ...]:
        processors = self.processors
        params = {**self.defaults, **params} if self.defaults else params
        return tuple(processors[name](params[name]) if name in processors else params[name] for name in self.order)

    async def read_results(self, driver: asyncpg.Connection) -> None:
        """Learn the columns' database types once (one Describe), and so their processing."""
        if self.results is not None or not self.columns:
            return
        attributes = (await driver.prepare(self.sql)).get_attributes()
        found = [
            column.type._cached_result_processor(self.dialect, attribute.type.oid)
            for column, attribute in zip(self.columns, attributes, strict=True)
        ]
        self.results = found if any(found) else []

    def make_row(self, record: Any) -> Any:
        assert self.row is not None
        if not self.results:
            return self.row(*record)
        return self.row(*(v if p is None else p(v) for p, v in zip(self.results, record, strict=True)))


class DriverStatement:
    """A Core statement sent straight to asyncpg where it can be (see the module docstring)."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: _Compiled | None = None

    def _for(self, dialect: Dialect) -> _Compiled:
        if self._compiled is None:
            self._compiled = _Compiled(self.statement, dialect)
        return self._compiled

    async def _driver(self, connection: AsyncConnection) -> asyncpg.Connection | None:
        if connection.dialect.driver != "asyncpg" or is_citus(connection.sync_connection):
            return None
        driver = (await connection.get_raw_connection()).driver_connection
        return driver if isinstance(driver, asyncpg.Connection) and driver.is_in_transaction() else None

    async def one_or_none(self, connection: AsyncConnection, params: Mapping[str, Any]) -> Any:
        """The statement's one row (attributes by column name), or None."""
        driver = await self._driver(connection)
        if driver is None:
            return (await connection.execute(self.statement, params)).one_or_none()
        compiled = self._for(connection.dialect)
        record = await self._send(connection, driver, compiled, params, "one")
        return None if record is None else compiled.make_row(record)

    async def all(self, connection: AsyncConnection, params: Mapping[str, Any]) -> list[Any]:
        """The statement's rows (attributes by column name)."""
        driver = await self._driver(connection)
        if driver is None:
            return list((await connection.execute(self.statement, params)).all())
        compiled = self._for(connection.dialect)
        return [compiled.make_row(record) for record in await self._send(connection, driver, compiled, params, "all")]

    async def execute(self, connection: AsyncConnection, params: Mapping[str, Any]) -> None:
        """Send the statement (a write), its rows unread."""
        driver = await self._driver(connection)
        if driver is None:
            await connection.execute(self.statement, params)
            return
        await self._send(connection, driver, self._for(connection.dialect), params, "none")

    async def _send(
        self,
        connection: AsyncConnection,
        driver: asyncpg.Connection,
        compiled: _Compiled,
        params: Mapping[str, Any],
        rows: str,
    ) -> Any:
        values = compiled.values(params)
        sync = connection.sync_connection
        assert sync is not None
        dispatch = sync.dispatch
        if dispatch.before_cursor_execute:
            for listener in dispatch.before_cursor_execute:
                listener(sync, None, compiled.sql, values, None, False)
        try:
            if rows == "none":
                found: Any = await driver.execute(compiled.sql, *values)
            else:
                await compiled.read_results(driver)
                found = await (driver.fetchrow if rows == "one" else driver.fetch)(compiled.sql, *values)
        except asyncpg.IntegrityConstraintViolationError as error:
            raise exc.IntegrityError(compiled.sql, values, error) from error
        except (asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            raise exc.DBAPIError(compiled.sql, values, error) from error
        if dispatch.after_cursor_execute:
            for listener in dispatch.after_cursor_execute:
                listener(sync, None, compiled.sql, values, None, False)
        return found
