"""Translations: zh-CN first, English second.

Message ids are English; the catalogs are the ``.po`` files under ``web/i18n/<locale>/LC_MESSAGES/``.
They are compiled in memory the first time a locale is used, so there is no compile step and no ``.mo``
file to keep in step with its source.

Placeholders use ``str.format`` names: ``translate("A user named {username} already exists", locale,
username=name)``. A message given without parameters is returned as translated, never formatted, so a
text that is already translated (or holds a literal brace) can be passed through ``translate`` safely.

Texts translated later, at render time, are marked with :func:`msgid` so that extraction finds them::

    NOT_FOUND = msgid("Not found")          # where the text is defined
    translate(NOT_FOUND, locale)            # where it is shown

``python -m minsheng.web.i18n check`` lists the marked texts missing from a catalog; ``... update`` adds
them (untranslated) to every catalog, ready for a translator.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from string import Formatter
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.numbers import format_decimal
from babel.support import Translations

SUPPORTED_LOCALES: tuple[str, ...] = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"
LANG_COOKIE = "lang"
# Times are shown in China's time zone; naive datetimes are taken as UTC (Babel's convention).
DISPLAY_TIMEZONE = ZoneInfo("Asia/Shanghai")

# This package's folder holds the catalogs too: ``<locale>/LC_MESSAGES/messages.po``. (A package rather
# than a module ``i18n.py`` beside an ``i18n/`` folder, which type checkers take for a namespace package.)
CATALOG_DIR = Path(__file__).resolve().parent
PACKAGE_DIR = CATALOG_DIR.parent.parent

# Functions whose first (for ngettext: first two) string arguments are message ids.
EXTRACTION_KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "msgid": None,
    "translate": None,
    # Domain refusals and rule reasons carry their msgid as a literal argument (minsheng.errors).
    "DomainError": None,
    "InvalidInput": None,
    "InvalidFields": None,
    "Unauthorized": None,
    "Forbidden": None,
    "NotFound": None,
    "Conflict": None,
    "TooManyRequests": None,
    "RuleViolation": (2,),
    "UploadRefused": None,
    "Reason": None,
}

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


def catalog_path(locale: str) -> Path:
    """The ``.po`` file of ``locale``."""
    return CATALOG_DIR / locale / "LC_MESSAGES" / "messages.po"


def read_catalog(locale: str) -> Catalog:
    """Parse the ``.po`` file of ``locale``."""
    with catalog_path(locale).open("rb") as source:
        return read_po(source, locale=locale, domain="messages")


@lru_cache(maxsize=len(SUPPORTED_LOCALES))
def translator(locale: str) -> Translations:
    """A gettext translations object for ``locale`` (compiled in memory from its ``.po``, cached).

    It has ``gettext``, ``ngettext``, ``pgettext`` and ``npgettext``, so it also suits Jinja's
    ``install_gettext_translations``. Untranslated and fuzzy messages fall back to the English id.
    """
    buffer = BytesIO()
    write_mo(buffer, read_catalog(_supported(locale)), use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain="messages")


def reload_catalogs() -> None:
    """Forget the compiled catalogs, so the next use reads the ``.po`` files again."""
    translator.cache_clear()


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


def format_datetime(value: dt.datetime, locale: str, format: str = "medium") -> str:
    """``value`` in China's time zone, in the locale's words ("2024年3月1日 14:00:00")."""
    return babel_format_datetime(value, format, tzinfo=DISPLAY_TIMEZONE, locale=_supported(locale))


def format_date(value: dt.date, locale: str, format: str = "long") -> str:
    """``value`` in the locale's words ("2024年3月1日", "March 1, 2024")."""
    return babel_format_date(value, format, locale=_supported(locale))


# --- extraction -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    """Where a message id was found in the source."""

    path: str
    line: int


def _skip_directory(path: str) -> bool:
    name = Path(path).name
    return not (name.startswith((".", "_")) or name == "node_modules")


def extract_messages(root: Path = PACKAGE_DIR) -> dict[str | tuple[str, str], list[Occurrence]]:
    """Every message id marked in the Python code and the templates under ``root``.

    Python: calls of ``_``, ``gettext``, ``ngettext``, ``msgid`` and ``translate`` with literal strings.
    Templates (``web/templates``): ``_()``, ``gettext()``, ``ngettext()`` and ``{% trans %}`` blocks.
    A plural message is keyed by its (singular, plural) pair.
    """
    method_map = [
        ("**.py", "python"),
        ("**/templates/**.html", "jinja2.ext:babel_extract"),
        ("**/templates/**.txt", "jinja2.ext:babel_extract"),
    ]
    options_map = {
        "**/templates/**.html": {"extensions": "jinja2.ext.i18n", "silent": "false"},
        "**/templates/**.txt": {"extensions": "jinja2.ext.i18n", "silent": "false"},
    }
    found: dict[str | tuple[str, str], list[Occurrence]] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        str(root),
        method_map=method_map,
        options_map=options_map,
        keywords=EXTRACTION_KEYWORDS,
        directory_filter=_skip_directory,
    ):
        key: str | tuple[str, str] = (message[0], message[1]) if isinstance(message, tuple) else message
        found.setdefault(key, []).append(Occurrence(filename, line))
    return found


def missing_messages(
    locale: str, messages: Iterable[str | tuple[str, str]] | None = None
) -> list[str | tuple[str, str]]:
    """The extracted message ids (or the given ones) that the catalog of ``locale`` lacks."""
    catalog = read_catalog(locale)
    wanted = extract_messages() if messages is None else messages
    return sorted(
        (key for key in wanted if catalog.get(key[0] if isinstance(key, tuple) else key) is None),
        key=lambda key: key if isinstance(key, str) else key[0],
    )


def placeholders(text: str) -> set[str]:
    """The ``str.format`` field names in ``text`` ("{minutes} min" -> {"minutes"})."""
    return {field for _literal, field, _spec, _conversion in Formatter().parse(text) if field is not None}


def _update_catalogs() -> int:
    extracted = extract_messages()
    for locale in SUPPORTED_LOCALES:
        catalog = read_catalog(locale)
        added = 0
        for key in extracted:
            if isinstance(key, tuple):
                if catalog.get(key[0]) is None:
                    catalog.add(key, ("", ""))
                    added += 1
            elif catalog.get(key) is None:
                catalog.add(key, "")
                added += 1
        if added:
            with catalog_path(locale).open("wb") as target:
                write_po(target, catalog, width=110, no_location=True, omit_header=False)
        print(f"{locale}: {added} message(s) added")
    return 0


def _check_catalogs() -> int:
    extracted = extract_messages()
    problems = 0
    for locale in SUPPORTED_LOCALES:
        for key in missing_messages(locale, extracted):
            problems += 1
            where = ", ".join(f"{o.path}:{o.line}" for o in extracted[key])
            print(f"{locale}: missing {key!r} ({where})")
    untranslated = [m.id for m in read_catalog(DEFAULT_LOCALE) if m.id and not all(_strings(m.string))]
    for message_id in untranslated:
        problems += 1
        print(f"{DEFAULT_LOCALE}: untranslated {message_id!r}")
    return 1 if problems else 0


def _strings(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ("",)
    return (value,) if isinstance(value, str) else tuple(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minsheng.web.i18n", description=__doc__)
    parser.add_argument("command", choices=("check", "update"))
    arguments = parser.parse_args(argv)
    return _check_catalogs() if arguments.command == "check" else _update_catalogs()


if __name__ == "__main__":
    sys.exit(main())
