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
from minsheng.documents.kinds import get_kind
from minsheng.documents.models import GeneratedDocument
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
    history: list[EvaluationStep]


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


async def public_project(session: AsyncSession, project_id: uuid.UUID, tz: ZoneInfo) -> PublicProject:
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
        history=await evaluation_history(session, project_id, tz),
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
    return dict(rows.all())


@dataclass(frozen=True)
class PublicResult:
    round_id: uuid.UUID
    title: str
    voted_on: date
    status: str
    figures: dict[str, int]
    candidates: list[dict[str, Any]]


FIGURES = ("entitled", "present", "ballots_issued", "ballots_returned", "valid", "invalid")


async def _choosing_rounds(session: AsyncSession, tz: ZoneInfo) -> list[tuple[VotingRound, date]]:
    """The closed rounds that chose projects, with the day each closed in the tenant's zone, oldest first."""
    query = (
        select(VotingRound)
        .where(VotingRound.status == RoundStatus.CLOSED.value, VotingRound.outcome.in_(CHOOSING_OUTCOMES))
        .order_by(VotingRound.closed_at)
    )
    rounds = (await session.execute(query)).scalars()
    return [(r, clock.local_day(r.closed_at, tz)) for r in rounds if r.closed_at is not None]


async def vote_results(session: AsyncSession, year: int, tz: ZoneInfo) -> list[PublicResult]:
    """The announced results of the year's rounds that chose projects (the 主席团公告 figures), dated
    in the tenant's zone ``tz``."""
    rounds = [(r, day) for r, day in await _choosing_rounds(session, tz) if day.year == year]
    ids = {uuid.UUID(str(c["project_id"])) for r, _day in rounds for c in (r.result or {}).get("candidates", [])}
    names = await titles(session, list(ids))
    results = []
    for voting_round, voted_on in rounds:
        result = voting_round.result or {}
        results.append(
            PublicResult(
                round_id=voting_round.id,
                title=voting_round.title,
                voted_on=voted_on,
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


# --- the year's public documents ---------------------------------------------------------------------

#: What the portal publishes of the documents the office made: the presidium's announcement and the
#: resolution of each vote, and the government's completion report.
PUBLIC_DOCUMENT_KINDS = ("result_announcement", "resolution", "completion_report")
_ABOUT_A_ROUND = ("result_announcement", "resolution")


@dataclass(frozen=True)
class PublicDocument:
    id: uuid.UUID
    kind: str
    label: str
    format: str
    made_on: date


def _vote_year_of(day: date, vote_days: list[date]) -> int | None:
    """The year of the latest vote on or before ``day``: the year a completion report made then reports on."""
    earlier = [vote.year for vote in vote_days if vote <= day]
    return max(earlier) if earlier else None


async def year_documents(session: AsyncSession, year: int, tz: ZoneInfo) -> list[PublicDocument]:
    """The year's public documents as stored files: the latest of each kind, subject and format.

    An announcement or resolution belongs to the year its round closed; a completion report to the
    year of the latest vote before it was made.
    """
    rounds = await _choosing_rounds(session, tz)
    round_years = {r.id: day.year for r, day in rounds}
    vote_days = [day for _r, day in rounds]
    query = select(GeneratedDocument).where(GeneratedDocument.kind.in_(PUBLIC_DOCUMENT_KINDS))
    rows = (await session.execute(query.order_by(GeneratedDocument.created_at.desc()))).scalars()
    latest: dict[tuple[str, uuid.UUID | None, str], PublicDocument] = {}
    for row in rows:
        made_on = clock.local_day(row.created_at, tz)
        if row.kind in _ABOUT_A_ROUND:
            belongs = round_years.get(row.subject_id) if row.subject_id else None
        else:
            belongs = _vote_year_of(made_on, vote_days)
        kind = get_kind(row.kind)
        key = (row.kind, row.subject_id, row.format)
        if belongs == year and key not in latest:
            latest[key] = PublicDocument(row.id, row.kind, kind.label if kind else row.kind, row.format, made_on)
    order = {kind: n for n, kind in enumerate(PUBLIC_DOCUMENT_KINDS)}
    return sorted(latest.values(), key=lambda d: (order[d.kind], d.made_on, d.format))


async def public_document_file(session: AsyncSession, document_id: uuid.UUID) -> uuid.UUID:
    """The stored file of a public document (404 for any other document)."""
    query = select(GeneratedDocument.file_id).where(
        GeneratedDocument.id == document_id, GeneratedDocument.kind.in_(PUBLIC_DOCUMENT_KINDS)
    )
    file_id = (await session.execute(query)).scalar_one_or_none()
    if file_id is None:
        raise NotFound("Not found")
    return file_id


# --- an evaluation's whole history ---------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationStep:
    """One closed evaluation of a project, with the rectification its outcome called for (if any)."""

    outcome: str
    closed_on: date | None
    counts: dict[str, int]
    reevaluation: bool
    rectification_deadline: date | None = None
    rectification_reported_on: date | None = None
    rectification_report: str | None = None


async def evaluation_history(session: AsyncSession, project_id: uuid.UUID, tz: ZoneInfo) -> list[EvaluationStep]:
    """Every closed evaluation of the project, oldest first, each with its rectification: an
    "unsatisfied", what was rectified and the re-evaluation stay on the record after a later outcome."""
    # Imported here: supervision reads implementation's services, which the portal reads too.
    from minsheng.supervision.evaluations import services as evaluations

    rows, _total = await evaluations.list_evaluations(
        session, page=1, per_page=1000, status="closed", project_id=project_id
    )
    steps = []
    for row in sorted(rows, key=lambda r: (r.closed_at or r.created_at, str(r.id))):
        result = row.result or {}
        rectification = await evaluations.rectification_of(session, row.id)
        reported = rectification.reported_at if rectification and rectification.status == "reported" else None
        steps.append(
            EvaluationStep(
                outcome=str(row.outcome),
                closed_on=clock.local_day(row.closed_at, tz) if row.closed_at else None,
                counts={k: int(v) for k, v in (result.get("counts") or {}).items()},
                reevaluation=row.reevaluation_of is not None,
                rectification_deadline=rectification.deadline if rectification else None,
                rectification_reported_on=clock.local_day(reported, tz) if reported else None,
                rectification_report=rectification.report if reported and rectification else None,
            )
        )
    return steps
