"""What the public portal shows, assembled from the contexts' services: nothing internal or personal.

No contact names or phones, no deputy names, no user names of officers, no internal (non-public)
progress reports, no proposals still waiting for a decision. Photos only of public progress reports.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng import clock
from minsheng.congress.models import RoundStatus, VotingRound
from minsheng.errors import Conflict, NotFound
from minsheng.implementation import adjustments, chosen, overview, progress
from minsheng.implementation.chosen import CHOOSING_OUTCOMES
from minsheng.implementation.evaluation_outcomes import EvaluationOutcome, latest_outcome
from minsheng.implementation.models import Adjustment, ProgressReport
from minsheng.projects.models import Project


@dataclass(frozen=True)
class PublicProject:
    state: overview.ProjectState
    reports: list[ProgressReport]
    photos: dict[uuid.UUID, list[uuid.UUID]]
    decisions: list[Adjustment]
    evaluation: EvaluationOutcome | None


async def vote_years(session: AsyncSession) -> list[int]:
    """The years in which the congress chose projects, latest first."""
    return sorted({c.vote_day.year for c in await chosen.chosen_projects(session)}, reverse=True)


async def default_year(session: AsyncSession, tz: ZoneInfo) -> int:
    """The latest year with a vote, else this year in the tenant's zone ``tz``."""
    years = await vote_years(session)
    return years[0] if years else clock.current_year(tz)


async def year_projects(session: AsyncSession, year: int) -> list[overview.ProjectState]:
    """The year's chosen projects with their implementation state."""
    return await overview.states(session, await chosen.chosen_projects(session, year))


async def public_project(session: AsyncSession, project_id: uuid.UUID) -> PublicProject:
    """One chosen project as citizens see it (404 for a project the congress did not choose)."""
    try:
        choice = await chosen.get_chosen(session, project_id)
    except Conflict as exc:
        raise NotFound("Not found") from exc
    (state,) = await overview.states(session, [choice])
    reports, _total = await progress.reports_of(session, project_id, public_only=True)
    decided, _ = await adjustments.list_adjustments(
        session, adjustments.AdjustmentFilter(project_id=project_id, decided_only=True), page=1, per_page=None
    )
    return PublicProject(
        state=state,
        reports=reports,
        photos=await progress.photos_of(session, [r.id for r in reports]),
        decisions=decided,
        evaluation=await latest_outcome(session, project_id),
    )


async def notices(session: AsyncSession, *, page: int, per_page: int) -> tuple[list[Adjustment], int]:
    """Published decisions on adjustments (approved or rejected), newest first."""
    return await adjustments.list_adjustments(
        session, adjustments.AdjustmentFilter(decided_only=True), page=page, per_page=per_page
    )


async def titles(session: AsyncSession, project_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not project_ids:
        return {}
    rows = await session.execute(select(Project.id, Project.title).where(Project.id.in_(project_ids)))
    return dict(rows.tuples().all())


@dataclass(frozen=True)
class PublicResult:
    round_id: uuid.UUID
    title: str
    voted_on: date
    status: str
    figures: dict[str, int]
    candidates: list[dict[str, Any]]


FIGURES = ("entitled", "present", "ballots_issued", "ballots_returned", "valid", "invalid")


async def vote_results(session: AsyncSession, year: int, tz: ZoneInfo) -> list[PublicResult]:
    """The announced results of the year's rounds that chose projects (the 主席团公告 figures), dated
    in the tenant's zone ``tz``."""
    query = (
        select(VotingRound)
        .where(VotingRound.status == RoundStatus.CLOSED.value, VotingRound.outcome.in_(CHOOSING_OUTCOMES))
        .order_by(VotingRound.closed_at)
    )
    rounds = [
        r
        for r in (await session.execute(query)).scalars()
        if r.closed_at and clock.local_day(r.closed_at, tz).year == year
    ]
    ids = {uuid.UUID(str(c["project_id"])) for r in rounds for c in (r.result or {}).get("candidates", [])}
    names = await titles(session, list(ids))
    results = []
    for voting_round in rounds:
        result = voting_round.result or {}
        results.append(
            PublicResult(
                round_id=voting_round.id,
                title=voting_round.title,
                voted_on=clock.local_day(voting_round.closed_at, tz) if voting_round.closed_at else date.min,
                status=str(result.get("status", voting_round.outcome)),
                figures={name: int(result.get(name) or 0) for name in FIGURES},
                candidates=[
                    {
                        "project_id": str(c["project_id"]),
                        "title": names.get(uuid.UUID(str(c["project_id"])), ""),
                        "yes": int(c.get("yes", 0)),
                        "no": int(c.get("no", 0)),
                        "abstain": int(c.get("abstain", 0)),
                        "chosen": bool(c.get("chosen")),
                        "rank": c.get("rank"),
                    }
                    for c in result.get("candidates", [])
                ],
            )
        )
    return results
