"""The staff page creating a voting round (desktop): a session, the year's candidate list ticked in,
seats, a ballot format of the tenant's registry, electronic or paper; the margin rule's verdict shown
live (an HTMX fragment, as ``GET /rules/margin``) and its refusal shown again on submit.

Creating is ``POST /api/v1/t/{slug}/sessions/{id}/rounds`` (the same service, ``rounds.create_round``).
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.di import Provide
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.congress.hall import sessions
from minsheng.congress.models import CongressSession, VotingMethod
from minsheng.congress.voting import rounds
from minsheng.errors import DomainError, InvalidInput, NotFound
from minsheng.http.dependencies import TenantAccess
from minsheng.http.listing import parse_ids, posted_form
from minsheng.http.pages import PAGE_EXCEPTION_HANDLERS, ROUND_MANAGERS, provide_page_access
from minsheng.projects import candidates
from minsheng.projects import services as projects
from minsheng.web.templating import render

ACCESS = {"access": Provide(provide_page_access)}
MAX_SEATS = 1000
METHODS = (VotingMethod.ELECTRONIC.value, VotingMethod.PAPER.value)


def parse_seats(value: Any) -> int:
    """The seats typed into the form: a whole number from 1 to 1000, else 422 with a clear message."""
    text = str(value or "").strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_SEATS:
        raise InvalidInput("The number of seats must be a whole number from 1 to {maximum}", maximum=MAX_SEATS)
    return int(text)


def _session_id(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


async def _form_context(
    db_session: AsyncSession, access: TenantAccess, session_id: uuid.UUID | None, year: int | None
) -> dict[str, Any]:
    """The sessions to choose from, the chosen one, and the year's candidates (the list's, then others
    screened in), with the planned seats of the list."""
    congress_sessions, _total = await sessions.list_sessions(db_session, page=1, per_page=100)
    congress: CongressSession | None = next((s for s in congress_sessions if s.id == session_id), None)
    if congress is None and session_id is not None:
        congress = await sessions.get_session(db_session, session_id)  # 404 for another tenant's id
    if congress is None and congress_sessions:
        congress = congress_sessions[0]
    year = year or (congress.date.year if congress else None)
    hooks = access.hooks
    listed: list[uuid.UUID] = []
    planned: int | None = None
    fixed = False
    accepted: list[Any] = []
    if year:
        try:
            state = await candidates.get(db_session, year, hooks)
            listed, planned, fixed = (
                [p.id for p in state.projects],
                state.row.planned_seats,
                state.row.status == "fixed",
            )
        except NotFound:
            pass
        accepted, _count = await projects.pool(
            db_session, projects.PoolFilter(status="accepted", year=year), page=1, per_page=None
        )
        order = {project_id: index for index, project_id in enumerate(listed)}
        accepted.sort(key=lambda p: order.get(p.id, len(order)))
    return {
        "congress_sessions": congress_sessions,
        "congress": congress,
        "year": year,
        "projects": accepted,
        "listed": set(listed),
        "list_fixed": fixed,
        "planned_seats": planned,
        "formats": sorted(hooks.ballot_formats().values(), key=lambda f: f.code),
        "methods": METHODS,
        "hooks": hooks,
    }


async def _page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    db_session: AsyncSession,
    session_id: uuid.UUID | None,
    year: int | None,
    *,
    values: dict[str, Any] | None = None,
    error: DomainError | None = None,
) -> Template:
    context = await _form_context(db_session, access, session_id, year)
    hooks = context.pop("hooks")
    chosen = values["candidates"] if values else [p.id for p in context["projects"] if p.id in context["listed"]]
    seats = values["seats"] if values else (context["planned_seats"] or max(1, len(chosen) - 1))
    first_format = context["formats"][0].code if context["formats"] else ""
    return render(
        request,
        "congress/round_new.html",
        status_code=error.status_code if error else 200,
        tenant=access.tenant,
        user=access.principal,
        chosen=set(chosen),
        seats=seats,
        count=len(chosen),
        verdict=hooks.margin_rule(seats=seats, candidates=len(chosen)) if seats else None,
        values=values or {"title": "", "ballot_format": first_format, "method": METHODS[0]},
        error=error,
        **context,
    )


@get("/t/{slug:str}/congress/new-round", dependencies=ACCESS)
async def new_round_form(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    db_session: AsyncSession,
    session: str | None = None,
    year: int | None = None,
) -> Template:
    """The form creating a voting round of ``?session=`` (else the latest) from ``?year=``'s candidates."""
    access.require(*ROUND_MANAGERS)
    return await _page(
        request, access, db_session, _session_id(session), year if year and 2000 <= year <= 2100 else None
    )


@get("/t/{slug:str}/congress/new-round/margin", dependencies=ACCESS)
async def margin_fragment(request: Request[Any, Any, Any], access: TenantAccess, db_session: AsyncSession) -> Template:
    """The margin rule's verdict on the form as it is now (HTMX swaps it in on every change)."""
    access.require(*ROUND_MANAGERS)
    count = len(request.query_params.getall("candidates", []))
    try:
        seats = parse_seats(request.query_params.get("seats"))
    except InvalidInput as error:
        return render(request, "staff/margin_fragment.html", error=error, verdict=None, count=count)
    verdict = access.hooks.margin_rule(seats=seats, candidates=count)
    return render(request, "staff/margin_fragment.html", error=None, verdict=verdict, count=count, seats=seats)


@post("/t/{slug:str}/congress/new-round", dependencies=ACCESS, status_code=303)
async def create_round_page(
    request: Request[Any, Any, Any], access: TenantAccess, db_session: AsyncSession
) -> Redirect | Template:
    """Create the round; a refusal (margin rule, unknown format, a candidate not screened in) is shown
    on the form with what was typed, and nothing is written."""
    user = access.require(*ROUND_MANAGERS)
    form = await posted_form(request)
    session_id = _session_id(form.get("session_id"))
    year_text = str(form.get("year") or "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
    values: dict[str, Any] = {
        "title": str(form.get("title") or "")[:200],
        "ballot_format": str(form.get("ballot_format") or "")[:50],
        "method": str(form.get("method") or "")[:20],
        "candidates": [],
        "seats": None,
    }
    try:
        values["candidates"] = parse_ids(form.getall("candidates", []))
        values["seats"] = parse_seats(form.get("seats"))
        if session_id is None:
            raise InvalidInput("Choose the congress session of the round")
        if not values["title"].strip():
            raise InvalidInput("Give the round a title")
        if not values["candidates"]:
            raise InvalidInput("Tick at least one candidate project")
        if values["method"] not in METHODS:
            raise InvalidInput("Choose electronic or paper voting")
        congress = await sessions.get_session(db_session, session_id)
        async with db_session.begin_nested():  # a refusal leaves nothing half-written
            voting_round = await rounds.create_round(
                db_session,
                congress,
                title=values["title"],
                seats=values["seats"],
                candidates=values["candidates"],
                format_code=values["ballot_format"],
                method=values["method"],
                actor=user.username,
            )
    except DomainError as error:
        if error.status_code == 404:
            raise
        return await _page(request, access, db_session, session_id, year, values=values, error=error)
    return Redirect(
        f"/t/{access.tenant.slug}/congress/sessions/{voting_round.session_id}#round-{voting_round.id}", status_code=303
    )


_ROUTER = Router(
    path="/",
    route_handlers=[new_round_form, margin_fragment, create_round_page],
    exception_handlers=PAGE_EXCEPTION_HANDLERS,
    include_in_schema=False,
)

ROUTES: list[Any] = [_ROUTER]
