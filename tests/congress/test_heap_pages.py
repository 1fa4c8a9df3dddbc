"""The data files hold no ballot readable beside the deputy who cast it (platform/docs/threat-model.md).

After a round of 10 deputies voting one by one and its close, every tuple of every table (and of their
TOAST tables) is read from the raw heap pages with ``pageinspect``, live and dead row versions alike,
as a reader of the data files or of a backup finds them. No transaction that wrote a deputy's
identity (deputy id, user id, user name) wrote readable ballot marks (candidate ids): the ballots
were sealed on arrival and written as plain contents only by the close, which wrote no deputy.
"""

from __future__ import annotations

import pytest

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


async def test_no_transaction_on_disk_wrote_a_deputy_beside_readable_marks(api: Api, hall) -> None:
    await without_dead_rows(api.services.settings.migration_database_url)
    await hall.add_deputies(10)
    projects = await hall.add_projects(3)
    round_id = await hall.open_round(projects, 2)
    for deputy in range(10):
        ballot = {"selected": [str(projects[deputy % 3]), str(projects[(deputy + 1) % 3])]}
        assert (await hall.vote(round_id, deputy, ballot)).status_code == 201
    closed = await hall.close(round_id)
    assert closed.status_code == 200 and closed.json()["valid"] == 10

    url = api.services.settings.migration_database_url
    who = await deputy_identity_marks(url, hall.deputies)
    what = identity_marks(*projects)

    tuples = await heap_tuples(url)
    wrote_a_deputy = transactions_holding(tuples, who)
    wrote_marks = transactions_holding(tuples, what)
    # The reader sees both: each ballot's transaction wrote its deputy's participation, and the
    # close (and the round's creation) wrote candidate ids.
    participations = {item.xmin for item in tuples if item.relation == "participations"}
    assert len(participations) == 10 and participations <= wrote_a_deputy
    ballots = {item.xmin for item in tuples if item.relation == "ballots"}
    assert len(ballots) == 1 and ballots <= wrote_marks
    # The sealed ballots are on disk still (dead, deleted by the close), written beside the deputies.
    sealed = [item for item in tuples if item.relation == "sealed_ballots"]
    assert len(sealed) == 10 and {item.xmin for item in sealed} == participations
    assert all(item.xmax in ballots for item in sealed)
    # And never together.
    assert not wrote_a_deputy & wrote_marks, "a transaction wrote a deputy beside readable ballot marks"
