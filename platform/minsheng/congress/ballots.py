"""Casting secret ballots (electronic) and entering paper ballots (tellers).

ARCHITECTURE.md, "Secret and verifiable ballots": a participation row (who voted) and a ballot row
(what was voted) are written in the same transaction; the participation's key (tenant, round, deputy)
makes the database refuse a second ballot from one deputy, however many requests race.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.service import Principal
from minsheng.audit import service as audit
from minsheng.congress import roster, rounds, sessions
from minsheng.congress.models import Ballot, PaperEntry, Participation, RoundStatus, VotingMethod, VotingRound
from minsheng.congress.rules import canonical_content, electronic_ballot, receipt_code
from minsheng.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from minsheng.plugins.verdicts import Reason


@dataclass(frozen=True)
class PaperEntryFigures:
    """What one teller's batch added to the round."""

    entry_id: uuid.UUID
    entered: int
    valid: int
    invalid: int


def _normalised_id(value: object) -> object:
    # Project ids are compared as canonical strings; an upper-case spelling names the same project.
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value))
        except ValueError:
            return value
    return value


def _normalised(content: Any) -> Any:
    if isinstance(content, dict):
        return {str(_normalised_id(key)): choice for key, choice in content.items()}
    if isinstance(content, list):
        return canonical_content([_normalised_id(item) for item in content])
    return content


def _json_safe(reason: Reason) -> dict[str, Any]:
    params = {
        key: value if isinstance(value, int | float | str | bool) or value is None else str(value)
        for key, value in reason.params.items()
    }
    return {"message": reason.message, "params": params}


async def _round_taking_ballots(session: AsyncSession, round_id: uuid.UUID, method: VotingMethod) -> VotingRound:
    voting_round = await rounds.get_round(session, round_id, for_ballot=True)
    rounds.require_status(voting_round, RoundStatus.OPEN)
    if voting_round.method != method.value:
        raise Conflict("This voting round is held on {method} ballots", method=voting_round.method)
    return voting_round


async def cast_ballot(
    session: AsyncSession,
    round_id: uuid.UUID,
    principal: Principal,
    *,
    choices: Mapping[str, str] | None,
    selected: Sequence[str] | None,
) -> str:
    """Record a deputy's secret ballot and return its receipt code.

    403 when the caller is not a deputy of the roster; 409 when the round is not open, is a paper
    round, the deputy has not checked in to the session, or has already voted; 422 when the format
    refuses the ballot (an electronic ballot is never stored invalid: the deputy can correct it).
    """
    deputy = await roster.deputy_of_user(session, principal.user_id)
    if deputy is None:
        raise Forbidden("You are not a deputy on this tenant's roster")
    voting_round = await _round_taking_ballots(session, round_id, VotingMethod.ELECTRONIC)
    # A cheap early answer for the usual repeat (a double tap); the key below is what guarantees it.
    if await session.get(Participation, (voting_round.tenant_id, voting_round.id, deputy.id)) is not None:
        raise Conflict("You have already voted in this voting round")
    if not await sessions.is_checked_in(session, voting_round.session_id, deputy.id):
        raise Conflict("Check in to the session before voting")
    ballot_format = await rounds.ballot_format(session, voting_round.ballot_format)
    content = electronic_ballot(choices, selected)
    if content is None:
        raise InvalidInput(
            "Send either choices or selected, as the ballot format {format} needs", format=ballot_format.code
        )
    content = _normalised(content)
    candidates = [str(c) for c in await rounds.candidates_of(session, voting_round.id)]
    problem = ballot_format.validate(content, candidates, voting_round.seats)
    if problem is not None:
        raise RuleViolation("ballot_format", problem.message, **problem.params)
    ballot_id = uuid.uuid4()
    receipt = receipt_code(ballot_id, content)
    try:
        # One flush writes both rows; a second ballot of the deputy fails on the participation's key
        # and takes its ballot down with it when the transaction rolls back.
        session.add(Participation(round_id=voting_round.id, deputy_id=deputy.id))
        session.add(Ballot(round_id=voting_round.id, id=ballot_id, content=content, valid=True, receipt=receipt))
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("You have already voted in this voting round") from exc
    # No audit event here: its actor, sequence number and time would order the voters; the close
    # records the participations' count and every ballot's hash instead.
    return receipt


async def enter_paper_ballots(
    session: AsyncSession, round_id: uuid.UUID, ballots: Sequence[Any], *, teller: str
) -> PaperEntryFigures:
    """Enter a teller's batch of paper ballots as marked; each is valid or invalid by the format's rule.

    An invalid ballot (e.g. more than ``seats`` marked, 多选作废) is stored as invalid with its reason,
    never refused: it was cast, and it counts among the ballots returned.
    """
    voting_round = await _round_taking_ballots(session, round_id, VotingMethod.PAPER)
    ballot_format = await rounds.ballot_format(session, voting_round.ballot_format)
    candidates = [str(c) for c in await rounds.candidates_of(session, voting_round.id)]
    entry = PaperEntry(round_id=voting_round.id, teller=teller, ballots=len(ballots))
    session.add(entry)
    await session.flush()
    valid = 0
    for marked in ballots:
        content = _normalised(marked)
        problem = ballot_format.validate(content, candidates, voting_round.seats)
        ballot_id = uuid.uuid4()
        session.add(
            Ballot(
                round_id=voting_round.id,
                id=ballot_id,
                content=content,
                valid=problem is None,
                invalid_reason=_json_safe(problem) if problem is not None else None,
                receipt=receipt_code(ballot_id, content),
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
