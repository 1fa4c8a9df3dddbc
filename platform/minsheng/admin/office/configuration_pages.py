"""The office's configuration pages: its places, its negative list, and each plugin's settings form."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.admin.office import configuration, settings_form
from minsheng.admin.office.page_kit import back, office_page, refusal
from minsheng.errors import DomainError, InvalidFields
from minsheng.http.dependencies import services
from minsheng.http.pages import form_text
from minsheng.http.scope import TenantScope, requires
from minsheng.permissions import Permission
from minsheng.tenancy.places import own_places

P = Permission


def _base(access: TenantScope) -> str:
    return f"/t/{access.tenant.slug}/office"


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _places_page(request: Request[Any, Any, Any], access: TenantScope, **context: Any) -> Template:
    places = "\n".join(own_places(access.tenant))
    return office_page(
        request,
        access,
        "admin/office/places.html",
        section="places",
        **{"text": places, "error": None, **context},
    )


@requires(P.SETTINGS_MANAGE)
@get("/t/{slug:str}/office/places", include_in_schema=False)
async def places_page(request: Request[Any, Any, Any], access: TenantScope, done: str | None = None) -> Template:
    """The villages and communities collection must reach, one per line (this congress's own list)."""
    return _places_page(request, access, done=done)


@requires(P.SETTINGS_MANAGE)
@post("/t/{slug:str}/office/places", include_in_schema=False, status_code=303)
async def save_places(request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession) -> Response[Any]:
    """Replace the places; coverage and the QR posters follow at once."""
    text = form_text((await request.form()).dict(), "places", 60_000)
    try:
        await configuration.set_places(db_session, access.tenant, _lines(text), actor=access.user.username)
    except DomainError as error:
        return _places_page(request, access, text=text, **await refusal(request, db_session, error))
    return back(f"{_base(access)}/places", "places")


def _negative_page(request: Request[Any, Any, Any], access: TenantScope, **context: Any) -> Template:
    found = configuration.negative_list(access.tenant, access.hooks)
    return office_page(
        request,
        access,
        "admin/office/negative_list.html",
        section="negative_list",
        own=found.own,
        parent=access.parent,
        **{"text": "\n".join(found.terms), "error": None, **context},
    )


@requires(P.SETTINGS_MANAGE)
@get("/t/{slug:str}/office/negative-list", include_in_schema=False)
async def negative_list_page(request: Request[Any, Any, Any], access: TenantScope, done: str | None = None) -> Template:
    """The negative list screening applies here: the office's own, or the one of the level above."""
    return _negative_page(request, access, done=done)


@requires(P.SETTINGS_MANAGE)
@post("/t/{slug:str}/office/negative-list", include_in_schema=False, status_code=303)
async def save_negative_list(
    request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession
) -> Response[Any]:
    """Save the office's own list, or (``inherit``) follow the level above again."""
    form = (await request.form()).dict()
    text = form_text(form, "terms", 20_000)
    terms = None if form.get("inherit") else _lines(text)
    try:
        await configuration.set_negative_list(db_session, access.tenant, terms, actor=access.user.username)
    except DomainError as error:
        return _negative_page(request, access, text=text, **await refusal(request, db_session, error))
    return back(f"{_base(access)}/negative-list", "negative_list")


@requires(P.SETTINGS_MANAGE)
@get("/t/{slug:str}/office/settings", include_in_schema=False)
async def settings_list(request: Request[Any, Any, Any], access: TenantScope, state: State) -> Template:
    """The plugins this congress uses that take settings, each with a link to its form."""
    plugins = configuration.configurable_plugins(services(state).plugins, access.hooks)
    return office_page(request, access, "admin/office/settings.html", section="settings", plugins=plugins)


def _pages(access: TenantScope, plugin: str) -> dict[str, str]:
    return {key: f"{_base(access)}/{page}" for (name, key), page in configuration.OWN_PAGES.items() if name == plugin}


def _plugin_page(
    request: Request[Any, Any, Any], access: TenantScope, plugin: str, schema: Any, **context: Any
) -> Template:
    fields = settings_form.fields_of(
        schema,
        access.hooks.tenant.settings(plugin),
        configuration.own_settings(access.tenant, plugin),
        _pages(access, plugin),
    )
    return office_page(
        request,
        access,
        "admin/office/plugin_settings.html",
        section="settings",
        plugin=plugin,
        title=schema.get("title") or plugin,
        fields=fields,
        **{"error": None, "field_errors": {}, "submitted": None, **context},
    )


@requires(P.SETTINGS_MANAGE)
@get("/t/{slug:str}/office/settings/{plugin:str}", include_in_schema=False)
async def plugin_settings_page(
    request: Request[Any, Any, Any], access: TenantScope, plugin: str, state: State, done: str | None = None
) -> Template:
    """A plugin's settings as a form generated from its schema; each field set here or inherited."""
    schema = configuration.settings_schema(services(state).plugins, access.hooks, plugin)
    return _plugin_page(request, access, plugin, schema, done=done)


@requires(P.SETTINGS_MANAGE)
@post("/t/{slug:str}/office/settings/{plugin:str}", include_in_schema=False, status_code=303)
async def save_plugin_settings(
    request: Request[Any, Any, Any], access: TenantScope, plugin: str, state: State, db_session: AsyncSession
) -> Response[Any]:
    """Save the form: each field checked by the schema, then the whole by the plugin's schema."""
    schema = configuration.settings_schema(services(state).plugins, access.hooks, plugin)
    form = {str(k): str(v)[:60_000] for k, v in (await request.form()).items()}
    own = configuration.own_settings(access.tenant, plugin)
    values, problems = settings_form.read_form(schema, form, own, _pages(access, plugin))
    try:
        if problems:
            raise InvalidFields("Some settings are not valid", problems=problems)
        await configuration.set_plugin_settings(
            db_session, access.tenant, plugin, schema, values, actor=access.user.username
        )
    except DomainError as error:
        shown = await refusal(request, db_session, error)
        return _plugin_page(request, access, plugin, schema, submitted=form, **shown)
    return back(f"{_base(access)}/settings/{plugin}", "settings")


ROUTES: list[Any] = [
    places_page,
    save_places,
    negative_list_page,
    save_negative_list,
    settings_list,
    plugin_settings_page,
    save_plugin_settings,
]
