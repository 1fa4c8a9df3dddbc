"""Casting an electronic secret ballot: the hot path of the vote.

platform/docs/architecture.md, "Secret and verifiable ballots": a participation row (who voted) and a sealed
ballot (what was voted, with its receipt, sealed to the round's public key: ``minsheng.secrecy``) are
written in the same transaction; the participation's key (tenant, round, deputy) makes the database
refuse a second ballot from one deputy, however many requests race. Nothing readable about the vote is
ever written beside the deputy: the marks become readable only at the close, written apart
(``tally.py``; platform/docs/threat-model.md).

A ballot arrives with hundreds of others at once, so its statements are few and built once (Core, so
their cache keys are memoised): one query after the token and the tenant (the round, locked, with the
caller's deputy, check-in and earlier vote) and the inserts. Every table is filtered by the tenant
explicitly, as the ORM's filter would, and by PostgreSQL's policies besides.
``tests/congress/test_ballot_queries.py`` pins how many statements a ballot sends.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, exists, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.services import Principal
from minsheng.congress.models import (
    CheckIn,
    Deputy,
    PaperIssue,
    Participation,
    RoundStatus,
    SealedBallot,
    VotingMethod,
    VotingRound,
)
from minsheng.congress.roster import services as roster
from minsheng.congress.voting import rounds
from minsheng.congress.voting.rules import BallotKeyProblem, canonical_ballot, electronic_ballot, new_receipt
from minsheng.db.driver import DriverStatement
from minsheng.db.idempotency import Idempotency
from minsheng.db.secrecy import SecretInsert
from minsheng.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from minsheng.i18n import Term
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.secrecy.sealing import seal
from minsheng.tenancy.context import current_tenant

TAKES_PHONE_BALLOTS = (VotingMethod.ELECTRONIC, VotingMethod.MIXED)
TAKES_PAPER_BALLOTS = (VotingMethod.PAPER, VotingMethod.MIXED)


def checked_ballot(content: Any, candidates: Sequence[str], *, ordered: bool) -> Any:
    """The ballot in its one spelling (``rules.canonical_ballot``); 422 when it names a candidate twice
    or a project that is not a candidate of the round."""
    try:
        return canonical_ballot(content, candidates, ordered=ordered)
    except BallotKeyProblem as problem:
        raise InvalidInput(problem.reason.message, **problem.reason.params) from problem


def require_taking(voting_round: VotingRound | Row[Any], methods: Sequence[VotingMethod]) -> None:
    """409 unless the round is open and held with one of ``methods``."""
    rounds.require_status(voting_round, RoundStatus.OPEN)
    if voting_round.method not in methods:
        raise Conflict("This voting round is held on {method} ballots", method=rounds.method_term(voting_round.method))


_ROUND = cast(Table, VotingRound.__table__)
_DEPUTIES = cast(Table, Deputy.__table__)
_CHECKINS = cast(Table, CheckIn.__table__)
_PARTICIPATIONS = cast(Table, Participation.__table__)
_PAPER_ISSUES = cast(Table, PaperIssue.__table__)
_SEALED = cast(Table, SealedBallot.__table__)

_DEPUTY = (
    select(_DEPUTIES.c.id)
    .where(
        _DEPUTIES.c.tenant_id == bindparam("tenant_id"),
        _DEPUTIES.c.user_id == bindparam("user_id"),
        _DEPUTIES.c.active.is_(True),
    )
    .scalar_subquery()
)
#: The round with the weak lock of ``rounds.get_round(for_ballot=True)`` (a close waits for the
#: ballots past the "open" check; a ballot arriving during a close sees the round closed), the
#: caller's deputy id, whether that deputy has checked in, has taken part (voted, or took a paper
#: ballot of a mixed round) and took paper: one round trip, not five.
_VOTER = (
    select(
        _ROUND.c.tenant_id,
        _ROUND.c.id,
        _ROUND.c.status,
        _ROUND.c.method,
        _ROUND.c.ballot_format,
        _ROUND.c.seats,
        _ROUND.c.ballot_key,
        _DEPUTY.label("deputy_id"),
        exists()
        .where(
            _CHECKINS.c.tenant_id == bindparam("tenant_id"),
            _CHECKINS.c.session_id == _ROUND.c.session_id,
            _CHECKINS.c.deputy_id == _DEPUTY,
        )
        .label("checked_in"),
        exists()
        .where(
            _PARTICIPATIONS.c.tenant_id == bindparam("tenant_id"),
            _PARTICIPATIONS.c.round_id == _ROUND.c.id,
            _PARTICIPATIONS.c.deputy_id == _DEPUTY,
        )
        .label("voted"),
        exists()
        .where(
            _PAPER_ISSUES.c.tenant_id == bindparam("tenant_id"),
            _PAPER_ISSUES.c.round_id == _ROUND.c.id,
            _PAPER_ISSUES.c.deputy_id == _DEPUTY,
        )
        .label("took_paper"),
    )
    .where(_ROUND.c.tenant_id == bindparam("tenant_id"), _ROUND.c.id == bindparam("round_id"))
    .with_for_update(of=_ROUND, read=True, key_share=True)
)
_VOTER_LOOKUP = DriverStatement(_VOTER)

_PARTICIPATION_VALUES: dict[str, Any] = {
    "tenant_id": bindparam("t"),
    "round_id": bindparam("r"),
    "deputy_id": bindparam("d"),
}
_SEALED_VALUES: dict[str, Any] = {
    "tenant_id": bindparam("t"),
    "round_id": bindparam("r"),
    "id": bindparam("b"),
    "sealed": bindparam("s", type_=_SEALED.c.sealed.type),
}
#: Both rows in one statement on PostgreSQL (a second ballot of the deputy fails it on the
#: participation's key), the participation first on SQLite (``minsheng.db.secrecy``).
_INSERT = SecretInsert(insert(_PARTICIPATIONS).values(_PARTICIPATION_VALUES), insert(_SEALED).values(_SEALED_VALUES))


#: Candidates of open rounds by (tenant, round): a round's candidates are written once, when it is
#: created, so a ballot need not read them again. Bounded; cleared when full.
_CANDIDATES: dict[tuple[uuid.UUID, uuid.UUID], list[str]] = {}
_CANDIDATES_KEPT = 4096


async def _candidates(session: AsyncSession, tenant_id: uuid.UUID, round_id: uuid.UUID) -> list[str]:
    key = (tenant_id, round_id)
    found = _CANDIDATES.get(key)
    if found is None:
        found = [str(c) for c in await rounds.candidates_of(session, round_id)]
        if len(_CANDIDATES) >= _CANDIDATES_KEPT:
            _CANDIDATES.clear()
        _CANDIDATES[key] = found
    return found


def sealed_choice(content: Any, receipt: str) -> dict[str, Any]:
    """What a phone ballot seals: its marks and its receipt, parted again when the round closes."""
    return {"content": content, "receipt": receipt}


def ballot_scope(round_id: uuid.UUID) -> str:
    """Where a round's idempotency keys live (forgotten when the round closes)."""
    return f"round:{round_id}"


def _another_ballot() -> Conflict:
    """A ballot sent under an idempotency key already used for another ballot of this deputy."""
    return Conflict("You have already voted in this voting round, with another ballot under this Idempotency-Key")


async def cast_ballot(
    session: AsyncSession,
    round_id: uuid.UUID,
    principal: Principal,
    hooks: TenantHooks,
    *,
    choices: Mapping[str, str] | None,
    selected: Sequence[str] | None,
    idempotency_key: str | None = None,
) -> str:
    """Record a deputy's secret ballot and return its receipt code.

    403 when the caller is not a deputy of the roster in office; 404 for a deputy naming no round of
    the tenant; 409 when the round is not open, is a paper round, the deputy took a paper ballot of
    this mixed round, has not checked in to the session, or has already voted; 422 when the ballot
    names a candidate twice or a project that is not a candidate, or the format refuses it (e.g. more
    yes than seats): an electronic ballot is never stored invalid, the deputy can correct it.

    ``idempotency_key`` (the phone's ``Idempotency-Key``): a retry of the same ballot answers the same
    receipt; another ballot under the key is 409 (``minsheng.db.idempotency``).
    """
    tenant = current_tenant()
    assert tenant is not None
    connection = await session.connection()
    params = {"tenant_id": tenant.id, "round_id": round_id, "user_id": principal.user_id}
    voter = await _VOTER_LOOKUP.one_or_none(connection, params)
    if voter is None or voter.deputy_id is None:
        if voter is None and await roster.deputy_of_user(session, principal.user_id) is not None:
            raise NotFound("No voting round {round} in this tenant", round=str(round_id))
        raise Forbidden("You are not a deputy on this tenant's roster")
    require_taking(voter, TAKES_PHONE_BALLOTS)
    if voter.took_paper:
        raise Conflict("You took a paper ballot in this voting round: vote on paper")
    ballot_format = rounds.ballot_format(hooks, voter.ballot_format)
    content = electronic_ballot(choices, selected)
    if content is None:
        raise InvalidInput(
            "Send either choices or selected, as the ballot format {format} needs", format=Term(ballot_format.label)
        )
    candidates = await _candidates(session, tenant.id, voter.id)
    content = checked_ballot(content, candidates, ordered=ballot_format.ordered)
    problem = ballot_format.validate(content, candidates, voter.seats)
    if problem is not None:
        raise RuleViolation("ballot_format", problem.message, **problem.params)
    repeated = Conflict("You have already voted in this voting round")
    replay = None
    if idempotency_key is not None:
        replay = Idempotency(tenant.id, ballot_scope(voter.id), str(voter.deputy_id), idempotency_key, content)
    # A cheap early answer for the usual repeat (a double tap, a retry); the key below guarantees it.
    if voter.voted:
        receipt = await replay.recall(session, differs=_another_ballot()) if replay is not None else None
        if receipt is None:
            raise repeated
        return str(receipt)
    if not voter.checked_in:
        raise Conflict("Check in to the session before voting")
    if voter.ballot_key is None:
        # Opened before ballots were sealed: there is no key to seal to, and nothing readable may be stored.
        raise Conflict("This voting round was opened without a ballot key: close it and open a new one")
    receipt = new_receipt()
    if replay is not None and not await replay.claim(session, receipt):
        # The same key's first request was answered meanwhile: answer what it answered.
        first = await replay.recall(session, differs=_another_ballot())
        if first is None:
            raise repeated
        return str(first)
    await _INSERT.write(
        connection,
        {
            "t": tenant.id,
            "r": voter.id,
            "d": voter.deputy_id,
            "b": uuid.uuid4(),
            "s": seal(voter.ballot_key, sealed_choice(content, receipt)),
        },
        repeated=repeated,
    )
    # No audit event here: its actor, sequence number and time would order the voters; the close
    # records the participations' count and every ballot's hash instead.
    return receipt
