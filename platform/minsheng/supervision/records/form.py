"""A supervision method's record fields as a page's form, and the form's answers back as the record's
``fields``: pure, so the page and the API send the service the same shape and get the same refusals.

Each field's JSON schema picks its input: a date, a line of text, a longer text, a list (one item per
line), a whole number, a number, a yes/no box, a choice, or rows of small inputs (a list of objects).
A field left blank is left out, so that the method's rules name it when it is required. What cannot
be read as the schema's type is passed on as typed, so the schema's refusal names it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from minsheng.http.forms import FormValues
from minsheng.i18n import msgid
from minsheng.plugins.registries import FieldDefinition, SupervisionMethod

#: Rows a list-of-objects field offers at least, and empty ones besides those typed.
TABLE_ROWS = 3
SPARE_TABLE_ROWS = 1
#: A string field whose schema allows at most this many characters is a one-line input.
SHORT_TEXT = 200
#: How a table's column is named when its schema gives no ``title`` (the built-in methods' columns).
COLUMN_LABELS = {
    "asked_by": msgid("Asked by"),
    "question": msgid("Question"),
    "answered_by": msgid("Answered by"),
    "answer": msgid("Answer"),
    "promised_fix": msgid("Fix promised"),
}


@dataclass(frozen=True)
class FormField:
    """One input of a record's form: ``kind`` picks the widget; ``columns`` are a table's inputs."""

    code: str
    label: str
    kind: str  # date | line | text | lines | integer | number | boolean | choice | table
    required: bool = False
    choices: tuple[str, ...] = ()
    columns: tuple[FormField, ...] = ()

    @property
    def name(self) -> str:
        """The form's name of the input (a table's column: ``name`` + ``.`` + column)."""
        return f"field.{self.code}"


def kind_of(schema: Mapping[str, Any]) -> str:
    """The widget a JSON schema calls for."""
    kind = schema.get("type")
    if kind == "string":
        if schema.get("format") == "date":
            return "date"
        if schema.get("enum"):
            return "choice"
        limit = schema.get("maxLength")
        return "line" if isinstance(limit, int) and limit <= SHORT_TEXT else "text"
    if kind == "array":
        items = schema.get("items")
        if isinstance(items, Mapping) and items.get("type") == "object":
            return "table"
        return "lines"
    if kind in ("integer", "number", "boolean"):
        return str(kind)
    return "text"


def _columns(schema: Mapping[str, Any]) -> tuple[FormField, ...]:
    items = schema.get("items")
    if not isinstance(items, Mapping):
        return ()
    required = set(items.get("required") or ())
    properties = items.get("properties") or {}
    return tuple(
        FormField(
            code,
            str(sub.get("title") or COLUMN_LABELS.get(code, code)),
            "line" if kind_of(sub) == "text" else kind_of(sub),
            code in required,
        )
        for code, sub in properties.items()
        if isinstance(sub, Mapping)
    )


def _listed(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []


def form_field(definition: FieldDefinition) -> FormField:
    schema = definition.schema
    kind = kind_of(schema)
    return FormField(
        code=definition.code,
        label=definition.label,
        kind=kind,
        required=definition.required,
        choices=tuple(str(c) for c in _listed(schema.get("enum"))) if kind == "choice" else (),
        columns=_columns(schema) if kind == "table" else (),
    )


def form_fields(method: SupervisionMethod) -> list[FormField]:
    """The inputs of a record of ``method``, in the order the method declares its fields."""
    return [form_field(definition) for definition in method.fields]


def _scalar(kind: str, text: str) -> Any:
    """A typed value read as its kind; as typed when it cannot be (the schema then refuses it)."""
    stripped = text.strip()
    if kind == "integer":
        try:
            return int(stripped)
        except ValueError:
            return stripped
    if kind == "number":
        try:
            number = float(stripped)
        except ValueError:
            return stripped
        return int(number) if number.is_integer() and "." not in stripped else number
    return stripped


def table_rows(field: FormField, values: FormValues) -> list[dict[str, str]]:
    """A table's rows as typed (cells by column), empty rows left out."""
    cells = {column.code: values.all(f"{field.name}.{column.code}") for column in field.columns}
    count = max((len(found) for found in cells.values()), default=0)
    rows = []
    for index in range(count):
        row = {code: found[index] if index < len(found) else "" for code, found in cells.items()}
        if any(cell.strip() for cell in row.values()):
            rows.append(row)
    return rows


def shown_rows(field: FormField, values: FormValues) -> list[dict[str, str]]:
    """The rows a table shows: those typed, then empty ones."""
    rows = table_rows(field, values)
    empty = {column.code: "" for column in field.columns}
    return rows + [dict(empty) for _ in range(max(SPARE_TABLE_ROWS, TABLE_ROWS - len(rows)))]


def field_value(field: FormField, values: FormValues) -> tuple[bool, Any]:
    """``(given, value)``: whether the field was filled in, and its value for the record."""
    if field.kind == "boolean":
        return True, values.get(field.name) == "on"  # an unticked box is not sent: it says no
    if field.kind == "lines":
        lines = [line.strip() for line in values.get(field.name).splitlines() if line.strip()]
        return bool(lines), lines
    if field.kind == "table":
        rows = [
            {
                column.code: _scalar(column.kind, row[column.code])
                for column in field.columns
                if row[column.code].strip()
            }
            for row in table_rows(field, values)
        ]
        return bool(rows), rows
    text = values.get(field.name)
    return bool(text.strip()), _scalar(field.kind, text)


def record_fields(fields: Sequence[FormField], values: FormValues) -> dict[str, Any]:
    """The record's ``fields`` from the form: every field filled in, read as its kind."""
    found: dict[str, Any] = {}
    for field in fields:
        given, value = field_value(field, values)
        if given:
            found[field.code] = value
    return found
