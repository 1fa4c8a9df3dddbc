"""Casting an electronic secret ballot: the hot path of the vote.

platform/docs/architecture.md, "Secret and verifiable ballots": a participation row (who voted) and a ballot row
(what was voted) are written in the same transaction; the participation's key (tenant, round, deputy)
makes the database refuse a second ballot from one deputy, however many requests race.

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

from sqlalchemy import Row, Table, bindparam, exists, insert, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.services import Principal
from minsheng.congress.models import Ballot, CheckIn, Deputy, Participation, RoundStatus, VotingMethod, VotingRound
from minsheng.congress.roster import services as roster
from minsheng.congress.voting import rounds
from minsheng.congress.voting.rules import canonical_content, electronic_ballot, receipt_code
from minsheng.db.secrecy import SecretInsert
from minsheng.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from minsheng.i18n import Term
from minsheng.tenancy.context import current_tenant


def _normalised_id(value: object) -> object:
    # Project ids are compared as canonical strings; an upper-case spelling names the same project.
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value))
        except ValueError:
            return value
    return value


def normalised(content: Any, *, ordered: bool = False) -> Any:
    """A ballot's one spelling: canonical ids; a list sorted unless its format is ``ordered`` (a ranking)."""
    if isinstance(content, dict):
        return {str(_normalised_id(key)): choice for key, choice in content.items()}
    if isinstance(content, list):
        return canonical_content([_normalised_id(item) for item in content], ordered=ordered)
    return content


def require_taking(voting_round: VotingRound | Row[Any], method: VotingMethod) -> None:
    """409 unless the round is open and held with ``method`` ballots."""
    rounds.require_status(voting_round, RoundStatus.OPEN)
    if voting_round.method != method.value:
        raise Conflict("This voting round is held on {method} ballots", method=rounds.method_term(voting_round.method))


_ROUND = cast(Table, VotingRound.__table__)
_DEPUTIES = cast(Table, Deputy.__table__)
_CHECKINS = cast(Table, CheckIn.__table__)
_PARTICIPATIONS = cast(Table, Participation.__table__)
_BALLOTS = cast(Table, Ballot.__table__)

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
#: caller's deputy id, and whether that deputy has checked in and has voted: one round trip, not four.
_VOTER = (
    select(
        _ROUND.c.tenant_id,
        _ROUND.c.id,
        _ROUND.c.status,
        _ROUND.c.method,
        _ROUND.c.ballot_format,
        _ROUND.c.seats,
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
    )
    .where(_ROUND.c.tenant_id == bindparam("tenant_id"), _ROUND.c.id == bindparam("round_id"))
    .with_for_update(of=_ROUND, read=True, key_share=True)
)

_PARTICIPATION_VALUES: dict[str, Any] = {
    "tenant_id": bindparam("t"),
    "round_id": bindparam("r"),
    "deputy_id": bindparam("d"),
}
_BALLOT_VALUES: dict[str, Any] = {
    "tenant_id": bindparam("t"),
    "round_id": bindparam("r"),
    "id": bindparam("b"),
    "content": bindparam("c", type_=_BALLOTS.c.content.type),
    "valid": true(),
    "receipt": bindparam("k"),
}
#: Both rows in one statement on PostgreSQL (a second ballot of the deputy fails it on the
#: participation's key), the participation first on SQLite (``minsheng.db.secrecy``).
_INSERT = SecretInsert(insert(_PARTICIPATIONS).values(_PARTICIPATION_VALUES), insert(_BALLOTS).values(_BALLOT_VALUES))


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


async def cast_ballot(
    session: AsyncSession,
    round_id: uuid.UUID,
    principal: Principal,
    *,
    choices: Mapping[str, str] | None,
    selected: Sequence[str] | None,
) -> str:
    """Record a deputy's secret ballot and return its receipt code.

    403 when the caller is not a deputy of the roster; 404 for a deputy naming no round of the
    tenant; 409 when the round is not open, is a paper round, the deputy has not checked in to the
    session, or has already voted; 422 when the format refuses the ballot (an electronic ballot is
    never stored invalid: the deputy can correct it).
    """
    tenant = current_tenant()
    assert tenant is not None
    connection = await session.connection()
    params = {"tenant_id": tenant.id, "round_id": round_id, "user_id": principal.user_id}
    voter = (await connection.execute(_VOTER, params)).one_or_none()
    if voter is None or voter.deputy_id is None:
        if voter is None and await roster.deputy_of_user(session, principal.user_id) is not None:
            raise NotFound("No voting round {round} in this tenant", round=str(round_id))
        raise Forbidden("You are not a deputy on this tenant's roster")
    require_taking(voter, VotingMethod.ELECTRONIC)
    # A cheap early answer for the usual repeat (a double tap); the key below is what guarantees it.
    if voter.voted:
        raise Conflict("You have already voted in this voting round")
    if not voter.checked_in:
        raise Conflict("Check in to the session before voting")
    ballot_format = await rounds.ballot_format(session, voter.ballot_format)
    content = electronic_ballot(choices, selected)
    if content is None:
        raise InvalidInput(
            "Send either choices or selected, as the ballot format {format} needs", format=Term(ballot_format.label)
        )
    content = normalised(content, ordered=ballot_format.ordered)
    problem = ballot_format.validate(content, await _candidates(session, tenant.id, voter.id), voter.seats)
    if problem is not None:
        raise RuleViolation("ballot_format", problem.message, **problem.params)
    ballot_id = uuid.uuid4()
    receipt = receipt_code(ballot_id, content)
    await _INSERT.write(
        connection,
        {"t": tenant.id, "r": voter.id, "d": voter.deputy_id, "b": ballot_id, "c": content, "k": receipt},
        repeated=Conflict("You have already voted in this voting round"),
    )
    # No audit event here: its actor, sequence number and time would order the voters; the close
    # records the participations' count and every ballot's hash instead.
    return receipt
