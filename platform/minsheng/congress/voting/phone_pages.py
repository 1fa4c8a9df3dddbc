"""Deputies' phone pages: check in by the hall's QR code, vote in the open round, see the receipt.

A deputy's pages show the deputy's own ballot before it is cast and its receipt after, and never
anything of anyone else's vote (no counts, no other ballots).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Router, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.congress.hall import checkin_code, scrutiny, sessions
from minsheng.congress.hall import reading as hall
from minsheng.congress.hall.reading import CandidateLine
from minsheng.congress.models import Deputy, RoundStatus, VotingMethod, VotingRound
from minsheng.congress.roster import services as roster
from minsheng.congress.voting import casting, key_shares, rounds
from minsheng.congress.voting.casting import TAKES_PAPER_BALLOTS, TAKES_PHONE_BALLOTS
from minsheng.db.idempotency import checked_key
from minsheng.errors import DomainError, Forbidden
from minsheng.http.dependencies import services
from minsheng.http.pages import form_list, form_text, render_tenant_page
from minsheng.http.scope import TenantScope, requires
from minsheng.permissions import Permission
from minsheng.plugins.registries import BallotFormat
from minsheng.plugins.verdicts import Reason

CHOICES = ("yes", "no", "abstain")
PHONE_METHODS = {method.value for method in TAKES_PHONE_BALLOTS}
PAPER_METHODS = {method.value for method in TAKES_PAPER_BALLOTS}


@dataclass(frozen=True)
class BallotDraft:
    """What the deputy marked on the phone, in the API's shape: ``choices`` or ``selected``."""

    choices: dict[str, str] | None
    selected: list[str] | None
    problem: Reason | None = None


def ballot_kind(ballot_format: BallotFormat) -> str:
    """How the phone shows a format (pure): a choice per candidate, a ranking, or a selection.

    Formats from plugins are drawn from their paper layout: columns that are all of yes/no/abstain mean
    a choice per candidate; an ordered format is a ranking; anything else is a list of selections.
    """
    columns = set(ballot_format.paper_layout.columns)
    if len(columns) > 1 and columns <= set(CHOICES):
        return "choices"
    if ballot_format.ordered:
        return "ranking"
    return "selection"


def yes_limit(ballot_format: BallotFormat, lines: Sequence[CandidateLine], seats: int) -> Reason | None:
    """Why the format refuses one yes more than ``seats`` (多选作废), or None when it does not (pure).

    Asked of the format itself, so the phone warns exactly when the ballot would be refused: the
    tenant's setting, or a region plugin's format, decides.
    """
    if len(lines) <= seats:
        return None
    probe = {str(line.project_id): "yes" if n <= seats else "no" for n, line in enumerate(lines)}
    return ballot_format.validate(probe, [str(line.project_id) for line in lines], seats)


def ballot_from_form(kind: str, lines: Sequence[CandidateLine], data: dict[str, Any]) -> BallotDraft:
    """The ballot the form describes (pure); ``problem`` when it is not even complete enough to check."""
    ids = [str(line.project_id) for line in lines]
    if kind == "choices":
        choices = {pid: form_text(data, f"choice-{pid}", 10) for pid in ids}
        if any(choice not in CHOICES for choice in choices.values()):
            return BallotDraft(choices, None, Reason("Mark yes, no or abstain for every candidate"))
        return BallotDraft(choices, None)
    if kind == "ranking":
        ranks: dict[str, int] = {}
        for pid in ids:
            text = form_text(data, f"rank-{pid}", 5).strip()
            if text:
                if not text.isdigit():
                    return BallotDraft(None, [], Reason("Choose a rank number"))
                ranks[pid] = int(text)
        if len(set(ranks.values())) != len(ranks):
            return BallotDraft(None, [], Reason("Give each rank number to one candidate only"))
        return BallotDraft(None, sorted(ranks, key=lambda pid: ranks[pid]))
    known = set(ids)
    return BallotDraft(None, [pid for pid in ids if pid in set(form_list(data, "selected")) & known])


async def _deputy(db_session: AsyncSession, access: TenantScope) -> Deputy:
    deputy = await roster.deputy_of_user(db_session, access.user.user_id)
    if deputy is None:
        raise Forbidden("You are not a deputy on this tenant's roster")
    return deputy


@requires(Permission.BALLOTS_CAST)
@get("/t/{slug:str}/check-in/{session_id:uuid}")
async def qr_check_in(
    request: Request[Any, Any, Any],
    access: TenantScope,
    session_id: uuid.UUID,
    state: State,
    db_session: AsyncSession,
    code: str | None = None,
) -> Template:
    """Opened by the hall's QR code: checks the signed-in deputy in while the code is fresh (else 403).

    Checking in changes nothing a forged link could exploit: the code is secret to the hall and
    short-lived, and a repeat is harmless (check-in is idempotent).
    """
    deputy = await _deputy(db_session, access)
    congress = await sessions.get_session(db_session, session_id)
    secret = services(state).settings.secret_key
    if not checkin_code.is_valid_code(secret, access.tenant.id, congress.id, code, time.time()):
        return render_tenant_page(
            request,
            access,
            "congress/checked_in.html",
            status_code=403,
            congress=congress,
            deputy=deputy,
            expired=True,
            already=False,
        )
    _row, already = await sessions.check_in(db_session, congress, deputy, actor=access.user.username)
    return render_tenant_page(
        request,
        access,
        "congress/checked_in.html",
        congress=congress,
        deputy=deputy,
        expired=False,
        already=already,
    )


@requires(Permission.BALLOTS_CAST)
@get("/t/{slug:str}/vote")
async def open_rounds_page(request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession) -> Template:
    """The rounds open for the deputy's vote now, and the rounds the deputy took part in (a closed one
    leads to its result); the sessions that approved the deputy as scrutineer lead to their paper ballots."""
    deputy = await _deputy(db_session, access)
    open_now = [r for r in await hall.open_rounds(db_session) if r.method in PHONE_METHODS]
    taken = await hall.rounds_taken_part_in(db_session, deputy.id)
    taken_ids = {r.id for r in taken}
    paper = {
        r.id
        for r in taken
        if r.method == VotingMethod.MIXED.value and await hall.took_paper(db_session, r.id, deputy.id)
    }
    return render_tenant_page(
        request,
        access,
        "congress/vote_rounds.html",
        deputy=deputy,
        voting_rounds=[r for r in open_now if r.id not in taken_ids],
        taken=taken,
        paper=paper,
        counting=await _counting_rounds(db_session, access),
        key_rounds=await key_shares.rounds_holding_a_share(db_session, access.user.username),
    )


async def _counting_rounds(db_session: AsyncSession, access: TenantScope) -> list[VotingRound]:
    """Open rounds with paper ballots of the sessions that approved the caller to count them."""
    found = []
    for voting_round in await hall.open_rounds(db_session):
        if voting_round.method in PAPER_METHODS and await scrutiny.may_count(
            db_session, access, voting_round.session_id
        ):
            found.append(voting_round)
    return found


async def _ballot_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    voting_round: VotingRound,
    *,
    step: str = "form",
    draft: BallotDraft | None = None,
    data: dict[str, Any] | None = None,
    error: DomainError | Reason | None = None,
    status_code: int = 200,
    receipt: str | None = None,
    checked: str | None = None,
) -> Template:
    ballot_format = rounds.ballot_format(access.hooks, voting_round.ballot_format)
    lines = await hall.candidate_lines(db_session, voting_round.id)
    kind = ballot_kind(ballot_format)
    return render_tenant_page(
        request,
        access,
        "congress/vote.html",
        status_code=status_code,
        # The deputy's own marks and receipt: never kept by a shared phone's cache or back button.
        headers={"Cache-Control": "no-store"},
        voting_round=voting_round,
        ballot_format=ballot_format,
        kind=kind,
        lines=lines,
        step=step,
        draft=draft,
        values=data or {},
        error=error,
        receipt=receipt,
        limit=yes_limit(ballot_format, lines, voting_round.seats) if kind == "choices" else None,
        # A new key for each ballot shown for confirmation: a resent confirmation gets the same receipt.
        idempotency_key=form_text(data or {}, "idempotency_key", 64) or str(uuid.uuid4()),
        result=voting_round.result if step == "result" else None,
        titles={str(line.project_id): line.title for line in lines},
        # A receipt the deputy checks against the closed round's list (inclusion, never content).
        checked=checked,
        found=step == "result" and checked is not None and checked in (voting_round.result or {}).get("receipts", []),
    )


def receipt_asked(value: str | None) -> str | None:
    """A receipt code as a deputy types it (spaces and case forgiven), or None when none was given."""
    code = "".join((value or "").split()).lower()[:16]
    return code or None


async def _votable(
    db_session: AsyncSession, access: TenantScope, round_id: uuid.UUID
) -> tuple[Deputy, VotingRound, str | None]:
    """The deputy, the round, and why the deputy cannot vote in it now (None: the ballot may be cast):
    ``result`` (closed), ``paper`` (took a paper ballot), ``voted``, or ``closed`` (not open, or paper)."""
    deputy = await _deputy(db_session, access)
    voting_round = await rounds.get_round(db_session, round_id)
    if voting_round.status == RoundStatus.CLOSED.value and voting_round.result is not None:
        return deputy, voting_round, "result"
    if voting_round.status != RoundStatus.OPEN.value or voting_round.method not in PHONE_METHODS:
        return deputy, voting_round, "closed"
    if await hall.took_paper(db_session, round_id, deputy.id):
        return deputy, voting_round, "paper"
    if await hall.has_voted(db_session, round_id, deputy.id):
        return deputy, voting_round, "voted"
    return deputy, voting_round, None


@requires(Permission.BALLOTS_CAST)
@get("/t/{slug:str}/vote/{round_id:uuid}")
async def ballot_form(
    request: Request[Any, Any, Any], access: TenantScope, round_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """The ballot of the round in its format, or why it cannot be cast (already voted, took paper, not
    open); a closed round's published result."""
    _deputy_row, voting_round, blocked = await _votable(db_session, access, round_id)
    if blocked:
        code = receipt_asked(request.query_params.get("receipt")) if blocked == "result" else None
        return await _ballot_page(request, access, db_session, voting_round, step=blocked, checked=code)
    return await _ballot_page(request, access, db_session, voting_round)


@requires(Permission.BALLOTS_CAST)
@post("/t/{slug:str}/vote/{round_id:uuid}", status_code=200)
async def cast_from_phone(
    request: Request[Any, Any, Any],
    access: TenantScope,
    round_id: uuid.UUID,
    db_session: AsyncSession,
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template:
    """Two steps: the marked ballot is shown back for confirmation, then cast; the receipt follows.

    The confirmation carries an idempotency key, so sending it twice (a lost answer) shows the same
    receipt. A ballot the format refuses (more yes than seats) is shown again with the reason before
    anything is sent.
    """
    key = form_text(data, "idempotency_key", 64) or None
    _deputy_row, voting_round, blocked = await _votable(db_session, access, round_id)
    if blocked and not (blocked == "voted" and key and form_text(data, "confirm")):
        conflict = blocked in ("voted", "paper")
        return await _ballot_page(
            request, access, db_session, voting_round, step=blocked, status_code=409 if conflict else 200
        )
    ballot_format = rounds.ballot_format(access.hooks, voting_round.ballot_format)
    lines = await hall.candidate_lines(db_session, round_id)
    draft = ballot_from_form(ballot_kind(ballot_format), lines, data)
    problem = draft.problem or ballot_format.validate(
        draft.choices if draft.choices is not None else draft.selected,
        [str(line.project_id) for line in lines],
        voting_round.seats,
    )
    if problem is not None or form_text(data, "edit"):
        return await _ballot_page(
            request,
            access,
            db_session,
            voting_round,
            draft=draft,
            data=data,
            error=problem,
            status_code=422 if problem is not None else 200,
        )
    if not form_text(data, "confirm"):
        return await _ballot_page(request, access, db_session, voting_round, step="confirm", draft=draft, data=data)
    try:
        async with db_session.begin_nested():
            receipt = await casting.cast_ballot(
                db_session,
                round_id,
                access.user,
                access.hooks,
                choices=draft.choices,
                selected=draft.selected,
                idempotency_key=checked_key(key),
            )
    except DomainError as error:
        if error.status_code == 404:
            raise
        voting_round = await rounds.get_round(db_session, round_id)
        return await _ballot_page(
            request, access, db_session, voting_round, step="refused", error=error, status_code=error.status_code
        )
    return await _ballot_page(request, access, db_session, voting_round, step="receipt", draft=None, receipt=receipt)


_ROUTER = Router(
    path="/",
    route_handlers=[qr_check_in, open_rounds_page, ballot_form, cast_from_phone],
    include_in_schema=False,
)

ROUTES: list[Any] = [_ROUTER]
