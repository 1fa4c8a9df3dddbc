"""Tenant isolation on a Citus cluster, both layers:

* a member of county A gets 404 for every member-only URL of county B, API and pages, with B's real
  ids in them, and for A's URLs carrying B's ids;
* raw SQL as the app's role, with tenant A set, reads no row of tenant B through the coordinator nor
  directly on any worker's shards; with no tenant set it reads nothing;
* every statement a tenant's request sends to a tenant table is routed to one shard.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from congress.conftest import Hall, open_hall
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import create_async_engine

from minsheng.db.citus import placements
from minsheng.testing import Api

pytestmark = pytest.mark.citus

DISTRIBUTED = [name for name, (kind, _) in placements().items() if kind == "distributed"]


async def voted_hall(api: Api, deputies: int = 3, votes: int = 3) -> tuple[Hall, str, list[uuid.UUID]]:
    """A county with a session, ``deputies`` deputies, an open round with ``votes`` ballots, a suggestion."""
    hall = await open_hall(api, deputies)
    projects = await hall.add_projects(2)
    round_id = await hall.open_round(projects, 1)
    for deputy in range(votes):
        assert (await hall.vote(round_id, deputy, {"selected": [str(projects[0])]})).status_code == 201
    suggestion = await api.client.post(
        f"{hall.base}/suggestions",
        json={"content": "村口的路灯坏了，希望尽快修好", "village": "东村"},
        headers=await hall.clerk(),
    )
    assert suggestion.status_code == 201, suggestion.text
    return hall, round_id, projects


def _fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+):\w+\}", lambda m: values.get(m.group(1), str(uuid.uuid4())), path)


async def test_a_stranger_gets_404_for_every_member_only_url_of_another_county(api: Api) -> None:
    a, _a_round, _ = await voted_hall(api)
    b, b_round, b_projects = await voted_hall(api)
    # A member of A with every staff role (and a password, for the pages).
    await api.add_member(a.slug, "stranger", ["tenant_admin", "presidium", "deputy", "teller", "government"])
    stranger = await api.headers("stranger")
    b_session = (await api.client.get(f"{b.base}/sessions", headers=await b.clerk())).json()["items"][0]["id"]
    b_suggestion = (await api.client.get(f"{b.base}/suggestions", headers=await b.clerk())).json()["items"][0]
    ids = {
        "round_id": b_round,
        "session_id": b_session,
        "project_id": str(b_projects[0]),
        "suggestion_id": b_suggestion["id"],
        "code": b_suggestion["code"],
        "deputy_id": str(b.deputies[0]),
        "year": "2026",
        "action": "result",
    }
    routes = sorted(
        (method, route.path)
        for route in api.app.routes
        for method in getattr(route, "methods", ())
        if method not in ("HEAD", "OPTIONS") and route.path.startswith(("/api/v1/t/{slug", "/t/{slug"))
    )
    anonymous = api.browser()
    browser = api.browser()
    assert (await api.page_login(browser, "stranger")).status_code in (302, 303)
    tested = detailed = 0
    for method, path in routes:
        page = not path.startswith("/api/")
        if page and method != "GET":
            continue  # page forms carry a CSRF token of their own page; their GETs are checked
        b_url, a_url = _fill(path, {**ids, "slug": b.slug}), _fill(path, {**ids, "slug": a.slug})
        body = {} if method in ("POST", "PUT", "PATCH") else None
        # Public URLs (portal, suggestion box, check-in page) answer anyone alike: not member-only.
        anon = await anonymous.request(method, b_url, json=body)
        if anon.status_code not in (302, 303, 401):
            continue
        if page:
            found = await browser.get(b_url)
        else:
            found = await api.client.request(method, b_url, json=body, headers=stranger)
        assert found.status_code == 404, (method, b_url, found.status_code, found.text[:200])
        if not page and method == "GET" and re.search(r"\{(round|project|session)_id:uuid\}$", path):
            # A's own URL for one of B's rows: A is a member there, B's row is still not found.
            through_a = await api.client.get(a_url, headers=stranger)
            assert through_a.status_code == 404, (a_url, through_a.status_code)
            detailed += 1
        tested += 1
    await anonymous.aclose()
    await browser.aclose()
    assert tested >= 60 and detailed >= 3, (tested, detailed)


async def _counts(url: str, tenant: str | None, where_tenant: str | None = None) -> dict[str, int]:
    """Rows of each distributed table visible at ``url`` with ``tenant`` set (optionally filtered)."""
    engine = create_async_engine(url)
    counts = {}
    try:
        async with engine.connect() as conn:
            for table in DISTRIBUTED:
                async with conn.begin():
                    await conn.execute(text(f"SET LOCAL app.tenant_id = '{tenant or ''}'"))
                    where = f" WHERE tenant_id = '{where_tenant}'" if where_tenant else ""
                    counts[table] = int((await conn.execute(text(f"SELECT count(*) FROM {table}{where}"))).scalar())
    finally:
        await engine.dispose()
    return counts


async def test_raw_sql_as_the_app_role_never_reads_another_tenant_on_any_node(api: Api, cluster) -> None:
    a, _, _ = await voted_hall(api)
    b, _, _ = await voted_hall(api)
    owner, app = cluster.database.owner_url, cluster.database.app_url
    a_rows = await _counts(owner, None, str(a.tenant_id))
    b_rows = await _counts(owner, None, str(b.tenant_id))
    populated = {t for t, n in b_rows.items() if n}
    # An open round's ballots are sealed: the plain ballots table is written only at the close.
    assert {"sealed_ballots", "participations", "deputies", "projects", "suggestions", "audit_events"} <= populated

    # Through the coordinator, as the app's role.
    assert await _counts(app, str(a.tenant_id), str(b.tenant_id)) == dict.fromkeys(DISTRIBUTED, 0)
    assert await _counts(app, str(a.tenant_id)) == a_rows, "tenant A sees exactly its own rows"
    assert await _counts(app, None) == dict.fromkeys(DISTRIBUTED, 0), "no tenant set: nothing"

    # On each worker, straight at the shards, as the app's role.
    b_on_workers = 0
    for worker in cluster.workers:
        engine = create_async_engine(cluster.worker_url(worker, as_app=True))
        owner_engine = create_async_engine(cluster.worker_url(worker))
        try:
            async with engine.connect() as conn, owner_engine.connect() as owner_conn:
                for table in sorted(populated):
                    for shard, _host, port in await cluster.shards(table):
                        if port != worker.port:
                            continue
                        relation = f"{table}_{shard}"
                        b_here = (
                            await owner_conn.execute(
                                text(f"SELECT count(*) FROM {relation} WHERE tenant_id = :b"), {"b": b.tenant_id}
                            )
                        ).scalar()
                        b_on_workers += int(b_here or 0)
                        async with conn.begin():
                            await conn.execute(text(f"SET LOCAL app.tenant_id = '{a.tenant_id}'"))
                            seen = await conn.execute(text(f"SELECT DISTINCT tenant_id FROM {relation}"))
                            assert set(seen.scalars()) <= {a.tenant_id}, relation
                        async with conn.begin():
                            seen = await conn.execute(text(f"SELECT count(*) FROM {relation}"))
                            assert seen.scalar() == 0, f"{relation}: no tenant set, no rows"
        finally:
            await engine.dispose()
            await owner_engine.dispose()
    assert b_on_workers == sum(b_rows[t] for t in populated), "B's rows are all on the workers, and were checked"


@contextmanager
def recorded(api: Api) -> Iterator[list[tuple[str, Any]]]:
    """The statements the requests of this task send (jobs the requests start run in tasks of their own)."""
    statements: list[tuple[str, Any]] = []
    engine = api.services.database.engine.sync_engine
    request_task = asyncio.current_task()

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool) -> None:
        if asyncio.current_task() is request_task and not many:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_every_statement_of_a_tenants_request_goes_to_one_shard(api: Api) -> None:
    hall, round_id, projects = await voted_hall(api, deputies=4, votes=3)
    requests = [
        ("GET", f"{hall.base}/rounds/{round_id}", await hall.clerk()),
        ("GET", f"{hall.base}/suggestions", await hall.clerk()),
        ("GET", f"{hall.base}/projects", await hall.clerk()),
        ("GET", f"{hall.base}/audit/verify", await hall.clerk()),
    ]
    with recorded(api) as statements:
        for method, url, headers in requests:
            response = await api.client.request(method, url, headers=headers)
            assert response.status_code == 200, (url, response.text)
        ballot = await hall.vote(round_id, 3, {"selected": [str(projects[1])]})
        assert ballot.status_code == 201, ballot.text
    pattern = re.compile(r"\b(" + "|".join(DISTRIBUTED) + r")\b")
    planned = 0
    async with api.services.database.engine.connect() as conn:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith(("SELECT", "WITH", "INSERT", "UPDATE", "DELETE")):
                continue
            if not pattern.search(statement) or "set_config" in statement:
                continue
            plan = "\n".join(
                str(row[0]) for row in await conn.exec_driver_sql(f"EXPLAIN {statement}", parameters or ())
            )
            assert "Task Count: 1\n" in plan + "\n", (statement, plan)
            planned += 1
    assert planned >= 10, planned
