"""Staff pages for suggestions gathered on paper (liaison stations, symposiums, letters) and the
coverage of the collection (which villages and channels were heard).

The same use cases as ``POST /suggestions/batch`` and ``GET /coverage`` of the JSON API.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng import clock
from minsheng.collection import rules
from minsheng.collection import services as collection
from minsheng.collection.models import Channel
from minsheng.collection.staff_pages import CHANNELS, PAPER_CHANNELS
from minsheng.errors import InvalidFields
from minsheng.http.listing import posted_form
from minsheng.http.pages import render_tenant_page
from minsheng.http.pagination import YearFilter
from minsheng.http.scope import TenantScope, requires
from minsheng.i18n import translate
from minsheng.permissions import Permission
from minsheng.tenancy.places import own_places
from minsheng.web.templating import request_locale

ROWS = 8  # empty rows of the entry form; blank rows are ignored
ROW_FIELDS = ("content", "place", "category", "contact_name", "contact_phone")
LIMITS = {"content": 4000, "place": 100, "category": 50, "contact_name": 50, "contact_phone": 30}


def _blank_rows(count: int = ROWS) -> list[dict[str, str]]:
    return [dict.fromkeys(ROW_FIELDS, "") for _ in range(count)]


def _entry_form(
    request: Request[Any, Any, Any],
    access: TenantScope,
    *,
    channel: str,
    meeting: str,
    rows: list[dict[str, str]],
    status_code: int = 200,
    error: InvalidFields | None = None,
    row_errors: dict[int, list[Any]] | None = None,
) -> Template:
    hooks = access.hooks
    return render_tenant_page(
        request,
        access,
        "staff/paper.html",
        status_code=status_code,
        channels=PAPER_CHANNELS,
        channel=channel,
        meeting=meeting,
        rows=rows,
        categories=list(hooks.project_categories().values()),
        error=error,
        row_errors=row_errors or {},
    )


@requires(Permission.SUGGESTIONS_ENTER)
@get("/t/{slug:str}/staff/paper", include_in_schema=False)
async def paper_form(request: Request[Any, Any, Any], access: TenantScope) -> Template:
    """The entry form for paper suggestions: one channel and meeting, several rows."""
    return _entry_form(request, access, channel=Channel.LIAISON_STATION.value, meeting="", rows=_blank_rows())


@requires(Permission.SUGGESTIONS_ENTER)
@post("/t/{slug:str}/staff/paper", include_in_schema=False, status_code=201)
async def paper_entry(request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession) -> Template:
    """Store the filled rows (all or none); shows their tracking codes to write on the paper."""
    user = access.user
    form = await posted_form(request)
    channel = str(form.get("channel") or "")
    channel = channel if channel in PAPER_CHANNELS else Channel.OTHER.value
    meeting = str(form.get("meeting") or "").strip()[:200]
    rows = [
        {name: str(form.get(f"{name}_{index}") or "")[: LIMITS[name]] for name in ROW_FIELDS} for index in range(ROWS)
    ]
    filled = [index for index, row in enumerate(rows) if any(value.strip() for value in row.values())]
    drafts = [
        rules.SuggestionDraft(
            rows[i]["content"], rows[i]["category"], rows[i]["place"], rows[i]["contact_name"], rows[i]["contact_phone"]
        )
        for i in filled
    ]
    try:
        if not drafts:
            raise InvalidFields("Fill in at least one suggestion", problems=[])
        origin = collection.Origin(Channel(channel), meeting or None, user.username)
        stored = await collection.enter_batch(db_session, drafts, origin, access.hooks)
    except InvalidFields as error:
        row_errors: dict[int, list[Any]] = {}
        for problem in error.problems:
            if problem.row is not None:
                row_errors.setdefault(filled[problem.row], []).append(problem.reason)
        return _entry_form(
            request,
            access,
            channel=channel,
            meeting=meeting,
            rows=rows,
            status_code=422,
            error=error,
            row_errors=row_errors,
        )
    return render_tenant_page(
        request,
        access,
        "staff/paper_done.html",
        status_code=201,
        stored=stored,
        meeting=meeting,
    )


@requires(Permission.SUGGESTIONS_READ)
@get("/t/{slug:str}/staff/coverage", include_in_schema=False)
async def coverage_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    year: YearFilter = None,
) -> Template:
    """Suggestions per village and per channel over time (ECharts), villages not heard highlighted."""
    hooks = access.hooks
    tz = clock.zone_of(hooks.tenant)
    year = year or rules.collection_year(tz=tz)
    counts = await collection.coverage(db_session, year, own_places(access.tenant), tz=tz)
    days = sorted({day for _channel, day, _n in counts.by_channel_day})
    per_channel = {channel: [0] * len(days) for channel in CHANNELS if channel in dict(counts.by_channel)}
    position = {day: index for index, day in enumerate(days)}
    locale = request_locale(request)
    for channel, day, n in counts.by_channel_day:
        per_channel[channel][position[day]] = n
    chart = {
        "places": [place or translate("(no village given)", locale) for place, _n in counts.by_place],
        "placeCounts": [n for _place, n in counts.by_place],
        "silentPlaces": counts.places_without_suggestions,
        "days": [day.isoformat() for day in days],
        "channels": [translate(channel, locale) for channel in per_channel],
        "series": list(per_channel.values()),
    }
    return render_tenant_page(
        request,
        access,
        "staff/coverage.html",
        year=year,
        coverage=counts,
        chart=chart,
    )


ROUTES: list[Any] = [paper_form, paper_entry, coverage_page]
