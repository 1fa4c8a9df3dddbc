"""A warm ballot and a warm suggestion load no ORM object for their caller or tenant, and read no
accounts or tenant table: one statement reads the cache epochs (binding the tenant on PostgreSQL).

"Warm": the caller's token and the tenant were used once before in this process
(``minsheng.http.context``). A change that brings back an ORM lookup of the token, the user, a
membership or the tenant on these paths fails here, before it shows up in ``tests/bench/wrk_bench.py``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from minsheng.accounts.models import AuthSession, Membership, User
from minsheng.tenancy.models import Tenant
from minsheng.testing import Api

#: The context's classes: none of them may be loaded, or queried through the ORM, on a warm request.
CONTEXT_MODELS = (AuthSession, Membership, Tenant, User)
#: Tables whose names in a statement mean a context lookup (``tenant_id`` columns do not match).
CONTEXT_TABLES = re.compile(r"\b(auth_sessions|memberships|tenants|users)\b")


@dataclass
class Cost:
    statements: list[str] = field(default_factory=list)
    orm_loads: list[str] = field(default_factory=list)
    orm_queries: list[str] = field(default_factory=list)

    def context_statements(self) -> list[str]:
        return [s for s in self.statements if CONTEXT_TABLES.search(s) and "cache_epochs" not in s]


@contextmanager
def measured(api: Api) -> Iterator[Cost]:
    cost = Cost()
    engine = api.services.database.engine.sync_engine
    # The test client runs the app in this task; a job the dispatcher starts runs in a task of its own.
    request_task = asyncio.current_task()

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        if asyncio.current_task() is request_task:
            cost.statements.append(sql)

    def loaded(target: Any, _context: Any) -> None:
        if asyncio.current_task() is request_task:
            cost.orm_loads.append(type(target).__name__)

    def orm_query(state: ORMExecuteState) -> None:
        if asyncio.current_task() is not request_task:
            return  # e.g. the roll-up job a suggestion queues, run by the dispatcher beside
        names = {mapper.class_.__name__ for mapper in state.all_mappers}
        cost.orm_queries.extend(sorted(names & {model.__name__ for model in CONTEXT_MODELS}))

    listeners: list[tuple[Any, str, Any]] = [(engine, "before_cursor_execute", statement)]
    listeners += [(model, "load", loaded) for model in CONTEXT_MODELS]
    listeners.append((Session, "do_orm_execute", orm_query))
    for target, name, fn in listeners:
        event.listen(target, name, fn)
    try:
        yield cost
    finally:
        for target, name, fn in listeners:
            event.remove(target, name, fn)


def assert_warm(cost: Cost, dialect: str) -> None:
    assert cost.orm_loads == [], cost.orm_loads
    assert cost.orm_queries == [], cost.orm_queries
    assert cost.context_statements() == [], cost.context_statements()
    epochs = [s for s in cost.statements if "cache_epochs" in s]
    assert len(epochs) == 1, cost.statements
    bindings = [s for s in cost.statements if "set_config" in s]
    # PostgreSQL binds the tenant for row-level security in that same first statement; SQLite has none.
    assert bindings == (epochs if dialect == "postgresql" else []), cost.statements
    assert cost.statements.index(epochs[0]) == (1 if dialect == "sqlite" else 0), cost.statements  # after BEGIN


async def test_a_warm_ballot_looks_up_no_caller_or_tenant(api: Api, hall) -> None:
    await hall.add_deputies(2)
    a, b = await hall.add_projects(2)
    round_id = await hall.open_round([a, b], 1)
    dialect = api.services.database.engine.dialect.name
    # Each deputy's first request (here: the tenant's profile) reads the token, user and memberships.
    for deputy in range(2):
        with measured(api) as cold:
            profile = await api.client.get(f"{hall.base}/", headers=hall.deputy_headers[deputy])
        assert profile.status_code == 200, profile.text
        assert len(cold.context_statements()) == 2, cold.statements  # the login, the memberships
    for deputy in range(2):
        with measured(api) as warm:
            response = await hall.vote(round_id, deputy, {"selected": [str(a)]})
        assert response.status_code == 201, response.text
        assert_warm(warm, dialect)


async def test_a_warm_suggestion_looks_up_no_tenant(api: Api, hall) -> None:
    dialect = api.services.database.engine.dialect.name
    url = f"{hall.base}/suggestions"
    body = {"content": "建议在村口修建一座便民桥，方便群众出行。", "channel": "online", "category": "roads_transport"}
    first = await api.client.post(url, json=body)
    assert first.status_code == 201, first.text
    with measured(api) as warm:
        response = await api.client.post(url, json=body)
    assert response.status_code == 201, response.text
    assert_warm(warm, dialect)
