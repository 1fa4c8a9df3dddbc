"""Pure rules of the project pool: plugin-defined extra fields, what screening sees, candidate lists."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from jsonschema import Draft202012Validator

from minsheng.errors import FieldProblem, InvalidInput
from minsheng.plugins.registries import FieldDefinition
from minsheng.plugins.verdicts import Reason

SCREENED_FIELDS = ("title", "content", "category", "target", "location", "funding_source", "responsible_unit")
FIRST_YEAR, LAST_YEAR = 2000, 2100
CENTS = Decimal("0.01")


def require_plausible_year(year: int) -> None:
    """422 for a year (实施年度) no congress could decide."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput("The year must be between {first} and {last}", first=FIRST_YEAR, last=LAST_YEAR)


def changed_fields(current: object, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose value would change: ``{name: (old, new)}`` (pure)."""
    return {name: (getattr(current, name), value) for name, value in values.items() if getattr(current, name) != value}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value.quantize(CENTS))  # amounts are kept in yuan to the fen
    if isinstance(value, date):
        return value.isoformat()
    return value


def audited_changes(changed: Mapping[str, tuple[Any, Any]]) -> dict[str, dict[str, Any]]:
    """The changes as the audit chain keeps them: each field's old and new value, in JSON (pure)."""
    return {name: {"old": _plain(old), "new": _plain(new)} for name, (old, new) in sorted(changed.items())}


def extra_problems(
    extra: Mapping[str, Any], fields: Mapping[str, FieldDefinition], *, complete: bool = False
) -> list[FieldProblem]:
    """What is wrong with a project's plugin-defined fields (``minsheng_project_fields``).

    Unknown fields and values their schema refuses are always wrong; with ``complete`` a required
    field that is missing is wrong too (a project screened in must be complete).
    """
    problems: list[FieldProblem] = []
    for code in sorted(extra):
        definition = fields.get(code)
        if definition is None:
            problems.append(FieldProblem(f"extra.{code}", Reason("Unknown project field {field}", {"field": code})))
            continue
        error = next(iter(Draft202012Validator(dict(definition.schema)).iter_errors(extra[code])), None)
        if error is not None:
            problems.append(
                FieldProblem(
                    f"extra.{code}",
                    Reason(
                        "The field {field} is not valid: {error}", {"field": definition.label, "error": error.message}
                    ),
                )
            )
    if complete:
        for code, definition in sorted(fields.items()):
            if definition.required and code not in extra:
                problems.append(
                    FieldProblem(f"extra.{code}", Reason("The field {field} is required", {"field": definition.label}))
                )
    return problems


def screening_view(project: Mapping[str, Any]) -> dict[str, object]:
    """The project's data as ``minsheng_screen_project`` receives it: texts, budget, extra fields.

    ``name`` repeats the title: the hook's contract names the project's name that way.
    """
    data: dict[str, object] = {name: project.get(name) or "" for name in SCREENED_FIELDS}
    data["name"] = data["title"]
    budget = project.get("budget")
    data["budget"] = float(budget) if budget is not None else None
    data["extra"] = dict(project.get("extra") or {})
    return data


def candidate_problems(
    requested: Sequence[uuid.UUID], found: Mapping[uuid.UUID, tuple[str, int]], year: int
) -> list[FieldProblem]:
    """Why a list of project ids cannot be ``year``'s candidates: repeated, unknown, not screened in, or
    carried out in another year. ``found``: each known project's status and year."""
    problems: list[FieldProblem] = []
    seen: set[uuid.UUID] = set()
    for index, project_id in enumerate(requested):
        key = f"project_ids[{index}]"
        if project_id in seen:
            problems.append(FieldProblem(key, Reason("The project {id} is listed twice", {"id": str(project_id)})))
        elif project_id not in found:
            problems.append(FieldProblem(key, Reason("Unknown project {id}", {"id": str(project_id)})))
        elif found[project_id][0] != "accepted":
            problems.append(
                FieldProblem(key, Reason("The project {id} has not been screened in", {"id": str(project_id)}))
            )
        elif found[project_id][1] != year:
            problems.append(
                FieldProblem(
                    key,
                    Reason(
                        "The project {id} is carried out in {project_year}, not in {year}",
                        {"id": str(project_id), "project_year": found[project_id][1], "year": year},
                    ),
                )
            )
        seen.add(project_id)
    return problems
