"""One page of the project pool in one Core statement: the rows, the total and each row's supporters.

The staff list is the pool's hottest read. Through the ORM it took three statements (the count, the
page of ``Project`` objects, the supporters' counts) and built an ORM object per row only to copy its
columns into the answer. Here the page comes as plain rows with ``count(*) OVER ()`` for the total and
a correlated count of the suggestions behind each project. Core bypasses the ORM's tenant filter, so
the statement names the tenant itself (row-level security still applies on PostgreSQL).
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.collection.models import Suggestion
from minsheng.db.driver import DriverStatement
from minsheng.projects.models import Project
from minsheng.projects.services import PoolFilter, pool_conditions_named, pool_filter_values
from minsheng.tenancy.context import current_tenant

_projects = Project.__table__
_suggestions = Suggestion.__table__


@functools.cache
def _page_statement(filters: frozenset[str]) -> tuple[DriverStatement, Select[Any]]:
    """The page's statement and the count's for one set of filters, built once, every value bound by
    name: building them took longer than running them. The page goes by asyncpg itself inside the
    request's transaction (``minsheng.db.driver``)."""
    # The tenant by value, not by correlation: Citus routes a statement to one shard only when every
    # distributed table in it is filtered on the same tenant.
    tenant_id = bindparam("tenant_id", type_=_projects.c.tenant_id.type)
    supporters = (
        select(func.count())
        .where(_suggestions.c.tenant_id == tenant_id, _suggestions.c.project_id == _projects.c.id)
        .scalar_subquery()
    )
    conditions = [_projects.c.tenant_id == tenant_id, *pool_conditions_named(filters)]
    page = (
        select(_projects, supporters.label("supporters"), func.count().over().label("total"))
        .where(*conditions)
        .order_by(_projects.c.created_at.desc(), _projects.c.id)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )
    return DriverStatement(page), select(func.count()).select_from(_projects).where(*conditions)


async def pool_page(session: AsyncSession, where: PoolFilter, *, page: int, per_page: int) -> tuple[list[Any], int]:
    """The ``page``-th ``per_page`` projects matching ``where``, newest first, each with ``supporters``;
    and how many match in all."""
    tenant = current_tenant()
    assert tenant is not None, "the pool is read inside a tenant"
    values = pool_filter_values(where)
    query, count = _page_statement(frozenset(values))
    params = {**values, "tenant_id": tenant.id, "offset": (page - 1) * per_page, "limit": per_page}
    connection = await session.connection()
    rows = await query.all(connection, params)
    if rows:
        return rows, int(rows[0].total)
    if page == 1:
        return [], 0
    # Past the last page: the window has no row to carry the total.
    total = (await connection.execute(count, params)).scalar_one()
    return [], int(total)
