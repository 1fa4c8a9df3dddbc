"""Storing a secret choice (a ballot, a satisfaction rating) apart from who made it.

ARCHITECTURE.md, "Secret and verifiable ballots", as the congress vote does it (``congress/ballots.py``
and ``congress/tally.py``), for any context that needs the same guarantee:

- :func:`record_secret_choice` writes the participation (who; its key refuses a second choice even
  under concurrent requests) and the secret row (what; random id, no person, no time) in ONE flush,
  so a refused participation takes its secret row down with it;
- :func:`rewrite_in_key_order` rewrites both tables' rows at close, in the closing transaction and
  in key order, so PostgreSQL's system columns (``xmin``, ``ctid``) stop pairing a secret row with
  the participation written beside it.

Both tables must be ``WITHOUT ROWID`` on SQLite (``{"sqlite_with_rowid": False}``): an implicit
rowid would number them in writing order.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

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


async def rewrite_in_key_order(session: AsyncSession, model: Any, *criteria: ColumnElement[bool]) -> int:
    """Delete the rows of ``model`` matching ``criteria`` and insert them again sorted by primary key.

    Returns how many rows were rewritten. Rows keep every column's value; only their physical place
    and writing transaction change (see the module docstring).
    """
    table = model.__table__
    rows = [dict(row._mapping) for row in (await session.execute(select(table).where(*criteria))).all()]
    await session.execute(delete(model).where(*criteria))
    if rows:
        key = [column.name for column in table.primary_key.columns]
        rows.sort(key=lambda row: tuple(str(row[name]) for name in key))
        await session.execute(insert(table), rows)
    return len(rows)
