"""Voting rounds (票决轮次): creation under the margin rule, opening under the quorum rule, runoffs."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit import services as audit
from minsheng.congress.hall import sessions
from minsheng.congress.models import (
    CongressSession,
    Participation,
    RoundCandidate,
    RoundStatus,
    VotingMethod,
    VotingRound,
)
from minsheng.congress.voting import key_shares
from minsheng.db.base import utcnow
from minsheng.db.lookup import locked, one_or_not_found
from minsheng.errors import Conflict, InvalidInput, NotFound, RuleViolation
from minsheng.i18n import Term, msgid
from minsheng.plugins.registries import BallotFormat
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.projects import candidates as candidate_lists
from minsheng.projects.models import Project, ProjectStatus


def ballot_format(hooks: TenantHooks, code: str) -> BallotFormat:
    """The tenant's ballot format ``code`` (built in or from its plugins), or 422."""
    formats = hooks.ballot_formats()
    if code not in formats:
        raise InvalidInput(
            "Unknown ballot format {format}; this tenant offers: {known}", format=code, known=", ".join(sorted(formats))
        )
    return formats[code]


async def _check_candidates(session: AsyncSession, congress: CongressSession, candidates: Sequence[uuid.UUID]) -> None:
    """422 naming the project unless every candidate is on the fixed candidate list of the year the
    session decides and still screened in (platform/docs/domain.md: the list is fixed before the vote)."""
    if len(set(candidates)) != len(candidates):
        raise InvalidInput("A candidate is listed more than once")
    fixed = await candidate_lists.fixed_project_ids(session, congress.year)
    if fixed is None:
        raise RuleViolation(
            "candidate_list",
            "The candidate list of {year} is not fixed yet: a round takes its candidates from the fixed list",
            year=congress.year,
        )
    query = select(Project.id, Project.title, Project.status).where(Project.id.in_(candidates))
    found = {row.id: row for row in (await session.execute(query)).all()}
    for candidate in candidates:
        project = found.get(candidate)
        if candidate not in fixed or project is None:
            raise RuleViolation(
                "candidate_list",
                "Project «{title}» ({project}) is not on the fixed candidate list of {year}",
                title=project.title if project is not None else "?",
                project=str(candidate),
                year=congress.year,
            )
        if project.status != ProjectStatus.ACCEPTED.value:
            # platform/docs/domain.md, "Screening": only a project the government screened in may be voted on.
            raise RuleViolation(
                "screening",
                "Project «{title}» ({project}) is not screened in",
                title=project.title,
                project=str(candidate),
            )


def _check_margin(hooks: TenantHooks, seats: int, candidates: int) -> None:
    verdict = hooks.margin_rule(seats=seats, candidates=candidates)
    if verdict.allowed:
        return
    if verdict.reason is not None:
        raise RuleViolation("margin_rule", verdict.reason.message, **verdict.reason.params)
    raise RuleViolation(
        "margin_rule",
        "The margin rule does not allow {candidates} candidates for {seats} seats",
        candidates=candidates,
        seats=seats,
    )


async def create_round(
    session: AsyncSession,
    congress: CongressSession,
    hooks: TenantHooks,
    *,
    title: str,
    seats: int,
    candidates: Sequence[uuid.UUID],
    format_code: str,
    method: str,
    actor: str,
    runoff_of: VotingRound | None = None,
) -> VotingRound:
    """Create a draft round; 422 for an unknown format or method, a candidate not on the fixed list of the
    session's year (or no longer screened in), or the margin rule. A runoff's candidates are its round's
    tied candidates.

    platform/docs/domain.md, "Margin": a runoff among tied candidates is not subject to the margin rule.
    """
    ballot_format(hooks, format_code)
    if method not in {m.value for m in VotingMethod}:
        raise InvalidInput("Unknown voting method {method}", method=method)
    if runoff_of is None:
        await _check_candidates(session, congress, candidates)
        _check_margin(hooks, seats, len(candidates))
    elif not set(candidates) <= {uuid.UUID(c) for c in (runoff_of.result or {}).get("tied", [])}:
        raise RuleViolation("runoff", "A runoff is held among its round's tied candidates only")
    voting_round = VotingRound(
        session_id=congress.id,
        title=title.strip(),
        seats=seats,
        ballot_format=format_code,
        method=method,
        status=RoundStatus.DRAFT.value,
        runoff_of=runoff_of.id if runoff_of else None,
        created_by=actor,
    )
    session.add(voting_round)
    await session.flush()
    session.add_all(
        RoundCandidate(round_id=voting_round.id, project_id=project, position=position)
        for position, project in enumerate(candidates)
    )
    await session.flush()
    await audit.record(
        session,
        "round.created",
        actor=actor,
        subject=str(voting_round.id),
        payload={
            "session": str(congress.id),
            "title": voting_round.title,
            "seats": seats,
            "candidates": [str(c) for c in candidates],
            "ballot_format": format_code,
            "method": method,
            "runoff_of": str(runoff_of.id) if runoff_of else None,
        },
    )
    return voting_round


async def get_round(
    session: AsyncSession, round_id: uuid.UUID, *, for_update: bool = False, for_ballot: bool = False
) -> VotingRound:
    """A round of the tenant in context, or 404.

    ``for_update`` locks the round until the transaction ends (open, close, runoff); ``for_ballot``
    takes the weak lock a ballot holds, so a close waits for ballots already past the "open" check
    and a ballot arriving during the close sees the round closed (PostgreSQL; SQLite writes one at a time).
    """
    query = locked(select(VotingRound).where(VotingRound.id == round_id), exclusive=for_update, shared=for_ballot)
    return await one_or_not_found(
        session, query, NotFound("No voting round {round} in this tenant", round=str(round_id))
    )


async def candidates_of(session: AsyncSession, round_id: uuid.UUID) -> list[uuid.UUID]:
    """The round's candidate projects in ballot-paper order."""
    query = select(RoundCandidate.project_id).where(RoundCandidate.round_id == round_id)
    return list((await session.execute(query.order_by(RoundCandidate.position))).scalars())


async def runoff_of(session: AsyncSession, round_id: uuid.UUID) -> uuid.UUID | None:
    """The runoff round started from this one, if any."""
    query = select(VotingRound.id).where(VotingRound.runoff_of == round_id)
    return (await session.execute(query)).scalar_one_or_none()


async def ballots_received(session: AsyncSession, round_id: uuid.UUID) -> int:
    """How many deputies have voted electronically so far (for the hall's big screen)."""
    query = select(func.count()).select_from(Participation).where(Participation.round_id == round_id)
    return int((await session.execute(query)).scalar_one())


# How a round's status and voting method read inside a sentence (codes stay in the API's fields).
STATUS_TERMS = {
    RoundStatus.DRAFT.value: msgid("not yet open"),
    RoundStatus.OPEN.value: msgid("open for voting"),
    RoundStatus.CLOSED.value: msgid("closed"),
}
METHOD_TERMS = {
    VotingMethod.ELECTRONIC.value: msgid("electronic"),
    VotingMethod.PAPER.value: msgid("paper"),
    VotingMethod.MIXED.value: msgid("phone and paper"),
}


def method_term(method: str) -> Term:
    """The voting method ``method`` as a word translated with its sentence."""
    return Term(METHOD_TERMS.get(method, method))


def require_status(voting_round: VotingRound | Row[Any], status: RoundStatus) -> None:
    """409 unless the round is in ``status``."""
    if voting_round.status != status.value:
        raise Conflict(
            "The voting round is {status}; this can only be done while it is {required}",
            status=Term(STATUS_TERMS.get(voting_round.status, voting_round.status)),
            required=Term(STATUS_TERMS[status.value]),
        )


async def open_round(session: AsyncSession, round_id: uuid.UUID, hooks: TenantHooks, *, actor: str) -> VotingRound:
    """Open a draft round for ballots when the session has adopted its voting method and is quorate
    (platform/docs/domain.md: quorum), else 409.

    The number of deputies entitled is fixed here: the majority is counted against it at close.
    """
    voting_round = await get_round(session, round_id, for_update=True)
    require_status(voting_round, RoundStatus.DRAFT)
    sessions.require_voting_method(await sessions.get_session(session, voting_round.session_id))
    figures = await sessions.attendance(session, voting_round.session_id, hooks)
    if not figures.verdict.met:
        reason = figures.verdict.reason
        conflict = (
            Conflict(reason.message, **reason.params)
            if reason is not None
            else Conflict(
                "{present} of {entitled} deputies present: the quorum rule does not allow the vote",
                present=figures.present,
                entitled=figures.entitled,
            )
        )
        conflict.extra["rule"] = "quorum_rule"
        raise conflict
    voting_round.status = RoundStatus.OPEN.value
    voting_round.entitled = figures.entitled
    # Every phone ballot is sealed to this key; its private half stays out of the database until the close.
    await key_shares.round_key(session, voting_round, hooks)
    voting_round.opened_at = utcnow()
    await session.flush()
    await audit.record(
        session,
        "round.opened",
        actor=actor,
        subject=str(voting_round.id),
        payload={"entitled": figures.entitled, "present": figures.present, "required": figures.verdict.required},
    )
    return voting_round


async def withdraw_round(session: AsyncSession, round_id: uuid.UUID, *, actor: str) -> CongressSession:
    """Withdraw a round created by mistake, before it opens (409 after): it is deleted, and the audit
    chain keeps what it was. Returns its session."""
    voting_round = await get_round(session, round_id, for_update=True)
    require_status(voting_round, RoundStatus.DRAFT)
    congress = await sessions.get_session(session, voting_round.session_id)
    candidates = await candidates_of(session, voting_round.id)
    await session.execute(delete(RoundCandidate).where(RoundCandidate.round_id == voting_round.id))
    await session.delete(voting_round)
    await session.flush()
    await audit.record(
        session,
        "round.withdrawn",
        actor=actor,
        subject=str(round_id),
        payload={
            "session": str(congress.id),
            "title": voting_round.title,
            "seats": voting_round.seats,
            "candidates": [str(c) for c in candidates],
            "ballot_format": voting_round.ballot_format,
            "method": voting_round.method,
            "created_by": voting_round.created_by,
        },
    )
    return congress


async def create_runoff(
    session: AsyncSession, round_id: uuid.UUID, hooks: TenantHooks, *, title: str | None, actor: str
) -> VotingRound:
    """Start the runoff among the tied candidates of a closed round, for its remaining seats (one per round)."""
    previous = await get_round(session, round_id, for_update=True)
    require_status(previous, RoundStatus.CLOSED)
    result = previous.result or {}
    if previous.outcome != "runoff_required" or not result.get("tied"):
        raise Conflict("The voting round did not end in a tie: no runoff is needed")
    if await runoff_of(session, previous.id) is not None:
        raise Conflict("A runoff of this voting round already exists")
    congress = await sessions.get_session(session, previous.session_id)
    try:
        async with session.begin_nested():
            return await create_round(
                session,
                congress,
                hooks,
                title=title or previous.title,
                seats=int(result["remaining_seats"]),
                candidates=[uuid.UUID(c) for c in result["tied"]],
                format_code=previous.ballot_format,
                method=previous.method,
                actor=actor,
                runoff_of=previous,
            )
    except IntegrityError as exc:
        raise Conflict("A runoff of this voting round already exists") from exc
