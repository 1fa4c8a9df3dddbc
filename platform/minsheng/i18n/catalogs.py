"""Keeping catalogs in step with the code: ``python -m minsheng.i18n check|update [--package DIR]``.

Without ``--package`` the platform's own catalogs are checked or updated. A plugin author points
``--package`` at the plugin's module folder (``plugins/zhejiang/minsheng_zhejiang``): its marked texts are
extracted and kept in ``<module>/locale/<locale>/LC_MESSAGES/messages.po``, which the platform loads
beside its own (``minsheng.i18n.plugin_catalog_dirs``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from minsheng.i18n import (
    CATALOG_DIR,
    DEFAULT_LOCALE,
    PACKAGE_DIR,
    PLUGIN_CATALOG_FOLDER,
    SUPPORTED_LOCALES,
    catalog_path,
    read_catalog,
)

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
    locale: str, messages: Iterable[str | tuple[str, str]] | None = None, package: Path | None = None
) -> list[str | tuple[str, str]]:
    """The extracted message ids (or the given ones) that the catalog of ``locale`` lacks.

    ``package``: a plugin's module folder (its catalog and its texts) instead of the platform's.
    """
    catalog = read_catalog(locale, _catalog_dir(package))
    wanted = extract_messages(package or PACKAGE_DIR) if messages is None else messages
    return sorted(
        (key for key in wanted if catalog.get(key[0] if isinstance(key, tuple) else key) is None),
        key=lambda key: key if isinstance(key, str) else key[0],
    )


def untranslated_messages(package: Path | None = None) -> list[str]:
    """The message ids of the default locale's catalog (platform or plugin) that have no translation."""
    catalog = read_catalog(DEFAULT_LOCALE, _catalog_dir(package))
    return [_key(m.id) for m in catalog if m.id and not all(_strings(m.string))]


def _catalog_dir(package: Path | None) -> Path:
    return CATALOG_DIR if package is None else package / PLUGIN_CATALOG_FOLDER


def _key(message_id: str | tuple[str, ...] | list[str]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def _update_catalogs(package: Path | None) -> int:
    extracted = extract_messages(package or PACKAGE_DIR)
    catalog_dir = _catalog_dir(package)
    for locale in SUPPORTED_LOCALES:
        catalog = read_catalog(locale, catalog_dir)
        added = 0
        for key in extracted:
            if isinstance(key, tuple):
                if catalog.get(key[0]) is None:
                    catalog.add(key, ("", ""))
                    added += 1
            elif catalog.get(key) is None:
                catalog.add(key, "")
                added += 1
        path = catalog_path(locale, catalog_dir)
        if added or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as target:
                write_po(target, catalog, width=110, no_location=True, omit_header=False)
        print(f"{locale}: {added} message(s) added")
    return 0


def _check_catalogs(package: Path | None) -> int:
    extracted = extract_messages(package or PACKAGE_DIR)
    problems = 0
    for locale in SUPPORTED_LOCALES:
        for key in missing_messages(locale, extracted, package):
            problems += 1
            where = ", ".join(f"{o.path}:{o.line}" for o in extracted[key])
            print(f"{locale}: missing {key!r} ({where})")
    for message_id in untranslated_messages(package):
        problems += 1
        print(f"{DEFAULT_LOCALE}: untranslated {message_id!r}")
    return 1 if problems else 0


def _strings(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ("",)
    return (value,) if isinstance(value, str) else tuple(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minsheng.i18n", description=__doc__)
    parser.add_argument("command", choices=("check", "update"))
    parser.add_argument("--package", type=Path, help="a plugin's module folder (default: the platform)")
    arguments = parser.parse_args(argv)
    package = arguments.package.resolve() if arguments.package else None
    return _check_catalogs(package) if arguments.command == "check" else _update_catalogs(package)


if __name__ == "__main__":
    sys.exit(main())
