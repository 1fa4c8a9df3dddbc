"""Pure rules of supervision: records against their method's fields, which required methods are
missing, when a commitment may close, the rectification deadline, phones of the public evaluation.

No I/O: the services call these with plain data (platform/docs/domain.md, stage 5).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from minsheng.errors import FieldProblem
from minsheng.i18n import Term
from minsheng.plugins.registries import SupervisionMethod
from minsheng.plugins.verdicts import Reason
from minsheng.secrets_policy import PHONE_HASH, derived_key

#: The ratings a deputy may give (platform/docs/api.md, "satisfaction").
RATINGS = ("satisfied", "basically_satisfied", "unsatisfied", "abstain")

#: Days the government has to rectify after an "unsatisfied" outcome, unless the tenant sets another.
DEFAULT_RECTIFICATION_DAYS = 90

_FORMATS = FormatChecker()


def record_problems(method: SupervisionMethod, fields: Mapping[str, Any]) -> list[FieldProblem]:
    """What is wrong with a record's ``fields`` for ``method``: unknown, refused by its schema, or missing."""
    declared = {definition.code: definition for definition in method.fields}
    problems: list[FieldProblem] = []
    for code in sorted(fields):
        definition = declared.get(code)
        if definition is None:
            problems.append(FieldProblem(f"fields.{code}", Reason("The method has no field {field}", {"field": code})))
            continue
        validator = Draft202012Validator(dict(definition.schema), format_checker=_FORMATS)
        error = next(iter(validator.iter_errors(fields[code])), None)
        if error is not None:
            problems.append(
                FieldProblem(
                    f"fields.{code}",
                    Reason(
                        "The field {field} is not valid: {error}",
                        {"field": Term(definition.label), "error": error.message},
                    ),
                )
            )
    for code, definition in declared.items():
        if definition.required and code not in fields:
            problems.append(
                FieldProblem(
                    f"fields.{code}", Reason("The field {field} is required", {"field": Term(definition.label)})
                )
            )
    return problems


@dataclass(frozen=True)
class MethodCoverage:
    """Which of a project's required methods have a record and which are still missing."""

    required: tuple[str, ...]
    done: tuple[str, ...]
    missing: tuple[str, ...]


def method_coverage(
    methods: Mapping[str, SupervisionMethod], planned: Iterable[str], recorded: Iterable[str]
) -> MethodCoverage:
    """Required methods are those the tenant's plugins mark required plus those the plan set for the
    project; a method is done once one record of it exists. Order follows the tenant's registry."""
    wanted = {code for code, method in methods.items() if method.required} | set(planned)
    seen = set(recorded)
    order = [code for code in methods if code in wanted] + sorted(wanted - set(methods))
    return MethodCoverage(
        required=tuple(order),
        done=tuple(code for code in order if code in seen),
        missing=tuple(code for code in order if code not in seen),
    )


def closing_evidence_problem(text: str | None, file_given: bool) -> Reason | None:
    """A commitment closes only with evidence: some text, a file, or both (None when it may close)."""
    if (text or "").strip() or file_given:
        return None
    return Reason("A commitment is closed only with evidence: describe what was done or attach a file")


def evidence_problem(text: str | None, file_given: bool) -> Reason | None:
    """Evidence filed for a commitment says what was done, or is a file, or both (None when it is)."""
    if (text or "").strip() or file_given:
        return None
    return Reason("Evidence needs a description of what was done or a file")


@dataclass(frozen=True)
class FileUse:
    """Where a file already serves: as evidence of a commitment, or as a photo of a project's report
    or supervision record."""

    commitment_id: object | None = None
    project_id: object | None = None


def evidence_file_problem(commitment_id: object, project_id: object, uses: Iterable[FileUse]) -> Reason | None:
    """A file is evidence of the commitment it is filed for only: refused when it is already the
    evidence of another commitment, or a photo of another project (None when it may serve)."""
    for use in uses:
        if use.commitment_id is not None and use.commitment_id != commitment_id:
            return Reason("The file {filename} is the evidence of another commitment")
        if use.project_id is not None and use.project_id != project_id:
            return Reason("The file {filename} is about another project")
    return None


def rectification_deadline(closed_on: date, days: int = DEFAULT_RECTIFICATION_DAYS) -> date:
    """The day the rectification is due: ``days`` after the evaluation closed."""
    if days < 1:
        raise ValueError("a rectification needs at least one day")
    return closed_on + timedelta(days=days)


def zero_counts(counts: Mapping[str, int] | None = None) -> dict[str, int]:
    """Every rating with its count (0 for those nobody gave), in the API's order."""
    given = counts or {}
    return {rating: int(given.get(rating, 0)) for rating in RATINGS}


_PHONE = re.compile(r"^1[3-9]\d{9}$")


def normalised_phone(raw: str) -> str | None:
    """A mainland mobile number in its 11 digits (spaces, dashes and +86 removed), or None."""
    digits = re.sub(r"[\s-]", "", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits if _PHONE.match(digits) else None


def phone_hash(secret_key: str, tenant_id: object, phone: str) -> str:
    """A keyed hash (HMAC-SHA256) of a phone number: equal for the same phone in a tenant, and
    useless without the server's key, so the stored value does not give the number back."""
    message = f"{tenant_id}:{phone}".encode()
    # This purpose's own key (HKDF), not the app's secret itself.
    return hmac.new(derived_key(secret_key, PHONE_HASH), message, hashlib.sha256).hexdigest()


def code_hash(secret_key: str, verification_id: object, code: str) -> str:
    """A keyed hash of a verification code, bound to its verification."""
    key = derived_key(secret_key, PHONE_HASH)
    return hmac.new(key, f"{verification_id}:{code}".encode(), hashlib.sha256).hexdigest()


def public_counts(ratings: Sequence[str]) -> dict[str, int]:
    """Citizens' ratings counted (shown apart from the deputies' result)."""
    return zero_counts({rating: ratings.count(rating) for rating in set(ratings)})
