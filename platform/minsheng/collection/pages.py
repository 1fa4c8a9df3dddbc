"""Citizens' pages for phones (no login): the suggestion form and a suggestion's status page."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.datastructures import State, UploadFile
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.collection import rules
from minsheng.collection import services as collection
from minsheng.collection.models import Channel
from minsheng.errors import DomainError, InvalidFields, TooManyRequests
from minsheng.http.dependencies import services
from minsheng.http.pages import render_tenant_page
from minsheng.http.scope import TenantScope, public
from minsheng.i18n import msgid
from minsheng.projects import services as projects

PUBLIC_CHANNELS = (Channel.ONLINE.value, Channel.QR_CODE.value)
STATUS_WORDS = (msgid("received"), msgid("merged"), msgid("declined"))


def _client(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def _form(
    request: Request[Any, Any, Any],
    access: TenantScope,
    values: dict[str, str],
    *,
    status_code: int = 200,
    error: DomainError | None = None,
) -> Template:
    categories = list(access.hooks.project_categories().values())
    field_errors = {p.key: p.reason for p in error.problems} if isinstance(error, InvalidFields) else {}
    return render_tenant_page(
        request,
        access,
        "collection/suggest.html",
        status_code=status_code,
        categories=categories,
        values=values,
        error=error,
        field_errors=field_errors,
        minimum=rules.CONTENT_MIN,
        maximum=rules.CONTENT_MAX,
        max_photos=collection.MAX_PHOTOS,
    )


@public
@get("/t/{slug:str}/suggest", include_in_schema=False)
async def suggest_form(
    request: Request[Any, Any, Any],
    access: TenantScope,
    channel: str | None = None,
    place: str | None = None,
) -> Template:
    """The suggestion form; a poster's QR code presets the channel and the village (``?channel=&place=``)."""
    values = {
        "channel": channel if channel in PUBLIC_CHANNELS else Channel.ONLINE.value,
        "place": (place or "")[:100],
    }
    return _form(request, access, values)


async def posted_photos(form: Any) -> list[collection.Photo]:
    """The photos of a posted form (``photos`` parts); a file input left empty sends a nameless part."""
    photos = []
    for part in form.getall("photos", []):
        if isinstance(part, UploadFile) and part.filename:
            photos.append(collection.Photo(await part.read(), part.filename, part.content_type))
    return photos


@public
@post("/t/{slug:str}/suggest", include_in_schema=False, status_code=200)
async def suggest(
    request: Request[Any, Any, Any],
    access: TenantScope,
    state: State,
    db_session: AsyncSession,
) -> Template:
    """Submit the form, with optional photos (CSRF-checked by the middleware): shows the tracking
    code, or the form with errors."""
    data = await request.form()
    values = {
        name: str(data.get(name) or "")[:4000]
        for name in ("content", "category", "place", "contact_name", "contact_phone", "channel")
    }
    channel = values["channel"] if values["channel"] in PUBLIC_CHANNELS else Channel.ONLINE.value
    svc = services(state)
    try:
        await collection.check_submission_rate(svc.rate_limiter, svc.settings, _client(request))
        draft = rules.SuggestionDraft(
            values["content"],
            values["category"],
            values["place"][:100],
            values["contact_name"][:50],
            values["contact_phone"][:30],
        )
        # A savepoint: a photo refused after the suggestion was written takes the suggestion back too.
        async with db_session.begin_nested():
            row = await collection.submit_with_photos(
                db_session,
                svc.store,
                draft,
                collection.Origin(Channel(channel)),
                access.hooks,
                await posted_photos(data),
                max_bytes=svc.settings.max_upload_bytes,
            )
    except DomainError as error:
        response = _form(request, access, values, status_code=error.status_code, error=error)
        if isinstance(error, TooManyRequests):
            response.headers["Retry-After"] = str(error.retry_after)
        return response
    return render_tenant_page(request, access, "collection/submitted.html", status_code=201, code=row.code)


@public
@get("/t/{slug:str}/suggestions/{code:str}", include_in_schema=False)
async def suggestion_status(
    request: Request[Any, Any, Any], access: TenantScope, code: str, db_session: AsyncSession
) -> Template:
    """What became of a suggestion: received, merged into a project, or declined with the reason."""
    row = await collection.find_by_code(db_session, code)
    title = await projects.title_of(db_session, row.project_id) if row.project_id else None
    return render_tenant_page(request, access, "collection/status.html", suggestion=row, project_title=title)


ROUTES: list[Any] = [suggest_form, suggest, suggestion_status]
