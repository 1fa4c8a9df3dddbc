"""The ballot path's cost in SQL statements is pinned.

Every statement a ballot sends is a round trip while the round's share lock is held; a change that
adds one (a lazy load, a second tenant lookup) fails here instead of showing up only in the bench.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from minsheng.testing import Api

#: Statements per accepted ballot, from the request's first statement to the last insert: the cache
#: epochs (on PostgreSQL with the tenant's ``set_config`` folded in), the token with its user and the
#: user's memberships (each deputy's first request; later ones take them from the process's cache:
#: ``tests/congress/test_request_context_cost.py``), the round locked with the caller's deputy, check-in
#: and earlier vote in one query, and the inserts. PostgreSQL writes both rows in one statement;
#: SQLite sends ``BEGIN IMMEDIATE`` and two inserts. The first ballot of a round also reads the candidates.
BALLOT_STATEMENTS = {"postgresql": 5, "sqlite": 7}
INSERTS = {"postgresql": 1, "sqlite": 2}


@contextmanager
def counted(api: Api) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = api.services.database.engine.sync_engine
    # The test client runs the app in this task; a job the dispatcher starts runs in a task of its own.
    request_task = asyncio.current_task()

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if asyncio.current_task() is request_task:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_a_ballot_costs_a_fixed_number_of_statements(api: Api, hall) -> None:
    await hall.add_deputies(3)
    a, b = await hall.add_projects(2)
    round_id = await hall.open_round([a, b], 1)
    dialect = api.services.database.engine.dialect.name
    expected = BALLOT_STATEMENTS[dialect]
    sent = []
    for deputy in range(3):
        with counted(api) as statements:
            response = await hall.vote(round_id, deputy, {"selected": [str(a)]})
        assert response.status_code == 201, response.text
        sent.append(statements)
    assert [len(statements) for statements in sent] == [expected + 1, expected, expected], sent[1]
    for statements in sent:
        assert sum(s.lstrip().startswith(("INSERT", "WITH participation")) for s in statements) == INSERTS[dialect]
        assert sum("set_config" in s for s in statements) <= 1
        assert not any(s.startswith(("UPDATE", "DELETE")) for s in statements)
    # A repeat is refused by the same one query, before any insert.
    with counted(api) as statements:
        again = await hall.vote(round_id, 0, {"selected": [str(b)]})
    assert again.status_code == 409
    assert not any("INSERT" in s for s in statements)


async def test_the_one_lookup_keeps_each_refusal(api: Api, hall) -> None:
    await hall.add_deputies(3)
    await hall.add_member(f"member-{hall.slug}", ["deputy"])
    a, b = await hall.add_projects(2)
    session_id = await hall.new_session()
    await hall.check_in(session_id, hall.deputies[:2])
    created = await hall.new_round(session_id, [a, b], 1, "approve_up_to_seats")
    round_id = created.json()["id"]
    opened = await api.client.post(f"{hall.base}/rounds/{round_id}/open", headers=await hall.presidium())
    assert opened.status_code == 200, opened.text
    ballot = {"selected": [str(a)]}
    # A member with the deputy role but not on the roster: 403, for a real round and for none.
    outsider = await api.headers(f"member-{hall.slug}")
    for target in (round_id, str(uuid.uuid4())):
        refused = await api.client.post(f"{hall.base}/rounds/{target}/ballots", json=ballot, headers=outsider)
        assert refused.status_code == 403, refused.text
    missing = await hall.vote(str(uuid.uuid4()), 0, ballot)
    assert missing.status_code == 404
    absent = await hall.vote(round_id, 2, ballot)
    assert absent.status_code == 409 and "请先签到" in absent.text
    assert (await hall.vote(round_id, 0, ballot)).status_code == 201
    assert (await hall.vote(round_id, 0, ballot)).status_code == 409
