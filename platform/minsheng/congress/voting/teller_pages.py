"""The tellers' desktop pages (计票人): enter paper ballots one by one, see how the entries compare.

A teller types every ballot of the box as marked, on a form laid out like the deputy's phone ballot
(``pages_deputy.ballot_kind``); each ballot posted is one batch of ``ballots.enter_paper_ballots``, so
the running count, the comparison and the undo are the paper flow's own (``paper.comparison``,
``paper.withdraw_batch``). The page shows no more than ``GET /rounds/{id}/paper-entries`` answers a
teller: each teller's totals and the markings whose counts differ.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, Router, get, post
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.models import Role
from minsheng.congress import ballots
from minsheng.congress.hall import reading as hall
from minsheng.congress.hall.reading import CandidateLine
from minsheng.congress.models import RoundStatus, VotingMethod, VotingRound
from minsheng.congress.voting import paper, rounds
from minsheng.congress.voting.phone_pages import CHOICES, ballot_from_form, ballot_kind
from minsheng.errors import DomainError, InvalidInput
from minsheng.http.dependencies import TenantAccess
from minsheng.http.pages import PAGE_EXCEPTION_HANDLERS, form_text, provide_page_access, render_tenant_page

ACCESS = {"access": Provide(provide_page_access)}
FORM = Body(media_type=RequestEncodingType.URL_ENCODED)


def paper_content(kind: str, lines: list[CandidateLine], data: dict[str, Any], *, blank: bool) -> Any:
    """The ballot as the teller typed it, in the API's shape (pure); 422 when it cannot be read.

    Paper is entered as marked, never corrected: an unmarked candidate on a yes/no ballot is left out
    and too many ticks stay ticked, so the ballot format decides what is invalid, as in the API.
    ``blank`` is a ballot with no mark at all; a ``quick`` line, when typed, wins over the form's marks.
    """
    if blank:
        return {} if kind == "choices" else []
    quick = form_text(data, "quick", 200)
    if quick.strip():
        return quick_content(kind, lines, quick)
    draft = ballot_from_form(kind, lines, data)
    if kind == "choices":
        return {pid: choice for pid, choice in (draft.choices or {}).items() if choice in CHOICES}
    if draft.problem is not None:
        raise InvalidInput(draft.problem.message, **draft.problem.params)
    return draft.selected or []


QUICK_CHOICES = {"y": "yes", "n": "no", "a": "abstain", "-": None, ".": None}


def quick_content(kind: str, lines: list[CandidateLine], text: str) -> Any:
    """The ballot typed on one line (pure), for a clerk who types hundreds: candidate numbers for a
    selection (``1 3``) or a ranking (most urgent first, ``3 1``); for yes/no/abstain one letter per
    candidate in ballot-paper order (``y``, ``n``, ``a``, ``-`` for no mark, ``yn-``). 422 when unreadable."""
    text = text.strip().lower()
    if kind == "choices":
        letters = [c for c in text if not c.isspace() and c != ","]
        if len(letters) != len(lines) or any(c not in QUICK_CHOICES for c in letters):
            raise InvalidInput("Type one of y, n, a or - for each of the {count} candidates", count=len(lines))
        return {
            str(line.project_id): QUICK_CHOICES[c] for line, c in zip(lines, letters, strict=True) if QUICK_CHOICES[c]
        }
    numbers = text.replace(",", " ").split()
    if any(not n.isdigit() or not 1 <= int(n) <= len(lines) for n in numbers):
        raise InvalidInput("Type candidate numbers from 1 to {count}", count=len(lines))
    if len(set(numbers)) != len(numbers):
        raise InvalidInput("Type each candidate number once")
    return [str(lines[int(n) - 1].project_id) for n in numbers]


def marks(content: Any, lines: list[CandidateLine], *, ranked: bool) -> list[tuple[str, str | int | None]]:
    """A stored marking as (candidate title, mark) rows in ballot-paper order (pure): the choice code,
    the rank number of a ranking, ``"x"`` for a selection, None for no mark."""
    rows: list[tuple[str, str | int | None]] = []
    for line in lines:
        pid = str(line.project_id)
        if isinstance(content, dict):
            rows.append((line.title, content.get(pid)))
        elif isinstance(content, list) and pid in content:
            rows.append((line.title, content.index(pid) + 1 if ranked else "x"))
        else:
            rows.append((line.title, None))
    return rows


def _teller(access: TenantAccess) -> str:
    return access.require(Role.TELLER.value).username


def _taking_paper(voting_round: VotingRound) -> bool:
    return voting_round.status == RoundStatus.OPEN.value and voting_round.method == VotingMethod.PAPER.value


async def _entry_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    db_session: AsyncSession,
    voting_round: VotingRound,
    *,
    error: DomainError | None = None,
    values: dict[str, Any] | None = None,
    last: str | None = None,
    status_code: int = 200,
) -> Template:
    teller = _teller(access)
    ballot_format = await rounds.ballot_format(db_session, voting_round.ballot_format)
    lines = await hall.candidate_lines(db_session, voting_round.id)
    found = await paper.comparison(db_session, voting_round.id)
    mine = next((entry for entry in found.entries if entry.teller == teller), None)
    kind = ballot_kind(ballot_format)
    return render_tenant_page(
        request,
        access,
        "congress/teller_entry.html",
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
        voting_round=voting_round,
        ballot_format=ballot_format,
        kind=kind,
        lines=lines,
        taking=_taking_paper(voting_round),
        mine=mine,
        found=found,
        differences=[(marks(d["content"], lines, ranked=kind == "ranking"), d["counts"]) for d in found.differences],
        required=paper.REQUIRED_TELLERS,
        error=error,
        values=values or {},
        last=last if mine and last and any(str(b) == last for b in mine.batches) else None,
    )


@get("/t/{slug:str}/paper-ballots", dependencies=ACCESS)
async def paper_rounds_page(
    request: Request[Any, Any, Any], access: TenantAccess, db_session: AsyncSession
) -> Template:
    """The tenant's paper rounds open for entry, with how many ballots this teller has entered in each."""
    teller = _teller(access)
    open_now = [r for r in await hall.open_rounds(db_session) if r.method == VotingMethod.PAPER.value]
    entered = {}
    for voting_round in open_now:
        found = await paper.comparison(db_session, voting_round.id)
        entered[voting_round.id] = next((e.ballots for e in found.entries if e.teller == teller), 0)
    return render_tenant_page(request, access, "congress/teller_rounds.html", voting_rounds=open_now, entered=entered)


@get("/t/{slug:str}/paper-ballots/{round_id:uuid}", dependencies=ACCESS)
async def entry_form(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    round_id: uuid.UUID,
    db_session: AsyncSession,
    last: str | None = None,
) -> Template:
    """The entry form of a paper round, this teller's running count and the double-entry comparison."""
    _teller(access)
    voting_round = await rounds.get_round(db_session, round_id)
    return await _entry_page(request, access, db_session, voting_round, last=last)


@post("/t/{slug:str}/paper-ballots/{round_id:uuid}", dependencies=ACCESS, status_code=303)
async def enter_ballot(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    round_id: uuid.UUID,
    db_session: AsyncSession,
    data: Annotated[dict[str, Any], FORM],
) -> Redirect | Template:
    """Enter one paper ballot as marked, then back to an empty form (the refusal shown on the form)."""
    teller = _teller(access)
    voting_round = await rounds.get_round(db_session, round_id)
    ballot_format = await rounds.ballot_format(db_session, voting_round.ballot_format)
    lines = await hall.candidate_lines(db_session, round_id)
    try:
        content = paper_content(ballot_kind(ballot_format), lines, data, blank=bool(form_text(data, "blank")))
        async with db_session.begin_nested():  # a refusal leaves nothing half-written
            figures = await ballots.enter_paper_ballots(db_session, round_id, [content], teller=teller)
    except DomainError as error:
        voting_round = await rounds.get_round(db_session, round_id)  # 404 stays 404
        return await _entry_page(
            request, access, db_session, voting_round, error=error, values=data, status_code=error.status_code
        )
    return Redirect(f"/t/{access.tenant.slug}/paper-ballots/{round_id}?last={figures.entry_id}", status_code=303)


@post("/t/{slug:str}/paper-ballots/{round_id:uuid}/undo", dependencies=ACCESS, status_code=303)
async def undo_ballot(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    round_id: uuid.UUID,
    db_session: AsyncSession,
    data: Annotated[dict[str, Any], FORM],
) -> Redirect | Template:
    """Withdraw the ballot this teller has just entered (a typing slip), while the round is open."""
    teller = _teller(access)
    try:
        entry_id = uuid.UUID(form_text(data, "entry", 40))
    except ValueError:
        entry_id = None
    try:
        if entry_id is None:
            raise InvalidInput("Nothing to undo")
        async with db_session.begin_nested():
            await paper.withdraw_batch(db_session, round_id, entry_id, teller=teller)
    except DomainError as error:
        voting_round = await rounds.get_round(db_session, round_id)
        return await _entry_page(request, access, db_session, voting_round, error=error, status_code=error.status_code)
    return Redirect(f"/t/{access.tenant.slug}/paper-ballots/{round_id}", status_code=303)


_ROUTER = Router(
    path="/",
    route_handlers=[paper_rounds_page, entry_form, enter_ballot, undo_ballot],
    exception_handlers=PAGE_EXCEPTION_HANDLERS,
    include_in_schema=False,
)

ROUTES: list[Any] = [_ROUTER]
