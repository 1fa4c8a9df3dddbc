"""What the session's pages read: its rounds, their candidates' titles, a deputy's own participation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.models import User
from minsheng.congress.models import CheckIn, Participation, RoundCandidate, RoundStatus, VotingRound
from minsheng.projects.models import Project


@dataclass(frozen=True)
class CandidateLine:
    project_id: uuid.UUID
    title: str


async def rounds_of_session(session: AsyncSession, session_id: uuid.UUID) -> list[VotingRound]:
    """The session's voting rounds in the order they were created."""
    query = select(VotingRound).where(VotingRound.session_id == session_id)
    return list((await session.execute(query.order_by(VotingRound.created_at, VotingRound.id))).scalars())


async def open_rounds(session: AsyncSession) -> list[VotingRound]:
    """The tenant's rounds open for ballots now, in the order they opened."""
    query = select(VotingRound).where(VotingRound.status == RoundStatus.OPEN.value)
    return list((await session.execute(query.order_by(VotingRound.opened_at, VotingRound.id))).scalars())


async def candidate_lines(session: AsyncSession, round_id: uuid.UUID) -> list[CandidateLine]:
    """The round's candidates with their titles, in ballot-paper order."""
    query = (
        select(RoundCandidate.project_id, Project.title)
        .join(Project, (Project.tenant_id == RoundCandidate.tenant_id) & (Project.id == RoundCandidate.project_id))
        .where(RoundCandidate.round_id == round_id)
        .order_by(RoundCandidate.position)
    )
    return [CandidateLine(pid, title) for pid, title in (await session.execute(query)).all()]


async def project_titles(session: AsyncSession, project_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Titles of the given projects of the tenant."""
    if not project_ids:
        return {}
    query = select(Project.id, Project.title).where(Project.id.in_(list(project_ids)))
    return {key: value for key, value in (await session.execute(query)).all()}


async def has_voted(session: AsyncSession, round_id: uuid.UUID, deputy_id: uuid.UUID) -> bool:
    """Whether this deputy has voted in the round (their own participation, never their ballot)."""
    query = (
        select(func.count())
        .select_from(Participation)
        .where(Participation.round_id == round_id, Participation.deputy_id == deputy_id)
    )
    return bool((await session.execute(query)).scalar_one())


async def participations_by_round(session: AsyncSession, round_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many deputies have voted in each round (one cheap grouped count, for the live screen)."""
    if not round_ids:
        return {}
    query = (
        select(Participation.round_id, func.count())
        .where(Participation.round_id.in_(list(round_ids)))
        .group_by(Participation.round_id)
    )
    return {key: value for key, value in (await session.execute(query)).all()}


async def checked_in(session: AsyncSession, session_id: uuid.UUID, deputy_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these deputies have checked in to the session."""
    if not deputy_ids:
        return set()
    query = select(CheckIn.deputy_id).where(CheckIn.session_id == session_id, CheckIn.deputy_id.in_(list(deputy_ids)))
    return set((await session.execute(query)).scalars())


async def username_of(session: AsyncSession, user_id: uuid.UUID | None) -> str | None:
    """The user name of a deputy's account, if the deputy has one."""
    if user_id is None:
        return None
    return (await session.execute(select(User.username).where(User.id == user_id))).scalar_one_or_none()
