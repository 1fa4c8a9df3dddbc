"""Paper ballots of a mixed round (phones, and paper for the deputies who ask for it).

platform/docs/domain.md, "Mixed voting": each deputy votes once, either way. Handing a deputy a paper
ballot writes the deputy's participation with it: the participation's key then refuses a phone ballot
of that deputy, and refuses the paper to a deputy who voted on the phone, however the two race.
Nothing records which paper went to whom: paper ballots carry no number.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit import services as audit
from minsheng.congress.hall import sessions
from minsheng.congress.models import PaperIssue, Participation, RoundStatus, VotingMethod
from minsheng.congress.roster import services as roster
from minsheng.congress.voting import rounds
from minsheng.errors import Conflict


async def paper_issued(session: AsyncSession, round_id: uuid.UUID) -> int:
    """How many paper ballots a mixed round has handed out."""
    query = select(func.count()).select_from(PaperIssue).where(PaperIssue.round_id == round_id)
    return int((await session.execute(query)).scalar_one())


async def issued_to(session: AsyncSession, round_id: uuid.UUID) -> set[uuid.UUID]:
    """The deputies who took a paper ballot of the round."""
    query = select(PaperIssue.deputy_id).where(PaperIssue.round_id == round_id)
    return set((await session.execute(query)).scalars())


async def issue_paper(session: AsyncSession, round_id: uuid.UUID, deputy_id: uuid.UUID, *, actor: str) -> int:
    """Hand ``deputy_id`` a paper ballot of an open mixed round; the number issued so far.

    409 when the round is not an open mixed round, the deputy is no longer in office, has not checked in,
    voted on the phone already, or already took a paper ballot; 404 for a deputy of no roster here.
    """
    voting_round = await rounds.get_round(session, round_id, for_ballot=True)
    rounds.require_status(voting_round, RoundStatus.OPEN)
    if voting_round.method != VotingMethod.MIXED.value:
        raise Conflict("Paper ballots are handed to deputies who ask for them in rounds held on phone and paper")
    deputy = await roster.get_deputy(session, deputy_id)
    if not deputy.active:
        raise Conflict("{name} is no longer in office and is not entitled to vote", name=deputy.name)
    if not await sessions.is_checked_in(session, voting_round.session_id, deputy.id):
        raise Conflict("{name} has not checked in to the session", name=deputy.name)
    try:
        async with session.begin_nested():
            session.add(Participation(round_id=voting_round.id, deputy_id=deputy.id))
            session.add(PaperIssue(round_id=voting_round.id, deputy_id=deputy.id, issued_by=actor))
    except IntegrityError as exc:
        took = await session.get(PaperIssue, (voting_round.tenant_id, voting_round.id, deputy.id))
        if took is not None:
            raise Conflict("{name} already took a paper ballot in this round", name=deputy.name) from exc
        raise Conflict("{name} has voted on the phone in this round: no paper ballot", name=deputy.name) from exc
    await audit.record(
        session, "round.paper_issued", actor=actor, subject=str(voting_round.id), payload={"deputy": str(deputy.id)}
    )
    return await paper_issued(session, voting_round.id)
