"""Staff pages of collection (desktop, cookie login): the inbox, one suggestion with its duplicate
hints, declining, merging into a project, and the entry of suggestions gathered on paper.

Every action here is also in the JSON API (``collection/controllers.py``, ``projects/controllers.py``):
both call the same services.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng import clock
from minsheng.collection import hints
from minsheng.collection import services as collection
from minsheng.collection.models import Channel, SuggestionStatus
from minsheng.errors import InvalidInput, NotFound
from minsheng.files import services as files
from minsheng.http.listing import (
    Pager,
    day_end,
    day_start,
    one_of,
    parse_day,
    parse_ids,
    posted_form,
    text_filter,
)
from minsheng.http.pages import render_tenant_page
from minsheng.http.scope import TenantScope, requires
from minsheng.i18n import msgid
from minsheng.permissions import Permission
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.projects import services as projects

PER_PAGE = 20
CHANNELS = tuple(c.value for c in Channel)
STATUSES = tuple(s.value for s in SuggestionStatus)
# The channels' names (marked for the catalog): staff pick them when typing in paper suggestions.
CHANNEL_WORDS = (
    msgid("online"),
    msgid("qr_code"),
    msgid("notice"),
    msgid("liaison_station"),
    msgid("symposium"),
    msgid("letter"),
    msgid("email"),
    msgid("other"),
)
PAPER_CHANNELS = tuple(c for c in CHANNELS if c not in ("online", "qr_code"))


def staff_base(slug: str) -> str:
    return f"/t/{slug}/staff"


async def merge_targets(db_session: AsyncSession) -> list[Any]:
    """Projects a suggestion can join: those of the pool not rejected, newest first."""
    rows, _total = await projects.pool(db_session, projects.PoolFilter(), page=1, per_page=200)
    return [row for row in rows if row.status != "rejected"]


def _categories(hooks: TenantHooks) -> list[Any]:
    return list(hooks.project_categories().values())


async def _attachments(db_session: AsyncSession, file_ids: list[str]) -> list[Any]:
    """The stored files behind a suggestion's attachment ids (a file since removed is left out)."""
    found = []
    for file_id in file_ids:
        try:
            found.append(await files.get_file(db_session, uuid.UUID(str(file_id))))
        except (NotFound, ValueError):
            continue
    return found


@requires(Permission.SUGGESTIONS_READ)
@get("/t/{slug:str}/staff", include_in_schema=False)
async def staff_home(access: TenantScope) -> Redirect:
    """The staff's start: the inbox."""
    return Redirect(f"{staff_base(access.tenant.slug)}/suggestions", status_code=303)


@requires(Permission.SUGGESTIONS_READ)
@get("/t/{slug:str}/staff/suggestions", include_in_schema=False)
async def inbox_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    page: Annotated[int, QueryParameter(name="page", ge=1, le=100_000)] = 1,
    status: str | None = None,
    channel: str | None = None,
    place: str | None = None,
    category: str | None = None,
    q: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Template:
    """The inbox: filters (status, channel, place, category, dates), search, pages; select and merge."""
    hooks = access.hooks
    categories = _categories(hooks)
    tz = clock.zone_of(hooks.tenant)
    first, last = parse_day(since), parse_day(until)
    where = collection.InboxFilter(
        status=one_of(status, STATUSES),
        channel=one_of(channel, CHANNELS),
        place=text_filter(place, 100),
        category=one_of(category, [c.code for c in categories]),
        q=text_filter(q),
        since=day_start(first, tz),
        until=day_end(last, tz),
    )
    rows, total = await collection.inbox(db_session, where, page=page, per_page=PER_PAGE)
    filters = {
        "status": where.status or "",
        "channel": where.channel or "",
        "place": where.place or "",
        "category": where.category or "",
        "q": where.q or "",
        "since": first.isoformat() if first else "",
        "until": last.isoformat() if last else "",
    }
    return render_tenant_page(
        request,
        access,
        "staff/inbox.html",
        suggestions=rows,
        pager=Pager(page, PER_PAGE, total, filters),
        filters=filters,
        channels=CHANNELS,
        statuses=STATUSES,
        categories=categories,
        category_names={c.code: c.name for c in categories},
        targets=await merge_targets(db_session),
    )


@requires(Permission.SUGGESTIONS_READ)
@get("/t/{slug:str}/staff/suggestions/{suggestion_id:uuid}", include_in_schema=False)
async def suggestion_page(
    request: Request[Any, Any, Any], access: TenantScope, suggestion_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """One suggestion beside the most similar ones (duplicate hints), with decline and merge forms."""
    suggestion = await collection.get(db_session, suggestion_id)
    hooks = access.hooks
    project_title = await projects.title_of(db_session, suggestion.project_id) if suggestion.project_id else None
    return render_tenant_page(
        request,
        access,
        "staff/suggestion.html",
        suggestion=suggestion,
        project_title=project_title,
        similar=await collection.similar(db_session, suggestion_id, limit=5),
        likely=await hints.likely_projects(db_session, suggestion) if suggestion.status == "received" else [],
        attachments=await _attachments(db_session, suggestion.attachments or []),
        category_names={c.code: c.name for c in _categories(hooks)},
        categories=_categories(hooks),
        targets=await merge_targets(db_session),
    )


@requires(Permission.SUGGESTIONS_HANDLE)
@post("/t/{slug:str}/staff/suggestions/{suggestion_id:uuid}/decline", include_in_schema=False)
async def decline_action(
    request: Request[Any, Any, Any], access: TenantScope, suggestion_id: uuid.UUID, db_session: AsyncSession
) -> Redirect:
    """Decline with the reason the author will read (as ``POST /suggestions/{id}/decline``)."""
    user = access.user
    form = await posted_form(request)
    await collection.decline(db_session, suggestion_id, str(form.get("reason") or "")[:1000], actor=user.username)
    return Redirect(f"{staff_base(access.tenant.slug)}/suggestions/{suggestion_id}", status_code=303)


@requires(Permission.SUGGESTIONS_HANDLE)
@post("/t/{slug:str}/staff/suggestions/merge", include_in_schema=False)
async def merge_action(request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession) -> Redirect:
    """Merge the selected suggestions into an existing project or a new one (``POST /projects`` with
    ``suggestion_ids``, or ``POST /projects/{id}/suggestions``); then show the project. A new project
    also needs the permission to draft one."""
    user = access.user
    form = await posted_form(request)
    ids = parse_ids(form.getall("suggestion_ids", []))
    if not ids:
        raise InvalidInput("Select at least one suggestion to merge")
    # A "merge into this project" button of the hints names its project; else the form's choice.
    target = str(form.get("into_project") or form.get("project_id") or "")
    if target:
        project = await projects.merge(db_session, parse_ids([target])[0], ids, actor=user.username)
    else:
        access.require(Permission.PROJECTS_DRAFT)
        hooks = access.hooks
        title = str(form.get("title") or "").strip()[:200]
        content = str(form.get("content") or "").strip()[:10000]
        if not content:
            first = await collection.get(db_session, ids[0])
            content = first.content
        draft = projects.ProjectDraft(title=title, content=content, category=str(form.get("category") or "")[:50])
        project = await projects.create(db_session, draft, hooks, actor=user.username, suggestion_ids=ids)
    return Redirect(f"{staff_base(access.tenant.slug)}/projects/{project.id}", status_code=303)


ROUTES: list[Any] = [staff_home, inbox_page, suggestion_page, decline_action, merge_action]
