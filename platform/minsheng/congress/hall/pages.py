"""Staff pages of a congress session (desktop): sessions, the session's desk, agenda, check-in list,
and the confirmation before a round is opened or closed (both cannot be undone)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from litestar import Request, Router, get, post
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.congress.hall import agenda, sessions
from minsheng.congress.hall import reading as hall
from minsheng.congress.models import VotingMethod
from minsheng.congress.roster import services as roster
from minsheng.congress.voting import rounds, tally
from minsheng.errors import DomainError, InvalidFields, InvalidInput
from minsheng.http.dependencies import TenantAccess
from minsheng.http.pages import (
    PAGE_EXCEPTION_HANDLERS,
    ROUND_MANAGERS,
    STAFF,
    form_list,
    form_text,
    provide_page_access,
    render_tenant_page,
)
from minsheng.web.templating import render

ACCESS = {"access": Provide(provide_page_access)}
FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
CHECKIN_PAGE_SIZE = 100
STEPS = ("open", "close", "runoff")  # the round's steps that cannot be undone, each confirmed first


def _base(access: TenantAccess) -> str:
    return f"/t/{access.tenant.slug}/congress"


@get("/t/{slug:str}/congress", dependencies=ACCESS)
async def sessions_page(
    request: Request[Any, Any, Any], access: TenantAccess, db_session: AsyncSession, page: int = 1
) -> Template:
    """The tenant's congress sessions and a form to add one (staff, presidium)."""
    access.require(*ROUND_MANAGERS)
    page = max(page, 1)
    rows, total = await sessions.list_sessions(db_session, page=page, per_page=20)
    return render_tenant_page(
        request,
        access,
        "congress/sessions.html",
        congress_sessions=rows,
        total=total,
        page=page,
        per_page=20,
        error=None,
        values={},
    )


@post("/t/{slug:str}/congress/sessions", dependencies=ACCESS, status_code=303)
async def create_session_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    db_session: AsyncSession,
    data: Annotated[dict[str, Any], FORM],
) -> Redirect | Template:
    """Add a session from the form; back to the form with the error when the title or date is wrong."""
    user = access.require(*STAFF)
    title, day = form_text(data, "title", 200).strip(), form_text(data, "date", 20)
    try:
        if not title:
            raise InvalidInput("The session needs a title")
        try:
            on = date.fromisoformat(day)
        except ValueError as exc:
            raise InvalidInput("Give the date as YYYY-MM-DD") from exc
        congress = await sessions.create_session(db_session, title=title, on=on, actor=user.username)
    except DomainError as error:
        rows, total = await sessions.list_sessions(db_session, page=1, per_page=20)
        return render_tenant_page(
            request,
            access,
            "congress/sessions.html",
            status_code=error.status_code,
            congress_sessions=rows,
            total=total,
            page=1,
            per_page=20,
            error=error,
            values={"title": title, "date": day},
        )
    return Redirect(f"{_base(access)}/sessions/{congress.id}", status_code=303)


async def _desk_context(db_session: AsyncSession, session_id: uuid.UUID) -> dict[str, Any]:
    congress = await sessions.get_session(db_session, session_id)
    voting_rounds = await hall.rounds_of_session(db_session, session_id)
    counts = await hall.participations_by_round(db_session, [r.id for r in voting_rounds])
    lines = {r.id: await hall.candidate_lines(db_session, r.id) for r in voting_rounds}
    return {
        "congress": congress,
        "figures": await sessions.attendance(db_session, session_id),
        "agenda_items": await agenda.agenda_of(db_session, session_id),
        "voting_rounds": voting_rounds,
        "runoffs": {r.runoff_of for r in voting_rounds if r.runoff_of is not None},
        "received": counts,
        "lines": {rid: {str(c.project_id): c.title for c in found} for rid, found in lines.items()},
    }


@get("/t/{slug:str}/congress/sessions/{session_id:uuid}", dependencies=ACCESS)
async def session_desk(
    request: Request[Any, Any, Any], access: TenantAccess, session_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """The session's desk: attendance against the quorum, agenda, rounds with their open and close buttons."""
    access.require(*ROUND_MANAGERS)
    context = await _desk_context(db_session, session_id)
    return render_tenant_page(request, access, "congress/session.html", **context)


@get("/t/{slug:str}/congress/sessions/{session_id:uuid}/attendance", dependencies=ACCESS)
async def attendance_fragment(
    request: Request[Any, Any, Any], access: TenantAccess, session_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """The live attendance figures (HTMX polls this fragment on the desk and the check-in list)."""
    access.require(*ROUND_MANAGERS)
    congress = await sessions.get_session(db_session, session_id)
    figures = await sessions.attendance(db_session, session_id)
    return render(
        request, "congress/attendance_fragment.html", tenant=access.tenant, congress=congress, figures=figures
    )


@get("/t/{slug:str}/congress/sessions/{session_id:uuid}/agenda", dependencies=ACCESS)
async def agenda_page(
    request: Request[Any, Any, Any], access: TenantAccess, session_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """The agenda as an editable list; an empty agenda starts from the usual items (两报告一说明)."""
    access.require(*STAFF)
    congress = await sessions.get_session(db_session, session_id)
    items = await agenda.agenda_of(db_session, session_id)
    drafts = [agenda.AgendaDraft(i.title, i.presenter) for i in items]
    return render_tenant_page(
        request,
        access,
        "congress/agenda.html",
        congress=congress,
        drafts=drafts,
        suggested=not drafts,
        usual=agenda.USUAL_ITEMS,
        field_errors={},
        saved=False,
    )


@post("/t/{slug:str}/congress/sessions/{session_id:uuid}/agenda", dependencies=ACCESS, status_code=200)
async def save_agenda_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    session_id: uuid.UUID,
    db_session: AsyncSession,
    data: Annotated[dict[str, Any], FORM],
) -> Template:
    """Save the list: rows are taken in the order of their numbers; a row with neither title nor
    presenter is dropped (that is how an item is removed)."""
    user = access.require(*STAFF)
    congress = await sessions.get_session(db_session, session_id)
    titles, presenters, orders = form_list(data, "title"), form_list(data, "presenter"), form_list(data, "order")
    rows = []
    for index, title in enumerate(titles):
        presenter = presenters[index] if index < len(presenters) else ""
        if not title.strip() and not presenter.strip():
            continue
        try:
            order = float(orders[index]) if index < len(orders) and orders[index].strip() else index + 1.0
        except ValueError:
            order = index + 1.0
        rows.append((order, index, agenda.AgendaDraft(title[:400], presenter[:200])))
    drafts = [draft for _order, _index, draft in sorted(rows, key=lambda row: (row[0], row[1]))]
    field_errors: dict[tuple[int | None, str], Any] = {}
    status = 200
    try:
        await agenda.replace_agenda(db_session, congress, drafts, actor=user.username)
    except InvalidFields as error:
        field_errors = {(p.row, p.key): p.reason for p in error.problems}
        status = error.status_code
    return render_tenant_page(
        request,
        access,
        "congress/agenda.html",
        status_code=status,
        congress=congress,
        drafts=drafts,
        suggested=False,
        usual=agenda.USUAL_ITEMS,
        field_errors=field_errors,
        saved=status == 200,
    )


@get("/t/{slug:str}/congress/sessions/{session_id:uuid}/checkins", dependencies=ACCESS)
async def checkin_list(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    session_id: uuid.UUID,
    db_session: AsyncSession,
    q: str | None = None,
    page: int = 1,
) -> Template:
    """The roster with a check-in button per deputy (staff check in those without a phone), searchable."""
    access.require(*STAFF)
    congress = await sessions.get_session(db_session, session_id)
    page, query = max(page, 1), (q or "").strip()[:100] or None
    rows, total = await roster.list_deputies(db_session, page=page, per_page=CHECKIN_PAGE_SIZE, q=query)
    present = await hall.checked_in(db_session, session_id, [d.id for d, _u in rows])
    return render_tenant_page(
        request,
        access,
        "congress/checkins.html",
        congress=congress,
        rows=rows,
        present=present,
        total=total,
        page=page,
        per_page=CHECKIN_PAGE_SIZE,
        q=query or "",
        figures=await sessions.attendance(db_session, session_id),
    )


@post(
    "/t/{slug:str}/congress/sessions/{session_id:uuid}/checkins/{deputy_id:uuid}", dependencies=ACCESS, status_code=200
)
async def check_in_deputy(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    session_id: uuid.UUID,
    deputy_id: uuid.UUID,
    db_session: AsyncSession,
) -> Template | Redirect:
    """Check one deputy in (HTMX swaps the row; without JavaScript, back to the list)."""
    user = access.require(*STAFF)
    congress = await sessions.get_session(db_session, session_id)
    deputy = await roster.get_deputy(db_session, deputy_id)
    await sessions.check_in(db_session, congress, deputy, actor=user.username)
    if not request.headers.get("hx-request"):
        return Redirect(f"{_base(access)}/sessions/{session_id}/checkins", status_code=303)
    return render(
        request,
        "congress/checkin_row.html",
        tenant=access.tenant,
        congress=congress,
        deputy=deputy,
        username=await hall.username_of(db_session, deputy.user_id),
        is_present=True,
    )


async def _confirm(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    db_session: AsyncSession,
    round_id: uuid.UUID,
    action: str,
    *,
    error: DomainError | None = None,
    values: dict[str, str] | None = None,
) -> Template:
    voting_round = await rounds.get_round(db_session, round_id)
    congress = await sessions.get_session(db_session, voting_round.session_id)
    received = (await hall.participations_by_round(db_session, [round_id])).get(round_id, 0)
    return render_tenant_page(
        request,
        access,
        "congress/confirm.html",
        status_code=error.status_code if error else 200,
        congress=congress,
        voting_round=voting_round,
        action=action,
        error=error,
        figures=await sessions.attendance(db_session, congress.id),
        received=received,
        lines=await hall.candidate_lines(db_session, round_id),
        values=values or {},
        paper=voting_round.method == VotingMethod.PAPER.value,
    )


@get("/t/{slug:str}/congress/rounds/{round_id:uuid}/{action:str}", dependencies=ACCESS)
async def confirm_round_step(
    request: Request[Any, Any, Any], access: TenantAccess, round_id: uuid.UUID, action: str, db_session: AsyncSession
) -> Template:
    """Ask before opening or closing a round: what it will do, and that it cannot be undone."""
    access.require(*ROUND_MANAGERS)
    if action not in STEPS:
        raise InvalidInput("Unknown step {step}", step=action)
    return await _confirm(request, access, db_session, round_id, action)


def _count(values: dict[str, str], name: str) -> int | None:
    text = values.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) > 100_000:
        raise InvalidInput("Give the number of ballots as a whole number")
    return int(text)


@post("/t/{slug:str}/congress/rounds/{round_id:uuid}/{action:str}", dependencies=ACCESS, status_code=303)
async def do_round_step(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    round_id: uuid.UUID,
    action: str,
    db_session: AsyncSession,
    data: Annotated[dict[str, Any], FORM],
) -> Redirect | Template:
    """Open or close the round once confirmed; the refusal (quorum, paper counts ...) is shown on the page."""
    user = access.require(*ROUND_MANAGERS)
    values = {name: form_text(data, name, 20) for name in ("ballots_issued", "ballots_returned")}
    try:
        # A savepoint: a refusal (quorum, paper counts) leaves nothing half-done, and the page is redrawn.
        async with db_session.begin_nested():
            if action == "open":
                voting_round = await rounds.open_round(db_session, round_id, actor=user.username)
            elif action == "runoff":
                voting_round = await rounds.create_runoff(db_session, round_id, title=None, actor=user.username)
            elif action == "close":
                voting_round = await tally.close_round(
                    db_session,
                    round_id,
                    issued=_count(values, "ballots_issued"),
                    returned=_count(values, "ballots_returned"),
                    actor=user.username,
                )
            else:
                raise InvalidInput("Unknown step {step}", step=action)
    except DomainError as error:
        if error.status_code == 404:
            raise
        return await _confirm(request, access, db_session, round_id, action, error=error, values=values)
    return Redirect(f"{_base(access)}/sessions/{voting_round.session_id}#round-{voting_round.id}", status_code=303)


_ROUTER = Router(
    path="/",
    route_handlers=[
        sessions_page,
        create_session_page,
        session_desk,
        attendance_fragment,
        agenda_page,
        save_agenda_page,
        checkin_list,
        check_in_deputy,
        confirm_round_step,
        do_round_step,
    ],
    exception_handlers=PAGE_EXCEPTION_HANDLERS,
    include_in_schema=False,
)

ROUTES: list[Any] = [_ROUTER]
