"""Reading the one row a use case names: found in the tenant in context, or a 404 the caller words.

A query, not ``session.get``: the tenant filter applies to queries, and a key alone names no tenant.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.errors import NotFound

T = TypeVar("T")


def locked(query: Select[Any], *, exclusive: bool = False, shared: bool = False) -> Select[Any]:
    """``query`` taking a row lock until the transaction ends, re-reading the row past the session's copy.

    ``exclusive``: nobody else may change or lock the row (open, close). ``shared``: the weak lock of a
    secret choice (``FOR KEY SHARE``): a close waits for the choices already past the "open" check, and
    a choice arriving during the close sees the closed state. Neither: ``query`` unchanged.
    """
    if exclusive:
        return query.with_for_update().execution_options(populate_existing=True)
    if shared:
        return query.with_for_update(read=True, key_share=True).execution_options(populate_existing=True)
    return query


async def one_or_not_found(session: AsyncSession, query: Select[T], not_found: NotFound) -> T:
    """The one row ``query`` finds, or ``not_found`` (404) raised when there is none."""
    found = (await session.execute(query)).scalar_one_or_none()
    if found is None:
        raise not_found
    return found
