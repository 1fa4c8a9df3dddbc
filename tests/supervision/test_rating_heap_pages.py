"""The data files hold no rating readable beside the deputy who gave it (platform/docs/threat-model.md).

After a satisfaction evaluation of 10 deputies rating one by one and its close, every tuple of every
table (and of their TOAST tables) is read from the raw heap pages with ``pageinspect``, live and dead
row versions alike. No transaction that wrote a deputy's identity (deputy id, user id, user name)
wrote a readable rating: the ratings were sealed on arrival and written in the clear only by the close.
"""

from __future__ import annotations

from typing import Any

import pytest

from minsheng.supervision.rules import RATINGS
from minsheng.testing import (
    Api,
    deputy_identity_marks,
    heap_tuples,
    identity_marks,
    transactions_holding,
    without_dead_rows,
)


@pytest.fixture(params=[pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """Heap pages are PostgreSQL's: this module runs on it alone."""
    return str(request.param)


async def test_no_transaction_on_disk_wrote_a_deputy_beside_a_readable_rating(api: Api, make_office: Any) -> None:
    await without_dead_rows(api.services.settings.migration_database_url)
    office = await make_office(deputies=10)
    (project,) = await office.add_projects(1)
    evaluation = await office.open_evaluation(project)
    for deputy in range(10):
        response = await office.rate(evaluation, deputy, RATINGS[deputy % len(RATINGS)])
        assert response.status_code == 201, response.text
    closed = await office.close(evaluation)
    assert closed.status_code == 200, closed.text

    url = api.services.settings.migration_database_url
    who = await deputy_identity_marks(url, office.deputies)
    what = identity_marks(*RATINGS)

    tuples = await heap_tuples(url)
    wrote_a_deputy = transactions_holding(tuples, who)
    wrote_ratings = transactions_holding(tuples, what)
    participations = {item.xmin for item in tuples if item.relation == "evaluation_participations"}
    assert len(participations) == 10 and participations <= wrote_a_deputy
    ratings = {item.xmin for item in tuples if item.relation == "evaluation_ratings"}
    assert len(ratings) == 1 and ratings <= wrote_ratings
    sealed = [item for item in tuples if item.relation == "sealed_ratings"]
    assert len(sealed) == 10 and {item.xmin for item in sealed} == participations
    assert not wrote_a_deputy & wrote_ratings, "a transaction wrote a deputy beside a readable rating"
