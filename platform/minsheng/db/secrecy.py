"""Storing a secret choice (a ballot, a satisfaction rating) apart from who made it.

platform/docs/architecture.md, "Secret and verifiable ballots", and platform/docs/threat-model.md, for every
context that needs the guarantee (the congress vote in ``congress/voting/casting.py`` and
``congress/voting/tally.py``, satisfaction evaluations in ``supervision/evaluations/services.py``):
:func:`record_secret_choice` (ORM objects) and :class:`SecretInsert` (Core statements built once, for a
hot path such as a burst of ballots) write the participation (who; its key refuses a second choice even
under concurrent requests) and the secret row in the same transaction, the participation first, so a
refused participation takes its secret row down with it. The secret row is **sealed**
(``minsheng.secrecy``): the transaction that names the person writes nothing readable about the
choice; the close opens the sealed rows and writes the plain contents apart.

Both tables must be ``WITHOUT ROWID`` on SQLite (``{"sqlite_with_rowid": False}``): an implicit
rowid would number them in writing order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Insert, inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from minsheng.db.driver import DriverStatement
from minsheng.errors import Conflict


async def record_secret_choice(session: AsyncSession, participation: Any, secret: Any, *, repeated: Conflict) -> None:
    """Write ``participation`` and ``secret`` together; ``repeated`` (409) when the person already chose.

    Call it inside the request's transaction; the caller has already checked everything else.
    """
    try:
        session.add(participation)
        session.add(secret)
        await session.flush()
    except IntegrityError as exc:
        raise repeated from exc


class SecretInsert:
    """A participation insert and a secret-row insert sharing their bound parameters, built once.

    On PostgreSQL both rows go in one statement (the participation as a data-modifying CTE named
    ``participation``): a repeat fails the whole statement on the participation's key. SQLite has no
    data-modifying CTE: two statements, the participation first, so a repeat fails before its secret
    row is written; the transaction's rollback takes both either way.
    """

    def __init__(self, participation: Insert, secret: Insert) -> None:
        self.participation = participation
        self.secret = secret
        self.both = secret.add_cte(participation.cte("participation"))
        # A ballot's insert is the hot path's write: sent by the driver itself (``minsheng.db.driver``).
        self._both = DriverStatement(self.both)

    async def write(self, connection: AsyncConnection, params: Mapping[str, Any], *, repeated: Conflict) -> None:
        """Execute the inserts with ``params``; ``repeated`` (409) when the person already chose."""
        try:
            if connection.dialect.name == "postgresql":
                await self._both.execute(connection, params)
                return
            await connection.execute(self.participation, params)
            await connection.execute(self.secret, params)
        except IntegrityError as exc:
            raise repeated from exc


def every_column(model: Any) -> list[Any]:
    """The model's column attributes, for a select that reads whole rows without loading ORM objects."""
    return [getattr(model, attribute.key) for attribute in inspect(model).column_attrs]
