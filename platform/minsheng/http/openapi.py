"""The API's error answers in its OpenAPI document: RFC 9457 problem details, declared in one place.

Litestar documents what a handler returns and, for a handler with input, a 400 in Litestar's own error
shape. The platform answers every error as ``application/problem+json`` (``server/problems.py``) and a
request that fails validation with 422. :func:`document_problems` declares on every API route the
problem-details answers it can give, derived from the route itself:

- input (path, query or body): 400 for a malformed request and 422 for invalid input; a body also 413;
- a path parameter: 404 (what it names may not exist);
- its protection, read from the parameters ``server/protection.py`` requires: ``user`` 401;
  ``operator`` 401 and 403; ``access`` (a member route) 401, 403 and 404, since a non-member is answered
  as if the tenant did not exist; ``tenant`` (a no-login tenant route) 404.

A handler names any other answer itself with ``responses=problems(409)``; what it declares wins.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

import msgspec
from litestar import Litestar
from litestar.constants import RESERVED_KWARGS
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.routes import HTTPRoute

from minsheng.http.problems import PROBLEM_JSON

API_PREFIX = "/api/"


class ProblemDetails(msgspec.Struct):
    """An error (RFC 9457); ``detail`` is in the caller's language (``Accept-Language``)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict[str, Any]] | msgspec.UnsetType = msgspec.UNSET
    """For 422 on input that fails validation: one entry per invalid field (``key``, ``source``, ``message``)."""
    rule: str | msgspec.UnsetType = msgspec.UNSET
    """For 422 when a rule (often a plugin's) refuses: the rule's name, e.g. ``margin_rule``."""


DESCRIPTIONS: dict[int, str] = {
    400: "Malformed request, e.g. a body that cannot be parsed",
    401: "Authentication required: no valid bearer token, or a wrong username or password",
    403: "The caller does not hold the role this action needs",
    404: "Not found; on a tenant route also when the caller is not a member of the tenant",
    409: "Conflict with what exists",
    413: "The request body is too large",
    422: "Invalid input, or refused by a rule (named in `rule`)",
    429: "Too many attempts; the `Retry-After` header says when to try again",
}

# Parameters that protect a route (see ``server/protection.py``) and the answers each brings.
PROTECTION_PROBLEMS: dict[str, tuple[int, ...]] = {
    "user": (401,),
    "operator": (401, 403),
    "access": (401, 403, 404),
    "tenant": (404,),
}


def problem_spec(status: int) -> ResponseSpec:
    """The documented answer for ``status``: problem details as ``application/problem+json``."""
    return ResponseSpec(
        data_container=ProblemDetails,
        description=DESCRIPTIONS.get(status, "Problem details"),
        media_type=PROBLEM_JSON,
        generate_examples=False,
    )


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """``responses=`` for a route handler: the problem-details answers it gives beyond the derived ones."""
    return {status: problem_spec(status) for status in statuses}


def derived_statuses(route: HTTPRoute, handler: HTTPRouteHandler) -> set[int]:
    """The error statuses a route can answer by its input and its protection (see the module docstring)."""
    params = set(inspect.signature(handler.fn).parameters) - {"self"}
    statuses: set[int] = set()
    inputs = params - set(handler.resolve_dependencies()) - RESERVED_KWARGS
    if route.path_parameters or inputs or "data" in params:
        statuses.update((400, 422))
    if "data" in params:
        statuses.add(413)
    if route.path_parameters:
        statuses.add(404)
    for name, brought in PROTECTION_PROBLEMS.items():
        if name in params:
            statuses.update(brought)
    return statuses


def _merged(derived: set[int], declared: Mapping[int, ResponseSpec] | None) -> dict[int, ResponseSpec]:
    return {**problems(*sorted(derived)), **(declared or {})}


def document_problems(app: Litestar) -> None:
    """Declare the problem-details answers of every API route (before the schema is first built)."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith(API_PREFIX):
            continue
        for handler in route.route_handlers:
            if handler.http_methods == {"OPTIONS"}:
                continue
            handler.responses = _merged(derived_statuses(route, handler), handler.responses)
