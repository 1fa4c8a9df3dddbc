"""Pure rules of the project pool: plugin-defined extra fields, what screening sees, candidate lists."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from jsonschema import Draft202012Validator

from minsheng.errors import FieldProblem
from minsheng.plugins.registries import FieldDefinition
from minsheng.plugins.verdicts import Reason

SCREENED_FIELDS = ("title", "content", "category", "target", "location", "funding_source", "responsible_unit")


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


def candidate_problems(requested: Sequence[uuid.UUID], statuses: Mapping[uuid.UUID, str]) -> list[FieldProblem]:
    """Why a list of project ids cannot be candidates: repeated, unknown, or not screened in."""
    problems: list[FieldProblem] = []
    seen: set[uuid.UUID] = set()
    for index, project_id in enumerate(requested):
        key = f"project_ids[{index}]"
        if project_id in seen:
            problems.append(FieldProblem(key, Reason("The project {id} is listed twice", {"id": str(project_id)})))
        elif project_id not in statuses:
            problems.append(FieldProblem(key, Reason("Unknown project {id}", {"id": str(project_id)})))
        elif statuses[project_id] != "accepted":
            problems.append(
                FieldProblem(key, Reason("The project {id} has not been screened in", {"id": str(project_id)}))
            )
        seen.add(project_id)
    return problems
