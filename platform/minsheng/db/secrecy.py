"""Storing a secret choice (a ballot, a satisfaction rating) apart from who made it.

platform/docs/architecture.md, "Secret and verifiable ballots", for every context that needs the guarantee (the
congress vote in ``congress/casting.py`` and ``congress/tally.py``, satisfaction evaluations in
``supervision/evaluations.py``):

- :func:`record_secret_choice` (ORM objects) and :class:`SecretInsert` (Core statements built once,
  for a hot path such as a burst of ballots) write the participation (who; its key refuses a second
  choice even under concurrent requests) and the secret row (what; random id, no person, no time) in
  the same transaction, the participation first, so a refused participation takes its secret row
  down with it;
- :func:`rewrite_in_key_order` rewrites both tables' rows at close, in the closing transaction and
  in key order, so PostgreSQL's system columns (``xmin``, ``ctid``) stop pairing a secret row with
  the participation written beside it.

Both tables must be ``WITHOUT ROWID`` on SQLite (``{"sqlite_with_rowid": False}``): an implicit
rowid would number them in writing order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Insert, delete, insert, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

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

    async def write(self, connection: AsyncConnection, params: Mapping[str, Any], *, repeated: Conflict) -> None:
        """Execute the inserts with ``params``; ``repeated`` (409) when the person already chose."""
        try:
            if connection.dialect.name == "postgresql":
                await connection.execute(self.both, params)
                return
            await connection.execute(self.participation, params)
            await connection.execute(self.secret, params)
        except IntegrityError as exc:
            raise repeated from exc


def every_column(model: Any) -> list[Any]:
    """The model's column attributes: a select of them reads rows :func:`rewrite_in_key_order` can write back."""
    return [getattr(model, attribute.key) for attribute in inspect(model).column_attrs]


async def rewrite_in_key_order(
    session: AsyncSession,
    model: Any,
    *criteria: ColumnElement[bool],
    rows: Sequence[Mapping[str, Any]] | None = None,
) -> int:
    """Delete the rows of ``model`` matching ``criteria`` and insert them again sorted by primary key.

    ``rows``: the rows to write back when the caller has read them already (a select of
    :func:`every_column`), saving a read; otherwise the matching rows are read here. Returns how many
    rows were written. Rows keep every column's value; only their physical place and writing
    transaction change (see the module docstring).
    """
    mapper = inspect(model)
    if rows is None:
        found = await session.execute(select(*every_column(model)).where(*criteria))
        rows = [row._asdict() for row in found.all()]
    await session.execute(delete(model).where(*criteria))
    if rows:
        key = [mapper.get_property_by_column(column).key for column in mapper.primary_key]
        ordered = sorted(rows, key=lambda row: tuple(str(row[name]) for name in key))
        await session.execute(insert(model), [dict(row) for row in ordered])
    return len(rows)
