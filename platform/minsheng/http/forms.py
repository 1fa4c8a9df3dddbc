"""Posted page forms: what a person typed, kept to show again with a refusal, and read into values.

A page answers a refused form with the same page, the refusal beside the field it names and every
field as it was typed (:class:`FormValues`), never an empty form. The readers below turn a field into
a date, an amount or a whole number, or refuse it naming the field (``key``, and ``row`` in a list
of rows), as the services name the fields they refuse; the templates show both the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile

from minsheng.errors import FieldProblem, InvalidFields, InvalidInput
from minsheng.i18n import msgid
from minsheng.plugins.verdicts import Reason

#: The most a typed amount may be (the tables keep 14 digits, two after the point).
MAX_AMOUNT = Decimal("999999999999")


class FormValues:
    """The text fields of a posted form (files left out), by name; empty for a page shown afresh."""

    def __init__(self, items: Iterable[tuple[str, Any]] = ()) -> None:
        self._items: dict[str, list[str]] = {}
        for key, value in items:
            if not isinstance(value, UploadFile):
                self._items.setdefault(key, []).append(str(value))

    def get(self, key: str, default: str = "") -> str:
        """The field's (first) value as typed, or ``default`` when the form had no such field."""
        found = self._items.get(key)
        return found[0] if found else default

    def all(self, key: str) -> list[str]:
        """Every value of a repeated field (checkboxes, rows), in order."""
        return list(self._items.get(key, []))

    def text(self, key: str, limit: int = 10000) -> str:
        """A text field, cut to ``limit`` characters."""
        return self.get(key)[:limit]

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __bool__(self) -> bool:
        return bool(self._items)


def form_state(failed: str = "", values: FormValues | None = None) -> dict[str, Any]:
    """What a page's template needs to show a refused form again: ``failed`` (the form's name) and
    ``typed(name)``, the values typed into the form ``name`` (empty for every other form)."""
    kept = values or FormValues()
    empty = FormValues()

    def typed(name: str) -> FormValues:
        return kept if name == failed else empty

    return {"failed": failed, "typed": typed}


async def posted(request: Request[Any, Any, Any]) -> tuple[FormValues, list[tuple[str, Any]]]:
    """The posted form's text fields and all its items (files included), as sent."""
    form = await request.form()
    items = list(form.multi_items())
    return FormValues(items), items


def field_refusal(key: str, message: str, *, row: int | None = None, **params: Any) -> InvalidFields:
    """A refusal naming one field (and its row); ``message`` is a msgid (``msgid("...")``)."""
    reason = Reason(message, params)
    return InvalidFields(message, problems=[FieldProblem(key, reason, row=row)], **params)


def read_day(text: str, key: str, *, row: int | None = None) -> date | None:
    """A ``YYYY-MM-DD`` field; None when blank; refused naming the field when it is not a date."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise field_refusal(key, msgid("Not a date (YYYY-MM-DD)"), row=row) from exc


def required_day(text: str, key: str, *, row: int | None = None) -> date:
    """A ``YYYY-MM-DD`` field that must be filled in."""
    day = read_day(text, key, row=row)
    if day is None:
        raise field_refusal(key, msgid("This field is required"), row=row)
    return day


def read_amount(text: str, key: str) -> Decimal:
    """An amount in yuan (blank is 0), to the fen; refused naming the field when it is not one."""
    try:
        value = Decimal(text.strip().replace(",", "") or "0")
    except InvalidOperation as exc:
        raise field_refusal(key, msgid("Not a number")) from exc
    if not value.is_finite() or value > MAX_AMOUNT:
        raise field_refusal(key, msgid("Not a number"))
    return value.quantize(Decimal("0.01"))


def read_whole_number(text: str, key: str) -> int | None:
    """A whole number (None when blank); refused naming the field when it is not one."""
    stripped = text.strip()
    if not stripped:
        return None
    try:
        return int(stripped)
    except ValueError as exc:
        raise field_refusal(key, msgid("Not a whole number")) from exc


def read_id(text: str) -> uuid.UUID | None:
    """An id a form's select or hidden field carries (None when blank); 422 when it was tampered with."""
    if not text.strip():
        return None
    try:
        return uuid.UUID(text.strip())
    except ValueError as exc:
        raise InvalidInput("The form was not valid; reload the page and try again") from exc


def read_ids(texts: Iterable[str]) -> list[uuid.UUID]:
    """The ids of checked boxes, in order, without repeats."""
    return list(dict.fromkeys(found for found in (read_id(text) for text in texts) if found is not None))
