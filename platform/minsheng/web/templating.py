"""Jinja2 templates for the HTML pages, each rendered in its request's language.

The translation functions in templates (``_``, ``gettext``, ``ngettext``) and the filters ``number``,
``datetime``, ``date``, ``wan_yuan`` and ``tenant_level`` find the locale in the template context: the
``lang`` variable if set (``render`` sets it), else the ``request`` Litestar puts in every template's
context, else zh_CN. So one environment serves every request, and a ``Template`` response built without
``render`` (an exception handler's, say) still speaks its reader's language.

Dates and times are shown in the tenant's zone (``minsheng.clock``): the ``time_zone`` variable if set
(a document or a page for another tenant), else the zone of the request's tenant (its scope), else
Beijing time. ``{{ moment|date }}`` is the day a stored UTC moment falls on there, ``{{ moment|datetime
("minute") }}`` the day and the minute ("2027年1月1日 00:30").

Write messages as ``{{ _("A user named {username} already exists", username=name) }}``: English id,
``str.format`` placeholders, values escaped by autoescaping like any other output. Plurals:
``{{ ngettext("{num} project", "{num} projects", count) }}``. Macros imported from another template
see the locale only when imported ``with context``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, pass_context
from jinja2.runtime import Context
from litestar.connection import ASGIConnection
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template import TemplateConfig
from litestar.utils.scope.state import ScopeState
from markupsafe import Markup

from minsheng import clock
from minsheng.http.scope import scope_of
from minsheng.i18n import (
    DEFAULT_LOCALE,
    LANG_COOKIE,
    SUPPORTED_LOCALES,
    format_date,
    format_datetime,
    format_number,
    msgid,
    negotiate_locale,
    translate,
    translate_plural,
)
from minsheng.plugins.manager import get_plugin_manager
from minsheng.web.navigation import may, may_open, page_navigation

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

# The hidden form field and the htmx request header that carry the CSRF token. Litestar's CSRF
# middleware reads the header, or else its own form field.
CSRF_FIELD = "_csrf"
CSRF_HEADER = "X-CSRF-Token"
MIDDLEWARE_CSRF_FIELD = "_csrf_token"

_STATUS_TITLES = {
    400: msgid("Bad request"),
    401: msgid("Authentication required"),
    403: msgid("Forbidden"),
    404: msgid("Not found"),
    405: msgid("Method not allowed"),
    409: msgid("Conflict"),
    413: msgid("The upload is too large"),
    422: msgid("The request is not valid"),
    429: msgid("Too many requests"),
    500: msgid("Internal error"),
    503: msgid("Service unavailable"),
}
_SOMETHING_WENT_WRONG = msgid("Something went wrong")


def status_title(status: int) -> str:
    """The message id of the usual title for an HTTP error ``status`` (translate it to show it)."""
    return _STATUS_TITLES.get(status, _SOMETHING_WENT_WRONG)


def request_locale(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The locale of a request: its ``lang`` cookie, else its ``Accept-Language``, else zh_CN."""
    return negotiate_locale(connection.headers.get("accept-language"), connection.cookies.get(LANG_COOKIE))


def local_redirect_target(target: str | None, default: str = "/") -> str:
    """``target`` if it is a path on this site (for ``?next=``), else ``default``: never another host."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or any(character in target for character in "\\\r\n\t")
        or len(target) > 2000
    ):
        return default
    return target


# --- what templates see -----------------------------------------------------------------------------


def _context_locale(context: Context) -> str:
    lang = context.get("lang")
    if isinstance(lang, str) and lang in SUPPORTED_LOCALES:
        return lang
    request = context.get("request")
    if isinstance(request, ASGIConnection):
        return request_locale(request)
    return DEFAULT_LOCALE


@pass_context
def _gettext(context: Context, message: object, /, **params: object) -> str:
    return translate(message if isinstance(message, str) else str(message), _context_locale(context), **params)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, count: int, /, **params: object) -> str:
    return translate_plural(singular, plural, count, _context_locale(context), **params)


@pass_context
def _current_locale(context: Context) -> str:
    return _context_locale(context)


@pass_context
def _current_path(context: Context) -> str:
    """The path and query of the page being rendered, for ``?next=`` links."""
    request = context.get("request")
    if not isinstance(request, ASGIConnection):
        return "/"
    # The path as the browser sent it: Litestar's normalized ``url.path`` drops a trailing slash.
    raw_path = request.scope.get("raw_path")
    # (Some test clients put the query into raw_path too, against the ASGI spec.)
    path = raw_path.decode("latin-1").partition("?")[0] if isinstance(raw_path, bytes) else ""
    path = path or request.url.path
    query = request.url.query
    return path + (f"?{query}" if query else "")


def _middleware_csrf_token(context: Context) -> str:
    """The request's CSRF token (bound to its session, ``minsheng.http.csrf``), or ""."""
    request = context.get("request")
    if isinstance(request, ASGIConnection):
        token = ScopeState.from_scope(request.scope).csrf_token
        return token if isinstance(token, str) else ""
    return ""


@pass_context
def _csrf_value(context: Context) -> str:
    """The value of the ``_csrf`` field: the ``csrf_token`` context variable, else the request's token
    (bound to its session, ``minsheng.http.csrf``)."""
    token = context.get("csrf_token")
    if isinstance(token, str):
        return token
    return _middleware_csrf_token(context)


@pass_context
def _csrf_header_value(context: Context) -> str:
    """The token htmx sends in ``X-CSRF-Token``: the middleware's (it reads that header), else ours."""
    return _middleware_csrf_token(context) or _csrf_value(context)


@pass_context
def _csrf_fields(context: Context) -> Markup:
    """The hidden CSRF fields of a form: ``_csrf`` and, under Litestar's middleware, ``_csrf_token``."""
    fields = Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, _csrf_value(context))
    middleware_token = _middleware_csrf_token(context)
    if middleware_token:
        fields += Markup('<input type="hidden" name="{}" value="{}">').format(MIDDLEWARE_CSRF_FIELD, middleware_token)
    return fields


def _context_zone(context: Context) -> tzinfo:
    """The zone a template shows times in (see the module docstring)."""
    given = context.get("time_zone")
    if isinstance(given, tzinfo):
        return given
    if isinstance(given, str):
        return clock.zone(given)
    request = context.get("request")
    scope = scope_of(request) if isinstance(request, ASGIConnection) else None
    return clock.zone_of(scope.hooks.tenant) if scope is not None else clock.zone()


# A moment to the minute, as an office writes it: the long date, then the time on a 24-hour clock.
_MINUTE_PATTERNS = {"zh_CN": "y年M月d日 HH:mm", "en": "MMM d, y, HH:mm"}


@pass_context
def _number_filter(context: Context, value: Any) -> str:
    return format_number(value, _context_locale(context))


@pass_context
def _datetime_filter(context: Context, value: Any, format: str = "medium") -> str:
    """A stored moment in the tenant's zone; ``format`` is Babel's (short, medium, long) or ``minute``."""
    locale = _context_locale(context)
    pattern = _MINUTE_PATTERNS.get(locale, _MINUTE_PATTERNS[DEFAULT_LOCALE]) if format == "minute" else format
    return format_datetime(value, locale, pattern, zone=_context_zone(context))


@pass_context
def _date_filter(context: Context, value: Any, format: str = "long") -> str:
    """A day; a stored moment is the day it falls on in the tenant's zone."""
    return format_date(value, _context_locale(context), format, zone=_context_zone(context))


@pass_context
def _wan_yuan_filter(context: Context, value: Any) -> str:
    """An amount of yuan in 万元, as offices write budgets: "12.5万元" (at most two decimals)."""
    locale = _context_locale(context)
    text = format_decimal(Decimal(str(value or 0)) / 10_000, format="#,##0.##", locale=locale)
    return translate("{amount} × 10,000 yuan", locale, amount=text)


def _schema(plugin: str) -> Mapping[str, object]:
    schema = get_plugin_manager().settings_schemas().get(plugin)
    return schema if isinstance(schema, Mapping) else {}


@pass_context
def _plugin_title(context: Context, plugin: str) -> str:
    """A plugin as the pages name it: its settings schema's ``title`` (a message id), else its name."""
    title = _schema(plugin).get("title")
    return translate(title, _context_locale(context)) if isinstance(title, str) and title else plugin


@pass_context
def _setting_title(context: Context, plugin: str, key: str) -> str:
    """A setting as the pages name it: the ``title`` its plugin's schema gives it, else its key."""
    properties = _schema(plugin).get("properties")
    spec = properties.get(key) if isinstance(properties, Mapping) else None
    title = spec.get("title") if isinstance(spec, Mapping) else None
    return translate(title, _context_locale(context)) if isinstance(title, str) and title else key


@pass_context
def _setting_value(context: Context, value: object) -> str:
    """A setting's value in words: yes or no, a list joined as offices write one, a time zone by its
    name, a choice by its label (the choices of a schema's ``enum`` are message ids), other text as it
    is (a catalog knows no such message)."""
    locale = _context_locale(context)
    if isinstance(value, bool):
        return translate(msgid("Setting on") if value else msgid("Setting off"), locale)
    if isinstance(value, list | tuple):
        return translate("、", locale).join(str(item) for item in value) or "—"
    if isinstance(value, str) and value in clock.TIME_ZONE_NAMES:
        return translate(clock.TIME_ZONE_NAMES[value], locale)
    if isinstance(value, str):
        return translate(value, locale)
    return "—" if value is None else str(value)


@pass_context
def _tenant_level_filter(context: Context, level: object) -> str:
    """A tenant level ("county" or an enum of it) as a word of the reader's language (县)."""
    code = level.value if isinstance(level, Enum) else level
    return translate(str(code), _context_locale(context))


def make_environment() -> Environment:
    """The Jinja environment of the pages: ``web/templates``, autoescaping, i18n, our helpers."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Old-style callables on purpose: Jinja's "newstyle" wrappers would format with ``%`` and never
    # pass the parameters on, while our messages use ``str.format`` placeholders. ``{% trans %}``
    # blocks still work: Jinja fills their ``%(name)s`` placeholders after our lookup.
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_gettext, ngettext=_ngettext, newstyle=False
    )
    environment.globals.update(
        current_locale=_current_locale,
        current_path=_current_path,
        csrf_value=_csrf_value,
        csrf_header_value=_csrf_header_value,
        csrf_fields=_csrf_fields,
        status_title=status_title,
        staff_navigation=page_navigation,
        may=may,
        may_open=may_open,
        plugin_title=_plugin_title,
        setting_title=_setting_title,
        supported_locales=SUPPORTED_LOCALES,
        CSRF_FIELD=CSRF_FIELD,
        CSRF_HEADER=CSRF_HEADER,
    )
    environment.filters.update(
        number=_number_filter,
        datetime=_datetime_filter,
        date=_date_filter,
        wan_yuan=_wan_yuan_filter,
        setting_value=_setting_value,
        tenant_level=_tenant_level_filter,
    )
    return environment


def make_template_config() -> TemplateConfig[JinjaTemplateEngine]:
    """Litestar's template configuration for the pages (pass it as ``template_config``)."""
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(make_environment()))


def render(
    request: ASGIConnection[Any, Any, Any, Any],
    template_name: str,
    /,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    """A page response: ``template_name`` rendered with ``context`` in the request's language.

    The context gets ``lang`` (the locale, "zh_CN" or "en") unless the caller sets it.
    """
    locale = request_locale(request)
    return Template(
        template_name=template_name,
        context={"lang": locale, **context},
        status_code=status_code,
        headers={
            "Content-Language": locale.replace("_", "-"),
            "Vary": "Accept-Language, Cookie",
            **(headers or {}),
        },
    )


@lru_cache(maxsize=1)
def _shared_environment() -> Environment:
    return make_environment()


def render_to_string(template_name: str, locale: str, /, **context: Any) -> str:
    """``template_name`` rendered outside a request (documents, e-mails), in ``locale``."""
    return _shared_environment().get_template(template_name).render({"lang": locale, **context})


__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "STATIC_DIR",
    "TEMPLATES_DIR",
    "local_redirect_target",
    "make_environment",
    "make_template_config",
    "render",
    "render_to_string",
    "request_locale",
    "status_title",
]
