"""The staff page editing a year's candidate list: screened-in projects ticked in, planned seats, and
the tenant's margin rule shown live against them (an HTMX fragment, as ``GET /rules/margin``).

Saving and fixing are ``PUT /candidate-lists/{year}`` and ``POST /candidate-lists/{year}/fix``.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import Parameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.collection.rules import collection_year
from minsheng.errors import DomainError, InvalidInput, NotFound
from minsheng.http.dependencies import TenantAccess
from minsheng.http.listing import STAFF_ROLES, login_first, parse_ids, posted_form
from minsheng.http.pages import render_tenant_page
from minsheng.projects import candidates
from minsheng.projects import services as projects
from minsheng.projects.pages import MEMBERS
from minsheng.web.templating import render

YearParam = Parameter(ge=2000, le=2100)
MAX_SEATS = 1000


def _seats(value: Any) -> int:
    text = str(value or "").strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_SEATS:
        raise InvalidInput(
            "The planned number of projects must be a whole number from 1 to {maximum}", maximum=MAX_SEATS
        )
    return int(text)


async def _page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    db_session: AsyncSession,
    year: int,
    *,
    status_code: int = 200,
    error: DomainError | None = None,
    chosen: list[Any] | None = None,
    seats: int | None = None,
) -> Template:
    hooks = access.hooks
    try:
        state: candidates.CandidateListState | None = await candidates.get(db_session, year, hooks)
    except NotFound:
        state = None
    accepted, _total = await projects.pool(
        db_session, projects.PoolFilter(status="accepted", year=year), page=1, per_page=None
    )
    listed = [p.id for p in state.projects] if state else []
    chosen_ids = chosen if chosen is not None else listed
    # The listed projects first, in their order; then the other screened-in ones.
    order = {project_id: index for index, project_id in enumerate(chosen_ids)}
    accepted.sort(key=lambda p: order.get(p.id, len(order)))
    planned = seats or (state.row.planned_seats if state else max(1, len(accepted) - 1))
    return render_tenant_page(
        request,
        access,
        "staff/candidates.html",
        status_code=status_code,
        year=year,
        state=state,
        projects=accepted,
        chosen=set(chosen_ids),
        supporters=await projects.supporters(db_session, [p.id for p in accepted]),
        category_names={c.code: c.name for c in hooks.project_categories().values()},
        planned_seats=planned,
        verdict=hooks.margin_rule(seats=planned, candidates=len(chosen_ids)),
        seats=planned,
        count=len(chosen_ids),
        can_edit=access.principal is not None
        and (access.principal.is_platform_admin or "presidium" in access.roles)
        and not (state and state.row.status == candidates.FIXED),
        error=error,
    )


@get("/t/{slug:str}/staff/candidates", include_in_schema=False, dependencies=MEMBERS, before_request=login_first)
async def this_year(access: TenantAccess) -> Redirect:
    """The candidate list of the current collection year."""
    access.require(*STAFF_ROLES)
    return Redirect(f"/t/{access.tenant.slug}/staff/candidates/{collection_year()}", status_code=303)


@get(
    "/t/{slug:str}/staff/candidates/{year:int}",
    include_in_schema=False,
    dependencies=MEMBERS,
    before_request=login_first,
)
async def candidates_page(
    request: Request[Any, Any, Any], access: TenantAccess, db_session: AsyncSession, year: int = YearParam
) -> Template:
    """The year's candidate list and the projects screened in that may join it."""
    access.require(*STAFF_ROLES)
    return await _page(request, access, db_session, year)


@get(
    "/t/{slug:str}/staff/candidates/{year:int}/margin",
    include_in_schema=False,
    dependencies=MEMBERS,
    before_request=login_first,
)
async def margin_fragment(
    request: Request[Any, Any, Any], access: TenantAccess, db_session: AsyncSession, year: int = YearParam
) -> Template:
    """The margin rule's verdict on the form as it is now (HTMX swaps it in on every change)."""
    access.require(*STAFF_ROLES)
    seats_text = request.query_params.get("planned_seats", "")
    count = len(request.query_params.getall("project_ids", []))
    hooks = access.hooks
    try:
        seats = _seats(seats_text)
    except InvalidInput as error:
        return render(request, "staff/margin_fragment.html", error=error, verdict=None, count=count)
    verdict = hooks.margin_rule(seats=seats, candidates=count)
    return render(request, "staff/margin_fragment.html", error=None, verdict=verdict, count=count, seats=seats)


@post("/t/{slug:str}/staff/candidates/{year:int}", include_in_schema=False, dependencies=MEMBERS)
async def save_action(
    request: Request[Any, Any, Any], access: TenantAccess, db_session: AsyncSession, year: int = YearParam
) -> Template | Redirect:
    """Save the draft list (the presidium), or fix it when ``action=fix`` and the margin rule allows."""
    user = access.require("presidium")
    form = await posted_form(request)
    chosen = parse_ids(form.getall("project_ids", []))
    seats: int | None = None
    try:
        seats = _seats(form.get("planned_seats"))
        hooks = access.hooks
        # A savepoint: a refused fix takes back the draft saved just before it too.
        async with db_session.begin_nested():
            await candidates.save_draft(db_session, year, seats, chosen, hooks, actor=user.username)
            if form.get("action") == "fix":
                await candidates.fix(db_session, year, hooks, actor=user.username)
    except DomainError as error:
        return await _page(
            request,
            access,
            db_session,
            year,
            status_code=error.status_code,
            error=error,
            chosen=chosen,
            seats=seats,
        )
    return Redirect(f"/t/{access.tenant.slug}/staff/candidates/{year}", status_code=303)


ROUTES: list[Any] = [this_year, candidates_page, margin_fragment, save_action]
