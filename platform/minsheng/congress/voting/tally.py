"""Closing a round: validity, tally through the format, outcome through the tenant's rule, the result.

At close the round's private key is fetched from its custody, every sealed phone ballot is opened,
the contents are shuffled and written as plain ballots (random ids; no person, time or receipt) in
the closing transaction, and the sealed rows are deleted; once that transaction commits, the key is
destroyed (platform/docs/threat-model.md). The sorted ballot hashes, the sorted receipts and the tally
go into the tenant's audit chain as one event; the published result lists the receipts apart from
the contents and the chain head after that event (platform/docs/architecture.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit import services as audit
from minsheng.congress.hall import sessions
from minsheng.congress.models import Ballot, RoundStatus, SealedBallot, VotingMethod, VotingRound
from minsheng.congress.voting import issuing, key_shares, paper, rounds
from minsheng.congress.voting.casting import ballot_scope
from minsheng.congress.voting.rules import ballot_hash, result_order
from minsheng.db import idempotency
from minsheng.db.base import utcnow
from minsheng.db.secrecy import every_column
from minsheng.errors import Conflict, InvalidInput
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.plugins.verdicts import Outcome, Reason
from minsheng.secrecy.custody import KeyDestroyed
from minsheng.secrecy.keeping import current_custody, destroy_after_commit, open_all
from minsheng.secrecy.sealing import SealBroken

CHOICES = ("yes", "no", "abstain")
#: Every column of the stored ballots (paper ones, and phone ones of a round opened before sealing).
BALLOT_COLUMNS = tuple(every_column(Ballot))


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def rule_settings(hooks: TenantHooks) -> dict[str, Any]:
    """The tenant's effective settings of each plugin it uses, as plain JSON."""
    view = hooks.tenant
    return {plugin: _plain(view.settings(plugin)) for plugin in view.enabled_plugins}


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


@dataclass(frozen=True)
class OpenedBallot:
    """A phone ballot opened at the close, as written to ``ballots``: a fresh random id and its marks."""

    id: uuid.UUID
    content: Any
    valid: bool = True
    entry_id: uuid.UUID | None = None


async def private_key(voting_round: VotingRound) -> bytes:
    """The round's private key from its custody (the platform's, or the scrutineers' shares entered);
    409 when it is gone (the sealed ballots cannot be opened) or too few shares have been entered."""
    if voting_round.key_custody == key_shares.SCRUTINEERS:
        return await key_shares.rebuilt_key(voting_round)
    try:
        return await current_custody().fetch(voting_round.tenant_id, voting_round.id)
    except KeyDestroyed as exc:
        raise Conflict("The key of this voting round is gone: its sealed ballots cannot be opened") from exc


async def open_phone_ballots(session: AsyncSession, voting_round: VotingRound) -> tuple[list[OpenedBallot], list[str]]:
    """Open the round's sealed ballots, write their contents as plain ballots in a random order, delete
    the sealed rows; the ballots and, apart, the sorted receipts (in this, the closing, transaction).

    Only the close writes the plain contents, all of them in one transaction and none beside a deputy:
    nothing on disk, live or dead, pairs a participation with readable marks. The close destroys the
    key once its transaction commits (:func:`_destroy_keys_after_commit`).
    """
    if voting_round.ballot_key is None:
        return [], []
    sealed = (
        await session.execute(select(SealedBallot.sealed).where(SealedBallot.round_id == voting_round.id))
    ).scalars()
    boxes = list(sealed)
    opened: list[Any] = []
    # The scrutineers' custody counts nothing, not even an empty box, before enough shares are entered.
    if boxes or voting_round.key_custody == key_shares.SCRUTINEERS:
        private = await private_key(voting_round)
        try:
            opened = open_all(private, boxes)
        except SealBroken as exc:
            raise Conflict("The key of this voting round does not open its sealed ballots") from exc
    ballots = [OpenedBallot(uuid.uuid4(), choice["content"]) for choice in opened]
    if ballots:
        await session.execute(
            insert(Ballot),
            [
                {
                    "tenant_id": voting_round.tenant_id,
                    "round_id": voting_round.id,
                    "id": ballot.id,
                    "content": ballot.content,
                    "valid": True,
                    "entry_id": None,
                }
                for ballot in ballots
            ],
        )
    await session.execute(delete(SealedBallot).where(SealedBallot.round_id == voting_round.id))
    return ballots, sorted(str(choice["receipt"]) for choice in opened)


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
    hooks: TenantHooks,
    *,
    issued: int | None,
    returned: int | None,
    actor: str,
) -> VotingRound:
    """Close an open round and store its result (platform/docs/domain.md: paper ballots, result).

    Electronic rounds count ballots issued as the deputies present and returned as the ballots cast.
    Paper rounds need both counts: more returned than issued makes the round void (the tenant's
    ``round_validity``); otherwise the valid and invalid ballots entered must add up to those returned,
    or the round cannot close (409). A mixed round takes ``returned``, the paper ballots in the box:
    its ballots issued are the phone ballots and the paper ballots handed out, its ballots returned the
    phone ballots and the box, and ``by_method`` keeps both parts. The valid ballots are tallied by the
    format and the outcome is the tenant's ``outcome_rule`` against the deputies entitled when the
    round opened.
    """
    voting_round = await rounds.get_round(session, round_id, for_update=True)
    rounds.require_status(voting_round, RoundStatus.OPEN)
    ballot_format = rounds.ballot_format(hooks, voting_round.ballot_format)
    candidates = [str(c) for c in await rounds.candidates_of(session, voting_round.id)]
    present = await sessions.present_count(session, voting_round.session_id)
    entitled = voting_round.entitled or 0
    stored = list((await session.execute(select(*BALLOT_COLUMNS).where(Ballot.round_id == voting_round.id))).all())
    opened, receipts = await open_phone_ballots(session, voting_round)
    ballots: list[Any] = [*opened, *stored]
    phone = [row for row in ballots if row.entry_id is None]
    method = voting_round.method
    paper_issued = paper_returned = 0

    if method == VotingMethod.ELECTRONIC.value:
        if issued is not None or returned is not None:
            raise InvalidInput("An electronic round counts the ballots issued and returned itself")
        issued, returned = present, len(ballots)
    elif method == VotingMethod.MIXED.value:
        if issued is not None or returned is None:
            raise InvalidInput(
                "A round on phone and paper counts the ballots issued itself: give ballots_returned, the paper"
                " ballots found in the box"
            )
        paper_issued, paper_returned = await issuing.paper_issued(session, voting_round.id), returned
        issued, returned = len(phone) + paper_issued, len(phone) + paper_returned
    elif issued is None or returned is None:
        raise InvalidInput("A paper round needs ballots_issued and ballots_returned to close")

    validity = hooks.round_validity(issued=issued, returned=returned)
    if method != VotingMethod.ELECTRONIC.value:
        entered = [row for row in ballots if row.entry_id is not None]
        # Tellers must agree on what was entered; a mixed round that handed out no paper has none.
        check = validity.valid and (method == VotingMethod.PAPER.value or bool(entered) or paper_returned > 0)
        ballots = phone + await _counted_paper_ballots(session, voting_round.id, entered, check=check)
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

    await idempotency.forget(session, ballot_scope(voting_round.id))
    hashes = sorted(ballot_hash(row.id, row.content) for row in ballots)
    ranks = {ranked.candidate: ranked.rank for ranked in outcome.chosen}
    figures = _counts(issued, returned, len(valid), invalid_count)
    by_method = None
    if method == VotingMethod.MIXED.value:
        on_paper = [row for row in ballots if row.entry_id is not None]
        paper_valid = sum(1 for row in on_paper if row.valid)
        by_method = {
            VotingMethod.ELECTRONIC.value: _counts(len(phone), len(phone), len(phone), 0),
            VotingMethod.PAPER.value: _counts(paper_issued, paper_returned, paper_valid, len(on_paper) - paper_valid),
        }
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
            "by_method": by_method,
            "tally": tally,
            "chosen": [[ranked.candidate, ranked.rank] for ranked in outcome.chosen],
            "tied": list(outcome.tied),
            "ballot_hashes": hashes,
            # The receipts apart from the contents: a deputy finds theirs, and learns nothing of any vote.
            "receipts": receipts,
            # The rules the ballots were checked under (e.g. 多选作废 on or off), for the offline verifier.
            "settings": rule_settings(hooks),
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
        "receipts": receipts,
        "chain_head": event.digest,
        "tied": list(outcome.tied),
        "remaining_seats": outcome.remaining_seats,
        "reason": _reason(outcome.reason),
        "by_method": by_method,
    }
    voting_round.outcome = outcome.status
    voting_round.status = RoundStatus.CLOSED.value
    voting_round.closed_at = utcnow()
    await session.flush()
    _destroy_keys_after_commit(session, voting_round)
    return voting_round


def _destroy_keys_after_commit(session: AsyncSession, voting_round: VotingRound) -> None:
    """Destroy the round's key material once the close has committed. Registered last, when nothing of
    the close can fail any more: a close refused inside a savepoint (a page's) must leave the key."""
    destroy_after_commit(session, voting_round.tenant_id, voting_round.id)
    if voting_round.key_custody == key_shares.SCRUTINEERS:
        key_shares.destroy_shares_after_commit(session, voting_round)


def stored_result(voting_round: VotingRound) -> dict[str, Any]:
    """The stored result of a closed round, or 409 while it is not closed."""
    if voting_round.status != RoundStatus.CLOSED.value or voting_round.result is None:
        raise Conflict("The voting round has no result until it is closed")
    return voting_round.result
