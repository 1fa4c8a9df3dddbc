"""A plugin's settings form, generated from the JSON schema the plugin declares (pure functions).

Each property of the schema becomes one field: a checkbox for a boolean, a number for an integer or a
number, a choice for an ``enum``, a line for a string, a box of lines for an array of strings. Its
label is the property's ``title`` (a message id, translated through the platform's or the plugin's
catalog), its help the ``description``. Every field can be left to the level above ("inherited").
Reading the form back checks what the schema says of each field (type, bounds, pattern, choices)
with a translated reason per field; the schema's full check runs again when the settings are saved.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from minsheng.errors import FieldProblem
from minsheng.plugins.verdicts import Reason

VALUE = "value."
INHERIT = "inherit."
MAX_LINES = 500


@dataclass(frozen=True)
class SettingField:
    """One field of the form: its kind decides the input the page draws."""

    key: str
    kind: str  # boolean | integer | number | choice | text | lines | fixed
    label: str  # a message id (the title) or the key itself
    help: str | None
    value: Any  # what is in force here, shaped for the input
    own: bool  # set by this office (else inherited or the plugin's default)
    options: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    page: str | None = None  # a page of its own edits it (``places``, ``negative-list``)
    problems: list[str] = field(default_factory=list)


def kind_of(spec: Mapping[str, Any]) -> str:
    """How a property is edited ("fixed": the form cannot edit it; the operator's console can)."""
    kind = spec.get("type")
    if "enum" in spec and all(isinstance(v, str) for v in spec["enum"]):
        return "choice"
    if kind in ("boolean", "integer", "number"):
        return str(kind)
    if kind == "string":
        return "text"
    if kind == "array" and (spec.get("items") or {}).get("type") == "string":
        return "lines"
    return "fixed"


def _shown(kind: str, value: Any) -> Any:
    if kind == "lines":
        return "\n".join(str(v) for v in value or ())
    if kind == "fixed":
        return json.dumps(value, ensure_ascii=False)
    return value


def fields_of(
    schema: Mapping[str, Any],
    effective: Mapping[str, Any],
    own: Mapping[str, Any],
    pages: Mapping[str, str] | None = None,
) -> list[SettingField]:
    """The form's fields in the schema's order; ``pages`` maps keys edited on a page of their own."""
    fields = []
    for key, spec in (schema.get("properties") or {}).items():
        if not isinstance(spec, Mapping):
            continue
        kind = kind_of(spec)
        fields.append(
            SettingField(
                key=key,
                kind=kind,
                label=str(spec.get("title") or key),
                help=str(spec["description"]) if spec.get("description") else None,
                value=_shown(kind, effective.get(key, spec.get("default"))),
                own=key in own,
                options=tuple(spec.get("enum") or ()),
                minimum=spec.get("minimum"),
                maximum=spec.get("maximum"),
                page=(pages or {}).get(key),
            )
        )
    return fields


def _number(text: str, kind: str, spec: Mapping[str, Any]) -> tuple[Any, Reason | None]:
    try:
        value: int | float = int(text) if kind == "integer" else float(text)
    except ValueError:
        reason = "Write a whole number" if kind == "integer" else "Write a number"
        return None, Reason(reason)
    low, high = spec.get("minimum"), spec.get("maximum")
    if (low is not None and value < low) or (high is not None and value > high):
        return None, Reason("Between {minimum} and {maximum}", {"minimum": low, "maximum": high})
    return value, None


def _text(text: str, spec: Mapping[str, Any]) -> Reason | None:
    if len(text) < int(spec.get("minLength", 0)):
        return Reason("This cannot be empty")
    if "maxLength" in spec and len(text) > int(spec["maxLength"]):
        return Reason("At most {maximum} characters", {"maximum": spec["maxLength"]})
    if "pattern" in spec and not re.search(str(spec["pattern"]), text):
        return Reason("This is not in the expected form")
    return None


def _parse(kind: str, raw: str, spec: Mapping[str, Any]) -> tuple[Any, Reason | None]:
    if kind == "boolean":
        return raw in ("1", "on", "true"), None
    if kind in ("integer", "number"):
        return _number(raw.strip(), kind, spec)
    if kind == "choice":
        return (raw, None) if raw in spec["enum"] else (None, Reason("Choose one of the options"))
    if kind == "text":
        return raw.strip(), _text(raw.strip(), spec)
    lines = [line.strip() for line in raw.splitlines() if line.strip()][: MAX_LINES + 1]
    if len(lines) > MAX_LINES:
        return None, Reason("At most {maximum} lines", {"maximum": MAX_LINES})
    items = spec.get("items") or {}
    for line in lines:
        if _text(line, items) is not None:
            return None, Reason("The line {line} is not in the expected form", {"line": line[:20]})
    return lines, None


def read_form(
    schema: Mapping[str, Any], form: Mapping[str, str], own: Mapping[str, Any], pages: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], list[FieldProblem]]:
    """The office's own values from a submitted form, and the fields that are wrong.

    A field marked "inherit" is left out; a field the form cannot edit keeps what the office had.
    """
    values: dict[str, Any] = {}
    problems = []
    for key, spec in (schema.get("properties") or {}).items():
        if not isinstance(spec, Mapping) or key in (pages or {}):
            continue
        kind = kind_of(spec)
        if kind == "fixed":
            if key in own:
                values[key] = own[key]
            continue
        if form.get(INHERIT + key):
            continue
        value, problem = _parse(kind, form.get(VALUE + key, ""), spec)
        if problem is not None:
            problems.append(FieldProblem(key, problem))
        else:
            values[key] = value
    return values, problems
