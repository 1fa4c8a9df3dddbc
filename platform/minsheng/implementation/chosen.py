"""Which projects the congress chose, and when: read from the closed voting rounds (platform/docs/domain.md, stage 3).

A project is chosen when a closed round lists it as chosen: a decided round, or a round that needed a
runoff for its last seats (those above the tie are chosen by it; the runoff chooses the rest). The
vote day is the day in China the round closed: the work plan is due a month after it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.collection.rules import china_day
from minsheng.congress.models import RoundStatus, VotingRound
from minsheng.errors import Conflict
from minsheng.projects import services as projects
from minsheng.projects.models import Project

CHOOSING_OUTCOMES = ("decided", "runoff_required")


@dataclass(frozen=True)
class ChosenProject:
    project: Project
    round_id: uuid.UUID
    vote_day: date
    rank: int | None


async def _choices(session: AsyncSession) -> dict[uuid.UUID, tuple[uuid.UUID, date, int | None]]:
    query = (
        select(VotingRound)
        .where(VotingRound.status == RoundStatus.CLOSED.value, VotingRound.outcome.in_(CHOOSING_OUTCOMES))
        .order_by(VotingRound.closed_at)
    )
    chosen: dict[uuid.UUID, tuple[uuid.UUID, date, int | None]] = {}
    for voting_round in (await session.execute(query)).scalars():
        if voting_round.closed_at is None:
            continue
        for candidate in (voting_round.result or {}).get("candidates", []):
            if candidate.get("chosen"):
                project_id = uuid.UUID(str(candidate["project_id"]))
                # The first round that chose it counts (a later round cannot choose it again).
                chosen.setdefault(
                    project_id, (voting_round.id, china_day(voting_round.closed_at), candidate.get("rank"))
                )
    return chosen


async def chosen_projects(session: AsyncSession, year: int | None = None) -> list[ChosenProject]:
    """The tenant's chosen projects (of the vote ``year`` when given), by vote day then rank."""
    choices = await _choices(session)
    if year is not None:
        choices = {k: v for k, v in choices.items() if v[1].year == year}
    if not choices:
        return []
    rows = (await session.execute(select(Project).where(Project.id.in_(list(choices))))).scalars()
    found = [ChosenProject(p, *choices[p.id]) for p in rows]
    return sorted(found, key=lambda c: (c.vote_day, c.rank or 10**6, c.project.title))


async def get_chosen(session: AsyncSession, project_id: uuid.UUID) -> ChosenProject:
    """A chosen project of the tenant; 404 for no project, 409 for a project the congress did not choose."""
    project = await projects.get(session, project_id)
    choice = (await _choices(session)).get(project.id)
    if choice is None:
        raise Conflict("Project «{title}» was not chosen by a vote of the congress", title=project.title)
    return ChosenProject(project, *choice)
