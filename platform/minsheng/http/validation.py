"""The framework's validation messages in the reader's language.

Litestar and msgspec explain a bad query parameter or body field in English ("year: Expected `int |
null`, got `str`"). The problem handler passes each of their messages through :func:`explain`, which
recognises the messages they write and says the same in the catalogs' words; a message it does not
recognise becomes the generic "this value is not valid", never the English text. Parameter names are
shown by their label when the platform knows it (:data:`FIELD_LABELS`), else as sent.

Pure: plain strings in, plain strings out, tested without the app.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from minsheng.i18n import msgid, translate

#: How msgspec names a type in "Expected `int`", as a reader would say it.
TYPE_WORDS = {
    "int": msgid("a whole number"),
    "float": msgid("a number"),
    "decimal": msgid("a number"),
    "str": msgid("text"),
    "bool": msgid("yes or no"),
    "null": msgid("nothing"),
    "object": msgid("a set of fields"),
    "array": msgid("a list"),
    "uuid": msgid("an identifier"),
    "datetime": msgid("a date and time"),
    "date": msgid("a date (YYYY-MM-DD)"),
    "time": msgid("a time"),
    "bytes": msgid("a file"),
}

#: The parameters and fields of the API and the pages, as the pages name them.
FIELD_LABELS = {
    "year": msgid("Year"),
    "page": msgid("Page"),
    "per_page": msgid("Items per page"),
    "limit": msgid("Number of items"),
    "status": msgid("Status"),
    "channel": msgid("Channel"),
    "category": msgid("Category"),
    "place": msgid("Village or community"),
    "q": msgid("Search"),
    "since": msgid("Received from"),
    "until": msgid("Received until"),
    "kind": msgid("Kind of document"),
    "format": msgid("Format"),
    "subject_id": msgid("About"),
    "of": msgid("Tenant"),
    "content": msgid("Content"),
    "title": msgid("Title"),
    "reason": msgid("Reason"),
    "contact_name": msgid("Contact name"),
    "contact_phone": msgid("Contact phone"),
    "meeting": msgid("Meeting"),
    "suggestions": msgid("Suggestions"),
    "code": msgid("Tracking code"),
}

_NOT_VALID = msgid("This value is not valid")


def _type_words(expected: str, locale: str) -> str:
    words = [translate(TYPE_WORDS.get(name.strip(), _NOT_VALID), locale) for name in expected.split("|")]
    joined = words[0]
    for word in words[1:]:
        joined = translate("{first} or {second}", locale, first=joined, second=word)
    return joined


def _expected(match: re.Match[str], locale: str) -> str:
    return translate("Expected {kind}", locale, kind=_type_words(match["type"], locale))


_BOUNDS = {
    ">=": msgid("Must be at least {limit}"),
    "<=": msgid("Must be at most {limit}"),
    ">": msgid("Must be more than {limit}"),
    "<": msgid("Must be less than {limit}"),
}
_TEXT_LENGTHS = {">=": msgid("At least {limit} characters"), "<=": msgid("At most {limit} characters")}
_LIST_LENGTHS = {">=": msgid("At least {limit} items"), "<=": msgid("At most {limit} items")}


def _bound(match: re.Match[str], locale: str) -> str:
    return translate(_BOUNDS[match["op"]], locale, limit=match["limit"])


def _length(match: re.Match[str], locale: str) -> str:
    table = _TEXT_LENGTHS if match["type"] == "str" else _LIST_LENGTHS
    message = table.get(match["op"])
    return translate(message or _NOT_VALID, locale, limit=match["limit"])


def _fixed(message: str) -> Callable[[re.Match[str], str], str]:
    return lambda match, locale: translate(message, locale, **_labelled(match.groupdict(), locale))


def _labelled(groups: dict[str, str], locale: str) -> dict[str, object]:
    return {key: label(value, locale) if key == "field" else value for key, value in groups.items()}


# (pattern, how to say it), first match wins. The texts are msgspec's and Litestar's own.
_MESSAGES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], str], str]], ...] = (
    (re.compile(r"^Expected `(?P<type>[^`]+)` of length (?P<op>[<>]=?) (?P<limit>\d+)"), _length),
    (re.compile(r"^Expected `(?P<type>[^`]+)` (?P<op>[<>]=?) (?P<limit>-?[\d.e+]+)"), _bound),
    (re.compile(r"^Expected `str` matching regex"), _fixed(msgid("Not in the expected form"))),
    (re.compile(r"^Expected `(?P<type>[^`]+)`"), _expected),
    (re.compile(r"^Object missing required field `(?P<field>[^`]+)`"), _fixed(msgid("{field} is required"))),
    (re.compile(r"^Object contains unknown field `(?P<field>[^`]+)`"), _fixed(msgid("Unknown field {field}"))),
    (re.compile(r"^Invalid enum value (?P<value>.+?)$"), _fixed(msgid("{value} is not one of the choices"))),
    (re.compile(r"^Contains a control character"), _fixed(msgid("Must not contain control characters"))),
    (re.compile(r"^Invalid UUID"), _fixed(msgid("Not a valid identifier"))),
    (re.compile(r"^Invalid RFC3339 encoded date$"), _fixed(msgid("Not a valid date (YYYY-MM-DD)"))),
    (re.compile(r"^Invalid RFC3339 encoded (?:datetime|time)"), _fixed(msgid("Not a valid date and time"))),
    (
        re.compile(r"^Missing required (?P<source>\w+) parameter '(?P<field>[^']+)'"),
        _fixed(msgid("{field} is required")),
    ),
)


def label(field: str, locale: str) -> str:
    """A parameter or field name as the pages call it (its last part: ``suggestions.0.content``)."""
    name = field.rsplit(".", 1)[-1]
    known = FIELD_LABELS.get(name)
    return translate(known, locale) if known else field


def explain(message: str, locale: str) -> str:
    """One of the framework's validation messages, said in ``locale`` (see the module docstring)."""
    text = message.split(" - at `", 1)[0].strip()
    for pattern, say in _MESSAGES:
        found = pattern.search(text)
        if found:
            return say(found, locale)
    return translate(_NOT_VALID, locale)


def explain_item(item: dict[str, object], locale: str) -> tuple[str, str]:
    """``(what, message)`` for one entry of Litestar's error list: the field's label and the message."""
    key = str(item.get("key") or "")
    return (label(key, locale) if key else "", explain(str(item.get("message") or ""), locale))


__all__ = ["FIELD_LABELS", "TYPE_WORDS", "explain", "explain_item", "label"]
