"""Secret ballots: cast electronically by deputies (:mod:`minsheng.congress.voting.casting`, re-exported
here as :func:`cast_ballot`) and entered from paper by tellers.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit import services as audit
from minsheng.congress.models import Ballot, PaperEntry, VotingRound
from minsheng.congress.voting import rounds
from minsheng.congress.voting.casting import TAKES_PAPER_BALLOTS, cast_ballot, checked_ballot, require_taking
from minsheng.errors import InvalidInput
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.plugins.verdicts import Reason

__all__ = ["PaperEntryFigures", "cast_ballot", "enter_paper_ballots"]


@dataclass(frozen=True)
class PaperEntryFigures:
    """What one teller's batch added to the round."""

    entry_id: uuid.UUID
    entered: int
    valid: int
    invalid: int


def _json_safe(reason: Reason) -> dict[str, Any]:
    params = {
        key: value if isinstance(value, int | float | str | bool) or value is None else str(value)
        for key, value in reason.params.items()
    }
    return {"message": reason.message, "params": params}


async def _round_taking_paper(session: AsyncSession, round_id: uuid.UUID) -> VotingRound:
    voting_round = await rounds.get_round(session, round_id, for_ballot=True)
    require_taking(voting_round, TAKES_PAPER_BALLOTS)
    return voting_round


async def enter_paper_ballots(
    session: AsyncSession, round_id: uuid.UUID, ballots: Sequence[Any], hooks: TenantHooks, *, teller: str
) -> PaperEntryFigures:
    """Enter a teller's batch of paper ballots as marked (a paper or a mixed round); each is valid or
    invalid by the format's rule.

    An invalid ballot (e.g. more than ``seats`` marked, 多选作废, or a candidate left unmarked) is stored
    as invalid with its reason, never refused: it was cast, and it counts among the ballots returned.
    A ballot that names a candidate twice or a project that is not a candidate cannot be on a ballot
    paper: the batch is refused (422) naming the ballot, and nothing of it is written.
    """
    voting_round = await _round_taking_paper(session, round_id)
    ballot_format = rounds.ballot_format(hooks, voting_round.ballot_format)
    candidates = [str(c) for c in await rounds.candidates_of(session, voting_round.id)]
    contents = []
    for number, marked in enumerate(ballots, start=1):
        try:
            contents.append(checked_ballot(marked, candidates, ordered=ballot_format.ordered))
        except InvalidInput as refused:
            refused.extra["ballot"] = number
            raise
    entry = PaperEntry(round_id=voting_round.id, teller=teller, ballots=len(ballots))
    session.add(entry)
    await session.flush()
    valid = 0
    for content in contents:
        problem = ballot_format.validate(content, candidates, voting_round.seats)
        ballot_id = uuid.uuid4()
        session.add(
            Ballot(
                round_id=voting_round.id,
                id=ballot_id,
                content=content,
                valid=problem is None,
                invalid_reason=_json_safe(problem) if problem is not None else None,
                entry_id=entry.id,
            )
        )
        valid += problem is None
    await session.flush()
    figures = PaperEntryFigures(entry.id, len(ballots), valid, len(ballots) - valid)
    await audit.record(
        session,
        "round.paper_ballots_entered",
        actor=teller,
        subject=str(voting_round.id),
        payload={
            "entry": str(entry.id),
            "entered": figures.entered,
            "valid": figures.valid,
            "invalid": figures.invalid,
        },
    )
    return figures
