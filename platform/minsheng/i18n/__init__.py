"""Translations: zh-CN first, English second.

Message ids are English; the catalogs are the ``.po`` files under ``i18n/<locale>/LC_MESSAGES/``.
They are compiled in memory the first time a locale is used, so there is no compile step and no ``.mo``
file to keep in step with its source.

Placeholders use ``str.format`` names: ``translate("A user named {username} already exists", locale,
username=name)``. A message given without parameters is returned as translated, never formatted, so a
text that is already translated (or holds a literal brace) can be passed through ``translate`` safely.

Texts translated later, at render time, are marked with :func:`msgid` so that extraction finds them::

    NOT_FOUND = msgid("Not found")          # where the text is defined
    translate(NOT_FOUND, locale)            # where it is shown

``python -m minsheng.i18n check`` lists the marked texts missing from a catalog; ``... update`` adds
them (untranslated) to every catalog, ready for a translator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from importlib.metadata import entry_points
from importlib.util import find_spec
from io import BytesIO
from pathlib import Path
from string import Formatter
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

SUPPORTED_LOCALES: tuple[str, ...] = ("zh_CN", "en")
# Plugins are found like the plugin manager finds them; their catalogs live in ``<module>/locale``.
PLUGIN_ENTRY_POINT_GROUP = "minsheng"
PLUGIN_CATALOG_FOLDER = "locale"
DEFAULT_LOCALE = "zh_CN"
LANG_COOKIE = "lang"
# Times are shown in the tenant's zone (``minsheng.clock``); Beijing time when none is given. Naive
# datetimes are taken as UTC (Babel's convention).
DISPLAY_TIMEZONE = ZoneInfo("Asia/Shanghai")

# This package's folder holds the catalogs too: ``<locale>/LC_MESSAGES/messages.po``. (A package rather
# than a module ``i18n.py`` beside an ``i18n/`` folder, which type checkers take for a namespace package.)
CATALOG_DIR = Path(__file__).resolve().parent
PACKAGE_DIR = CATALOG_DIR.parent.parent

# The primary language of a browser's locale, mapped to the catalog that serves it. Any Chinese
# (traditional script included) reads the simplified catalog better than the English one.
_LANGUAGE_TO_LOCALE = {"zh": "zh_CN", "en": "en"}
_MAX_ACCEPT_LANGUAGE = 512
_MAX_LANGUAGE_RANGES = 16


def msgid(text: str) -> str:
    """Mark ``text`` as a message id for extraction; it is translated later, when shown."""
    return text


class Term(str):
    """A parameter that is itself a message id (a level, a status): translated with the sentence.

    Codes such as ``township`` inside a Chinese sentence read badly; passing ``Term(msgid("township"))``
    makes ``translate`` show 乡镇 there, while logs and ``str()`` keep the English word.
    """

    __slots__ = ()


def _translated_params(locale: str, params: Mapping[str, object]) -> dict[str, object]:
    return {key: translate(value, locale) if isinstance(value, Term) else value for key, value in params.items()}


# --- locales ----------------------------------------------------------------------------------------


def normalize_locale(value: str | None) -> str | None:
    """The supported locale named by ``value`` ("zh_CN", "zh-cn", "zh", "en-US", ...), or ``None``."""
    if not value:
        return None
    tag = value.strip().replace("_", "-")
    if not tag or len(tag) > 35:
        return None
    for supported in SUPPORTED_LOCALES:
        if tag.lower() == supported.replace("_", "-").lower():
            return supported
    try:
        language = Locale.parse(tag, sep="-").language
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    return _LANGUAGE_TO_LOCALE.get(language)


@lru_cache(maxsize=512)
def _locale_from_accept_language(header: str) -> str | None:
    ranges: list[tuple[float, int, str]] = []
    for position, part in enumerate(header[:_MAX_ACCEPT_LANGUAGE].split(",")[:_MAX_LANGUAGE_RANGES]):
        tag, _, parameters = part.strip().partition(";")
        quality = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and 0.0 < quality <= 1.0:
            ranges.append((-quality, position, tag))
    for _quality, _position, tag in sorted(ranges):
        locale = normalize_locale(tag)
        if locale is not None:
            return locale
    return None


def negotiate_locale(accept_language: str | None, cookie: str | None) -> str:
    """The locale to answer in: the ``lang`` cookie if it names a supported locale, else the best
    match in the ``Accept-Language`` header (by q-value), else zh_CN."""
    chosen = normalize_locale(cookie)
    if chosen is None and accept_language:
        chosen = _locale_from_accept_language(accept_language)
    return chosen or DEFAULT_LOCALE


def _supported(locale: str) -> str:
    if locale in SUPPORTED_LOCALES:
        return locale
    return normalize_locale(locale) or DEFAULT_LOCALE


# --- catalogs ---------------------------------------------------------------------------------------


def catalog_path(locale: str, catalog_dir: Path = CATALOG_DIR) -> Path:
    """The ``.po`` file of ``locale`` (the platform's, or a plugin's under its ``locale`` folder)."""
    return catalog_dir / locale / "LC_MESSAGES" / "messages.po"


def read_catalog(locale: str, catalog_dir: Path = CATALOG_DIR) -> Catalog:
    """Parse the ``.po`` file of ``locale``; a plugin without one for ``locale`` gets an empty catalog."""
    path = catalog_path(locale, catalog_dir)
    if catalog_dir != CATALOG_DIR and not path.exists():
        return Catalog(locale=locale, domain="messages")
    with path.open("rb") as source:
        return read_po(source, locale=locale, domain="messages")


@lru_cache(maxsize=1)
def plugin_catalog_dirs() -> tuple[Path, ...]:
    """The ``locale`` folders shipped beside the installed plugins' modules (entry-point group ``minsheng``).

    A plugin's labels and rule reasons are English message ids like the platform's; its own catalog
    translates them, so a plugin never needs an edit to the platform's catalog.
    """
    found: list[Path] = []
    for entry_point in sorted(entry_points(group=PLUGIN_ENTRY_POINT_GROUP), key=lambda e: e.name):
        module_name = entry_point.value.split(":", 1)[0]
        spec = find_spec(module_name)
        if spec is None or spec.origin is None:
            continue
        folder = Path(spec.origin).parent / PLUGIN_CATALOG_FOLDER
        if folder.is_dir():
            found.append(folder)
    return tuple(found)


def _compile(catalog: Catalog) -> Translations:
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain="messages")


@lru_cache(maxsize=len(SUPPORTED_LOCALES))
def translator(locale: str) -> Translations:
    """A gettext translations object for ``locale`` (compiled in memory from its ``.po``, cached).

    It has ``gettext``, ``ngettext``, ``pgettext`` and ``npgettext``, so it also suits Jinja's
    ``install_gettext_translations``. Untranslated and fuzzy messages fall back to the English id.
    The platform's catalog answers first; the plugins' catalogs answer what it does not know.
    """
    supported = _supported(locale)
    translations = _compile(read_catalog(supported))
    for folder in plugin_catalog_dirs():
        translations.add_fallback(_compile(read_catalog(supported, folder)))
    return translations


def reload_catalogs() -> None:
    """Forget the compiled catalogs, so the next use reads the ``.po`` files again."""
    translator.cache_clear()
    plugin_catalog_dirs.cache_clear()


def _format(translated: str, original: str, params: Mapping[str, object]) -> str:
    try:
        return translated.format_map(params)
    except (KeyError, IndexError, ValueError):
        # A translation with a broken placeholder must not break the page: show the English text.
        return original.format_map(params)


def translate(message: str, locale: str, /, **params: object) -> str:
    """Translate ``message`` (an English message id) into ``locale`` and fill in ``params``.

    Without ``params`` the translation is returned as it is, without formatting.
    """
    if not message:
        return message  # gettext("") would answer with the catalog's header
    translated = translator(_supported(locale)).gettext(message)
    return _format(translated, message, _translated_params(locale, params)) if params else translated


def translate_plural(singular: str, plural: str, count: int, locale: str, /, **params: object) -> str:
    """Translate a message with a plural form; ``{num}`` in it is ``count``."""
    translated = translator(_supported(locale)).ngettext(singular, plural, count)
    values = {"num": count, **_translated_params(locale, params)}
    return _format(translated, singular if count == 1 else plural, values)


# --- numbers and dates ------------------------------------------------------------------------------


def format_number(value: int | float | Decimal, locale: str) -> str:
    """``value`` with the locale's grouping and decimal signs (1,234,567.5)."""
    return format_decimal(value, locale=_supported(locale))


def format_datetime(value: dt.datetime, locale: str, format: str = "medium", zone: dt.tzinfo = DISPLAY_TIMEZONE) -> str:
    """``value`` on the clocks of ``zone`` (the tenant's; Beijing time by default), in the locale's
    words ("2024年3月1日 14:00:00"). A naive value is taken as UTC."""
    return babel_format_datetime(value, format, tzinfo=zone, locale=_supported(locale))


def format_date(value: dt.date, locale: str, format: str = "long", zone: dt.tzinfo = DISPLAY_TIMEZONE) -> str:
    """``value`` in the locale's words ("2024年3月1日", "March 1, 2024"). A moment (``datetime``) is
    the day it falls on in ``zone``, never its UTC date: 00:30 in Beijing is the new day."""
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        value = moment.astimezone(zone).date()
    return babel_format_date(value, format, locale=_supported(locale))


def placeholders(text: str) -> set[str]:
    """The ``str.format`` field names in ``text`` ("{minutes} min" -> {"minutes"})."""
    return {field for _literal, field, _spec, _conversion in Formatter().parse(text) if field is not None}
