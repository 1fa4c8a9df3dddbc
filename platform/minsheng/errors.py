"""One family of domain refusals, mapped once to RFC 9457 problem details.

A message is an English msgid with ``{placeholders}``; it is translated into the caller's language
when the response is rendered (see ``minsheng.i18n``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from minsheng.plugins.verdicts import Reason


class DomainError(Exception):
    """A refusal the caller can understand and act on."""

    status_code = 400
    title = "Bad request"

    def __init__(self, message: str, /, **params: Any) -> None:
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.params = params
        self.extra: dict[str, Any] = {}


class InvalidInput(DomainError):
    status_code = 422
    title = "Invalid input"


@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with one field of the input (``row``: its index in a batch, from 0)."""

    key: str
    reason: Reason
    row: int | None = None


class InvalidFields(InvalidInput):
    """Invalid input, with one translated entry per wrong field (and row) in the problem's ``errors``."""

    def __init__(self, message: str, /, *, problems: Sequence[FieldProblem], **params: Any) -> None:
        super().__init__(message, **params)
        self.problems = list(problems)


class RuleViolation(DomainError):
    """A rule (often a plugin's) refused the action; ``rule`` names it (e.g. "margin_rule")."""

    status_code = 422
    title = "Refused by a rule"

    def __init__(self, rule: str, message: str, /, **params: Any) -> None:
        super().__init__(message, **params)
        self.rule = rule
        self.extra["rule"] = rule


class Unauthorized(DomainError):
    status_code = 401
    title = "Authentication required"


class Forbidden(DomainError):
    status_code = 403
    title = "Forbidden"


class NotFound(DomainError):
    status_code = 404
    title = "Not found"


class Conflict(DomainError):
    status_code = 409
    title = "Conflict"


class TooManyRequests(DomainError):
    status_code = 429
    title = "Too many requests"

    def __init__(self, message: str, /, retry_after: int, **params: Any) -> None:
        super().__init__(message, **params)
        self.retry_after = retry_after
