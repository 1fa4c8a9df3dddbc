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
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.models import Role
from minsheng.congress.hall import checkin_code, sessions
from minsheng.congress.hall import reading as hall
from minsheng.congress.hall.reading import CandidateLine
from minsheng.congress.models import Deputy, RoundStatus, VotingMethod, VotingRound
from minsheng.congress.roster import services as roster
from minsheng.congress.voting import casting, rounds
from minsheng.errors import Conflict, DomainError, Forbidden
from minsheng.http.dependencies import TenantAccess, services
from minsheng.http.pages import PAGE_EXCEPTION_HANDLERS, form_list, form_text, provide_page_access, render_tenant_page
from minsheng.plugins.registries import BallotFormat
from minsheng.plugins.verdicts import Reason

ACCESS = {"access": Provide(provide_page_access)}
CHOICES = ("yes", "no", "abstain")


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


async def _deputy(db_session: AsyncSession, access: TenantAccess) -> Deputy:
    principal = access.require(Role.DEPUTY.value)
    deputy = await roster.deputy_of_user(db_session, principal.user_id)
    if deputy is None:
        raise Forbidden("You are not a deputy on this tenant's roster")
    return deputy


@get("/t/{slug:str}/check-in/{session_id:uuid}", dependencies=ACCESS)
async def qr_check_in(
    request: Request[Any, Any, Any],
    access: TenantAccess,
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
    _row, already = await sessions.check_in(
        db_session, congress, deputy, actor=access.require(Role.DEPUTY.value).username
    )
    return render_tenant_page(
        request,
        access,
        "congress/checked_in.html",
        congress=congress,
        deputy=deputy,
        expired=False,
        already=already,
    )


@get("/t/{slug:str}/vote", dependencies=ACCESS)
async def open_rounds_page(request: Request[Any, Any, Any], access: TenantAccess, db_session: AsyncSession) -> Template:
    """The rounds open for the deputy's vote now, and whether the deputy has voted in each."""
    deputy = await _deputy(db_session, access)
    open_now = [r for r in await hall.open_rounds(db_session) if r.method == VotingMethod.ELECTRONIC.value]
    voted = {r.id for r in open_now if await hall.has_voted(db_session, r.id, deputy.id)}
    return render_tenant_page(
        request,
        access,
        "congress/vote_rounds.html",
        deputy=deputy,
        voting_rounds=open_now,
        voted=voted,
    )


async def _ballot_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    db_session: AsyncSession,
    voting_round: VotingRound,
    *,
    step: str = "form",
    draft: BallotDraft | None = None,
    data: dict[str, Any] | None = None,
    error: DomainError | Reason | None = None,
    status_code: int = 200,
    receipt: str | None = None,
) -> Template:
    ballot_format = await rounds.ballot_format(db_session, voting_round.ballot_format)
    return render_tenant_page(
        request,
        access,
        "congress/vote.html",
        status_code=status_code,
        # The deputy's own marks and receipt: never kept by a shared phone's cache or back button.
        headers={"Cache-Control": "no-store"},
        voting_round=voting_round,
        ballot_format=ballot_format,
        kind=ballot_kind(ballot_format),
        lines=await hall.candidate_lines(db_session, voting_round.id),
        step=step,
        draft=draft,
        values=data or {},
        error=error,
        receipt=receipt,
    )


async def _votable(
    db_session: AsyncSession, access: TenantAccess, round_id: uuid.UUID
) -> tuple[Deputy, VotingRound, str | None]:
    """The deputy, the round, and why the deputy cannot vote in it now (None: the ballot may be cast)."""
    deputy = await _deputy(db_session, access)
    voting_round = await rounds.get_round(db_session, round_id)
    if voting_round.status != RoundStatus.OPEN.value or voting_round.method != VotingMethod.ELECTRONIC.value:
        return deputy, voting_round, "closed"
    if await hall.has_voted(db_session, round_id, deputy.id):
        return deputy, voting_round, "voted"
    return deputy, voting_round, None


@get("/t/{slug:str}/vote/{round_id:uuid}", dependencies=ACCESS)
async def ballot_form(
    request: Request[Any, Any, Any], access: TenantAccess, round_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """The ballot of the round in its format, or why it cannot be cast (already voted, not open)."""
    _deputy_row, voting_round, blocked = await _votable(db_session, access, round_id)
    if blocked:
        return await _ballot_page(request, access, db_session, voting_round, step=blocked)
    return await _ballot_page(request, access, db_session, voting_round)


@post("/t/{slug:str}/vote/{round_id:uuid}", dependencies=ACCESS, status_code=200)
async def cast_from_phone(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    round_id: uuid.UUID,
    db_session: AsyncSession,
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template:
    """Two steps: the marked ballot is shown back for confirmation, then cast; the receipt follows."""
    _deputy_row, voting_round, blocked = await _votable(db_session, access, round_id)
    if blocked:
        return await _ballot_page(
            request, access, db_session, voting_round, step=blocked, status_code=409 if blocked == "voted" else 200
        )
    ballot_format = await rounds.ballot_format(db_session, voting_round.ballot_format)
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
                db_session, round_id, access.require(Role.DEPUTY.value), choices=draft.choices, selected=draft.selected
            )
    except Conflict as error:
        voting_round = await rounds.get_round(db_session, round_id)
        return await _ballot_page(
            request, access, db_session, voting_round, step="refused", error=error, status_code=409
        )
    return await _ballot_page(request, access, db_session, voting_round, step="receipt", draft=None, receipt=receipt)


_ROUTER = Router(
    path="/",
    route_handlers=[qr_check_in, open_rounds_page, ballot_form, cast_from_phone],
    exception_handlers=PAGE_EXCEPTION_HANDLERS,
    include_in_schema=False,
)

ROUTES: list[Any] = [_ROUTER]
