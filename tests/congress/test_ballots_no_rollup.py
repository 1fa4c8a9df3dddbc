"""Ballots cost no oversight roll-up: a round's figures change only when it opens and closes.

A burst of ballots must not become a burst of roll-up jobs (oversight/tracking.py): the ballot path
writes participations and ballots only, neither of which the figures count.
"""

from __future__ import annotations

from sqlalchemy import func, select

from minsheng.jobs.models import Job
from minsheng.oversight.tracking import ROLLUP_JOB
from minsheng.testing import Api


async def rollup_jobs(api: Api) -> int:
    # Running roll-ups take over (delete) waiting ones: count once none is left waiting.
    await api.services.dispatcher.drain()
    async with api.services.database.session() as session:
        query = select(func.count()).select_from(Job).where(Job.name == ROLLUP_JOB)
        return int((await session.execute(query)).scalar_one())


async def test_ballots_enqueue_no_rollup_and_the_close_does(api: Api, hall) -> None:
    await hall.add_deputies(5)
    a, b = await hall.add_projects(2)
    round_id = await hall.open_round([a, b], 1)
    before = await rollup_jobs(api)
    for deputy in range(5):
        response = await hall.vote(round_id, deputy, {"selected": [str(a)]})
        assert response.status_code == 201, response.text
    assert await rollup_jobs(api) == before, "no roll-up per ballot"
    closed = await hall.close(round_id)
    assert closed.status_code == 200, closed.text
    assert await rollup_jobs(api) == before + 1, "the close changes the figures: one roll-up"
