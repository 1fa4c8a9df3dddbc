"""The pool does not ping a connection at checkout: a pooled connection PostgreSQL dropped (a restart,
an idle timeout, a failover) is replaced by the request's first statement, and the request succeeds."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from minsheng.testing import Api, random_slug

pytestmark = pytest.mark.postgres


@pytest.fixture
def backend() -> str:
    return "postgres"


async def test_a_request_on_a_dropped_pooled_connection_succeeds(api: Api) -> None:
    slug = random_slug("drop")
    await api.create_tenant(f"{slug}-p", "province")
    headers = await api.operator()
    profile = f"/api/v1/t/{slug}-p/"
    assert (await api.client.get(profile, headers=headers)).status_code == 200
    pool = api.services.database.engine.pool
    assert pool.checkedin() >= 1, "the request's connection went back to the pool"

    # Every connection of the app's role is ended from outside, as a database restart would.
    owner = create_async_engine(api.services.settings.migration_database_url)
    try:
        async with owner.connect() as conn:
            ended = await conn.execute(
                text(
                    "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE usename = :role) AS t"
                ),
                {"role": api.services.database.engine.url.username},
            )
            assert ended.scalar_one() >= 1
    finally:
        await owner.dispose()

    for _ in range(2):
        response = await api.client.get(profile, headers=headers)
        assert response.status_code == 200, response.text
