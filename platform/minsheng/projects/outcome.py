"""Whether the congress chose a project: the outcome of its vote binds the project from then on.

A project is chosen when a closed round lists it as chosen (a decided round, or a round whose tie at
the cut-off went to a runoff: those above the tie are chosen by it).
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.congress.models import RoundCandidate, RoundStatus, VotingRound

#: The outcomes of a closed round that choose projects.
CHOOSING = ("decided", "runoff_required")


async def chosen_by_vote(session: AsyncSession, project_id: uuid.UUID) -> bool:
    """Whether a closed round of the tenant chose the project."""
    query = (
        select(VotingRound.result)
        .join(
            RoundCandidate,
            (RoundCandidate.tenant_id == VotingRound.tenant_id) & (RoundCandidate.round_id == VotingRound.id),
        )
        .where(
            RoundCandidate.project_id == project_id,
            VotingRound.status == RoundStatus.CLOSED.value,
            VotingRound.outcome.in_(CHOOSING),
        )
    )
    wanted = str(project_id)
    for result in (await session.execute(query)).scalars():
        if any(c.get("chosen") and str(c.get("project_id")) == wanted for c in (result or {}).get("candidates", [])):
            return True
    return False
