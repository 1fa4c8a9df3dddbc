"""The Baofeng (Henan) practice, for tenants that enable ``henan-baofeng``.

- Margin: the platform's arithmetic (``minsheng.plugins.rules.margin``) with the tenant's ratios
  (20%–50% unless the tenant's ``minsheng.defaults`` settings say otherwise), but every verdict names
  the margin the way Baofeng's documents do: "差额 N 项".
- Supervision: quarterly face-to-face meetings (季度例会, "面对面") and follow-up review (回头看) are
  required for every project.
- Documents: templates of the "两报告一说明" set, shipped in ``templates/henan/``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from minsheng.plugins import (
    DEFAULTS_PLUGIN,
    SUPERVISION_METHODS,
    DocumentTemplate,
    MarginVerdict,
    Reason,
    SupervisionMethod,
    TenantView,
    hookimpl,
    margin_range,
    margin_rule,
    msgid,
    parse_ratio,
)

PLUGIN_NAME = "henan-baofeng"

#: Where the templates live inside the package: a documents context loads them with
#: ``jinja2.PackageLoader(TEMPLATE_PACKAGE, TEMPLATE_FOLDER)``; the names below are relative to it.
TEMPLATE_PACKAGE = "minsheng_henan"
TEMPLATE_FOLDER = "templates"

SETTINGS_SCHEMA: Mapping[str, object] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": msgid("Rules of Henan (Baofeng)"),
    "type": "object",
    "properties": {
        "show_margin_in_items": {
            "type": "boolean",
            "title": msgid("Word the margin as 差额 N 项"),
            "default": True,
            "description": msgid("word margin verdicts as 差额 N 项 (false: the platform's own wording)"),
        },
    },
    "additionalProperties": False,
}

DOCUMENT_TEMPLATES = (
    DocumentTemplate("collection_report", "henan/collection_report.md.j2", "征集情况说明"),
    DocumentTemplate("voting_method", "henan/voting_method.md.j2", "票决办法"),
    DocumentTemplate("result_announcement", "henan/result_announcement.md.j2", "主席团公告"),
    DocumentTemplate("resolution", "henan/resolution.md.j2", "决议"),
)

#: The methods Baofeng requires for every project, by code; fields come from the platform's entries.
REQUIRED_METHODS = {
    "quarterly_meeting": msgid("Quarterly face-to-face meeting"),
    "follow_up_review": msgid("Follow-up review"),
}


@hookimpl
def minsheng_settings_schema() -> Mapping[str, object]:
    """One switch: whether margin verdicts say 差额 N 项."""
    return SETTINGS_SCHEMA


def baofeng_margin_rule(
    seats: int, candidates: int, *, lower_ratio: str = "0.2", upper_ratio: str = "0.5", allow_no_margin: bool = False
) -> MarginVerdict:
    """The platform's margin arithmetic, with every verdict worded as 差额 N 项 (allowed ones too).

    The decision (allowed, minimum, maximum) is exactly ``margin_rule``'s; only the reason differs, and
    an allowed list gets a reason as well, because Baofeng's voting method states the margin.
    """
    lower, upper = parse_ratio(lower_ratio), parse_ratio(upper_ratio)
    verdict = margin_rule(seats, candidates, lower_ratio=lower, upper_ratio=upper, allow_no_margin=allow_no_margin)
    if seats < 1:
        return verdict  # no seats: the platform's own reason says what is wrong
    minimum, maximum = margin_range(seats, lower, upper)
    margin = candidates - seats
    params = {"seats": seats, "candidates": candidates, "margin": margin, "minimum": minimum, "maximum": maximum}
    if verdict.allowed and margin == 0:
        reason = Reason("{candidates} candidates for {seats} seats: a vote without margin (等额)", params)
    elif verdict.allowed:
        reason = Reason(
            "margin of {margin} (差额 {margin} 项): {candidates} candidates for {seats} seats,"
            " within {minimum} to {maximum}",
            params,
        )
    elif margin < 0:
        reason = Reason(
            "{candidates} candidates are fewer than the {seats} seats: add at least {minimum} more than the seats"
            " (差额 {minimum} 项)",
            params,
        )
    elif margin < minimum:
        reason = Reason(
            "margin of {margin} (差额 {margin} 项) is below the required minimum of {minimum} (差额 {minimum} 项)",
            params,
        )
    else:
        reason = Reason(
            "margin of {margin} (差额 {margin} 项) is above the allowed maximum of {maximum} (差额 {maximum} 项)",
            params,
        )
    return dataclasses.replace(verdict, reason=reason)


@hookimpl
def minsheng_margin_rule(tenant: TenantView, seats: int, candidates: int) -> MarginVerdict | None:
    """Baofeng's wording over the tenant's margin settings; ``None`` lets the defaults answer."""
    if not tenant.settings(PLUGIN_NAME)["show_margin_in_items"]:
        return None
    # The ratios stay the platform's tenant settings (defaults 0.2 and 0.5, Baofeng's guidance), so a
    # county that changes them is obeyed here too.
    defaults = tenant.settings(DEFAULTS_PLUGIN)
    return baofeng_margin_rule(
        seats,
        candidates,
        lower_ratio=str(defaults["margin_lower_ratio"]),
        upper_ratio=str(defaults["margin_upper_ratio"]),
        allow_no_margin=bool(defaults["allow_no_margin"]),
    )


def required_methods() -> tuple[SupervisionMethod, ...]:
    """The platform's quarterly meeting and follow-up review, marked required and labelled as in Baofeng."""
    by_code = {method.code: method for method in SUPERVISION_METHODS}
    return tuple(
        dataclasses.replace(by_code[code], label=label, required=True) for code, label in REQUIRED_METHODS.items()
    )


@hookimpl
def minsheng_supervision_methods(tenant: TenantView) -> Sequence[SupervisionMethod]:
    """Quarterly meetings and follow-up review, required; they replace the defaults' optional entries."""
    return required_methods()


@hookimpl
def minsheng_document_templates(tenant: TenantView) -> Sequence[DocumentTemplate]:
    """The 两报告一说明 set: collection report, voting method, result announcement, resolution."""
    return DOCUMENT_TEMPLATES
