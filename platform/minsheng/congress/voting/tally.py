"""Closing a round: validity, tally through the format, outcome through the tenant's rule, the result.

At close the sorted ballot hashes and the tally go into the tenant's audit chain as one event; the
published result lists the receipts and the chain head after that event (platform/docs/architecture.md).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit import services as audit
from minsheng.congress.hall import sessions
from minsheng.congress.models import Ballot, Participation, RoundStatus, VotingMethod, VotingRound
from minsheng.congress.voting import paper, rounds
from minsheng.congress.voting.rules import ballot_hash, result_order
from minsheng.db.base import utcnow
from minsheng.db.secrecy import every_column, rewrite_in_key_order
from minsheng.errors import Conflict, InvalidInput
from minsheng.plugins.verdicts import Outcome, Reason
from minsheng.tenancy.configuration import current_tenant_hooks

CHOICES = ("yes", "no", "abstain")
#: Every column: the close writes the ballots back from what it read.
BALLOT_COLUMNS = tuple(every_column(Ballot))


def format_figures(counts: dict[str, int]) -> dict[str, int]:
    """A candidate's figures of the format's own (e.g. a ranking's ``points``): its tally beyond the choices."""
    return {name: value for name, value in counts.items() if name not in CHOICES}


def _reason(reason: Reason | None) -> dict[str, Any] | None:
    if reason is None:
        return None
    return {
        "message": reason.message,
        "params": {k: v if isinstance(v, int | str) else str(v) for k, v in reason.params.items()},
    }


async def _reshuffle(session: AsyncSession, voting_round: VotingRound, ballots: list[Any]) -> None:
    """Rewrite the round's participations and ``ballots`` in key order, in this (the closing) transaction.

    While a round is open, PostgreSQL's system columns (``xmin``: the writing transaction; ``ctid``:
    the place on disk) tie each ballot to the participation written with it. Rewriting both tables'
    rows here gives all of them the same transaction and an order that is random for ballots and by
    deputy for participations, so nothing in the live tables links the two once the round is closed
    (``minsheng.db.secrecy``). Only ``ballots`` are written back: a paper round keeps the counted entry's.
    """
    await rewrite_in_key_order(session, Participation, Participation.round_id == voting_round.id)
    await rewrite_in_key_order(
        session, Ballot, Ballot.round_id == voting_round.id, rows=[row._asdict() for row in ballots]
    )


async def _counted_paper_ballots(
    session: AsyncSession, round_id: uuid.UUID, ballots: list[Any], *, check: bool
) -> list[Any]:
    """The paper ballots that count: one teller's entry, once the tellers' entries agree (``check``).

    A void round (more returned than issued) needs no agreement: nothing is tallied.
    """
    found = await paper.comparison(session, round_id)
    if check:
        paper.require_agreement(found)
    counted = set(found.counted.batches) if found.counted else set()
    await paper.drop_duplicate_entries(session, found)
    return [row for row in ballots if row.entry_id in counted]


def _counts(issued: int, returned: int, valid: int, invalid: int) -> dict[str, int]:
    return {"ballots_issued": issued, "ballots_returned": returned, "valid": valid, "invalid": invalid}


async def close_round(
    session: AsyncSession,
    round_id: uuid.UUID,
    *,
    issued: int | None,
    returned: int | None,
    actor: str,
) -> VotingRound:
    """Close an open round and store its result (platform/docs/domain.md: paper ballots, result).

    Electronic rounds count ballots issued as the deputies present and returned as the ballots cast.
    Paper rounds need both counts: more returned than issued makes the round void (the tenant's
    ``round_validity``); otherwise the valid and invalid ballots entered must add up to those returned,
    or the round cannot close (409). The valid ballots are tallied by the format and the outcome is the
    tenant's ``outcome_rule`` against the deputies entitled when the round opened.
    """
    voting_round = await rounds.get_round(session, round_id, for_update=True)
    rounds.require_status(voting_round, RoundStatus.OPEN)
    ballot_format = await rounds.ballot_format(session, voting_round.ballot_format)
    hooks = await current_tenant_hooks(session)
    candidates = [str(c) for c in await rounds.candidates_of(session, voting_round.id)]
    present = await sessions.present_count(session, voting_round.session_id)
    entitled = voting_round.entitled or 0
    ballots = list((await session.execute(select(*BALLOT_COLUMNS).where(Ballot.round_id == voting_round.id))).all())
    valid = [row for row in ballots if row.valid]
    invalid_count = len(ballots) - len(valid)

    if voting_round.method == VotingMethod.ELECTRONIC.value:
        if issued is not None or returned is not None:
            raise InvalidInput("An electronic round counts the ballots issued and returned itself")
        issued, returned = present, len(ballots)
    elif issued is None or returned is None:
        raise InvalidInput("A paper round needs ballots_issued and ballots_returned to close")

    validity = hooks.round_validity(issued=issued, returned=returned)
    if voting_round.method == VotingMethod.PAPER.value:
        ballots = await _counted_paper_ballots(session, voting_round.id, ballots, check=validity.valid)
        valid = [row for row in ballots if row.valid]
        invalid_count = len(ballots) - len(valid)
    if not validity.valid:
        outcome = Outcome("void", reason=validity.reason)
        tally: dict[str, dict[str, int]] = {c: dict.fromkeys(CHOICES, 0) for c in candidates}
    else:
        if len(ballots) != returned:
            raise Conflict(
                "{valid} valid and {invalid} invalid ballots were entered but {returned} were returned:"
                " enter the missing ballots or count again",
                valid=len(valid),
                invalid=invalid_count,
                returned=returned,
            )
        tally = ballot_format.tally([row.content for row in valid], candidates)
        outcome = hooks.outcome_rule(
            tally=tally, seats=voting_round.seats, entitled=entitled, ballot_format=voting_round.ballot_format
        )

    await _reshuffle(session, voting_round, ballots)
    hashes = sorted(ballot_hash(row.id, row.content) for row in ballots)
    ranks = {ranked.candidate: ranked.rank for ranked in outcome.chosen}
    figures = _counts(issued, returned, len(valid), invalid_count)
    event = await audit.record(
        session,
        "round.closed",
        actor=actor,
        subject=str(voting_round.id),
        payload={
            "status": outcome.status,
            "entitled": entitled,
            "present": present,
            **figures,
            "participations": await rounds.ballots_received(session, voting_round.id),
            "tally": tally,
            "chosen": [[ranked.candidate, ranked.rank] for ranked in outcome.chosen],
            "tied": list(outcome.tied),
            "ballot_hashes": hashes,
        },
    )
    voting_round.result = {
        "status": outcome.status,
        "entitled": entitled,
        "present": present,
        **figures,
        "candidates": [
            {
                "project_id": candidate,
                **{choice: tally.get(candidate, {}).get(choice, 0) for choice in CHOICES},
                "chosen": candidate in ranks,
                "rank": ranks.get(candidate),
                "figures": format_figures(tally.get(candidate, {})),
            }
            for candidate in result_order(candidates, tally, ranks)
        ],
        "receipts": sorted(row.receipt for row in ballots),
        "chain_head": event.digest,
        "tied": list(outcome.tied),
        "remaining_seats": outcome.remaining_seats,
        "reason": _reason(outcome.reason),
    }
    voting_round.outcome = outcome.status
    voting_round.status = RoundStatus.CLOSED.value
    voting_round.closed_at = utcnow()
    await session.flush()
    return voting_round


def stored_result(voting_round: VotingRound) -> dict[str, Any]:
    """The stored result of a closed round, or 409 while it is not closed."""
    if voting_round.status != RoundStatus.CLOSED.value or voting_round.result is None:
        raise Conflict("The voting round has no result until it is closed")
    return voting_round.result
