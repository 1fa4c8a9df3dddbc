"""One page of a list and the list's total: every list answers ``{items, total}`` (platform/docs/api.md)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession


async def page_of(
    session: AsyncSession,
    query: Select[Any],
    *order_by: ColumnElement[Any] | Any,
    page: int,
    per_page: int | None,
) -> tuple[list[Any], int]:
    """The ``page``-th (from 1) ``per_page`` rows of ``query`` sorted by ``order_by``, and how many
    rows the whole query has. ``per_page=None``: every row (an export)."""
    total = int((await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one())
    query = query.order_by(*order_by)
    if per_page is not None:
        query = query.offset((page - 1) * per_page).limit(per_page)
    return list((await session.execute(query)).scalars()), total
