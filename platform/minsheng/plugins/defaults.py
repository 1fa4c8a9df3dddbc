"""The built-in behaviour, registered as the plugin "minsheng.defaults" (as Datasette does).

The platform eats its own cooking: every rule it applies by default comes through the same hooks a
region plugin implements. Each impl is ``trylast`` so that any enabled region plugin answers first;
the rules themselves live in ``minsheng.plugins.rules`` as pure functions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import structlog

from minsheng.clock import DEFAULT_TIME_ZONE, TIME_ZONE_SETTING, TIME_ZONES
from minsheng.documents.kinds import default_templates
from minsheng.i18n import msgid
from minsheng.notifications.channels import builtin_channels
from minsheng.plugins.configuration import DEFAULTS_PLUGIN
from minsheng.plugins.hookspecs import hookimpl
from minsheng.plugins.registries import (
    BallotFormat,
    Category,
    DigestAlgorithm,
    DocumentTemplate,
    NotificationChannel,
    SupervisionMethod,
)
from minsheng.plugins.rules import catalogs
from minsheng.plugins.rules.ballot_formats import APPROVE_UP_TO_SEATS, yes_no_abstain
from minsheng.plugins.rules.margin import margin_rule, parse_ratio
from minsheng.plugins.rules.outcome import outcome_rule, round_validity
from minsheng.plugins.rules.quorum import quorum_rule
from minsheng.plugins.rules.satisfaction import satisfaction_rule
from minsheng.plugins.rules.screening import DEFAULT_NEGATIVE_LIST, screen_against_negative_list
from minsheng.plugins.tenant import TenantView
from minsheng.plugins.verdicts import (
    MarginVerdict,
    Outcome,
    QuorumVerdict,
    Refusal,
    RoundValidity,
    SatisfactionOutcome,
    Tally,
)

PLUGIN_NAME = DEFAULTS_PLUGIN

# A decimal between 0 and 1 inclusive, written plainly ("0.2", "1", "0.333"), so it converts exactly.
_RATIO = {"type": "string", "pattern": r"^(0(\.[0-9]+)?|1(\.0+)?)$"}

SETTINGS_SCHEMA: Mapping[str, object] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": msgid("The platform's own rules"),
    "type": "object",
    # Each ``title`` is the setting's name on the pages (a message id of the catalogs).
    "properties": {
        "margin_lower_ratio": {
            **_RATIO,
            "title": msgid("Smallest margin, as a share of the seats"),
            "default": "0.2",
            "description": msgid("smallest margin as a share of seats (rounded up, at least 1)"),
        },
        "margin_upper_ratio": {
            **_RATIO,
            "title": msgid("Largest margin, as a share of the seats"),
            "default": "0.5",
            "description": msgid("largest margin as a share of seats (rounded down)"),
        },
        "allow_no_margin": {
            "type": "boolean",
            "title": msgid("Also allow as many candidates as seats (no-margin vote)"),
            "default": False,
            "description": msgid("also allow as many candidates as seats (等额)"),
        },
        "yes_within_seats": {
            "type": "boolean",
            "title": msgid("More yes than seats makes a ballot invalid"),
            "default": True,
            "description": msgid(
                "a yes/no/abstain ballot with more yes than seats is invalid (所投赞成票多于应选数的为无效票)"
            ),
        },
        "negative_list": {
            "type": "array",
            "title": msgid("Negative list"),
            "items": {"type": "string", "minLength": 1},
            "default": list(DEFAULT_NEGATIVE_LIST),
            "description": msgid("terms that refuse a project at screening (负面清单)"),
        },
        "places": {
            "type": "array",
            "title": msgid("Villages and communities"),
            "items": {"type": "string", "minLength": 1, "maxLength": 100},
            "default": [],
            "description": msgid(
                "this congress's own villages and communities, never inherited (coverage names those not heard)"
            ),
        },
        "public_evaluation": {
            "type": "boolean",
            "title": msgid("Citizens may also rate projects online"),
            "default": False,
            "description": msgid("citizens may also rate projects online, one rating per verified phone (满意度测评)"),
        },
        "ballot_key_custody": {
            "type": "string",
            "title": msgid("Who keeps the key that opens each round's ballots"),
            # The options are message ids too: the settings page shows them translated.
            "enum": [msgid("platform"), msgid("scrutineers")],
            "default": "platform",
            "description": msgid(
                "platform: the platform keeps it until the close; scrutineers: it is split among the session's"
                " scrutineers, who enter their shares before the count (监票人)"
            ),
        },
        "ballot_key_shares_needed": {
            "type": "integer",
            "title": msgid("Scrutineers' shares needed to count"),
            "minimum": 1,
            "maximum": 15,
            "default": 2,
            "description": msgid("how many scrutineers must enter their shares before a round is counted"),
        },
        "rectification_days": {
            "type": "integer",
            "title": msgid("Days the government has to rectify"),
            "minimum": 1,
            "maximum": 730,
            "default": 90,
            "description": msgid("days the government has to rectify a project rated unsatisfied (整改期限)"),
        },
        TIME_ZONE_SETTING: {
            "type": "string",
            "title": msgid("Time zone"),
            "enum": list(TIME_ZONES),
            "default": DEFAULT_TIME_ZONE,
            "description": msgid("the zone of every date and time people see, and of today and deadlines (北京时间)"),
        },
    },
    "additionalProperties": False,
}

_logger = structlog.get_logger(__name__)


def _settings(tenant: TenantView) -> Mapping[str, object]:
    return tenant.settings(PLUGIN_NAME)


@hookimpl
def minsheng_settings_schema() -> Mapping[str, object]:
    """The settings of the built-in rules: margin ratios, 等额, negative list."""
    return SETTINGS_SCHEMA


@hookimpl(trylast=True)
def minsheng_margin_rule(tenant: TenantView, seats: int, candidates: int) -> MarginVerdict:
    """platform/docs/domain.md margin rule with the tenant's ratios and 等额 setting."""
    settings = _settings(tenant)
    return margin_rule(
        seats,
        candidates,
        lower_ratio=parse_ratio(str(settings["margin_lower_ratio"])),
        upper_ratio=parse_ratio(str(settings["margin_upper_ratio"])),
        allow_no_margin=bool(settings["allow_no_margin"]),
    )


@hookimpl(trylast=True)
def minsheng_quorum_rule(tenant: TenantView, entitled: int, present: int) -> QuorumVerdict:
    """Two thirds of the deputies, the number itself included (platform/docs/domain.md: quorum)."""
    return quorum_rule(entitled, present)


_YES_NO_ABSTAIN = {within: yes_no_abstain(yes_within_seats=within) for within in (True, False)}


@hookimpl(trylast=True)
def minsheng_ballot_formats(tenant: TenantView) -> Sequence[BallotFormat]:
    """Yes/no/abstain per candidate (more yes than seats invalid, unless the tenant's settings say
    otherwise), and choose at most as many as seats."""
    return (_YES_NO_ABSTAIN[bool(_settings(tenant)["yes_within_seats"])], APPROVE_UP_TO_SEATS)


@hookimpl(trylast=True)
def minsheng_outcome_rule(tenant: TenantView, tally: Tally, seats: int, entitled: int) -> Outcome:
    """More than half of all deputies, ranked by approvals, runoff on a tie at the cut-off."""
    return outcome_rule(tally, seats, entitled)


@hookimpl(trylast=True)
def minsheng_round_validity(tenant: TenantView, issued: int, returned: int) -> RoundValidity:
    """Void when more ballots come back than were issued."""
    return round_validity(issued, returned)


@hookimpl(trylast=True)
def minsheng_satisfaction_rule(tenant: TenantView, counts: Mapping[str, int], members: int) -> SatisfactionOutcome:
    """The Zhenhai rule: more than half satisfied, else more than half at least basically satisfied."""
    return satisfaction_rule(counts, members)


@hookimpl(trylast=True)
def minsheng_supervision_methods(tenant: TenantView) -> Sequence[SupervisionMethod]:
    """Inspection, special deliberation, special inquiry, follow-up review, quarterly meeting."""
    return catalogs.SUPERVISION_METHODS


@hookimpl(trylast=True)
def minsheng_project_categories(tenant: TenantView) -> Sequence[Category]:
    """The common livelihood categories, from education to specialty industries."""
    return catalogs.CATEGORIES


@hookimpl(trylast=True)
def minsheng_screen_project(tenant: TenantView, project: Mapping[str, object]) -> list[Refusal]:
    """Refuse projects matching the tenant's negative list."""
    terms = _settings(tenant)["negative_list"]
    return screen_against_negative_list(project, terms if isinstance(terms, Sequence) else ())


@hookimpl(trylast=True)
def minsheng_document_templates(tenant: TenantView) -> Sequence[DocumentTemplate]:
    """The platform's own template of every registered document kind (Chinese, official style)."""
    return default_templates()


@hookimpl(trylast=True)
def minsheng_notification_channels(tenant: TenantView) -> Sequence[NotificationChannel]:
    """A "log" channel (the log, for development and demos) and "email" (SMTP, ``MINSHENG_SMTP_*``)."""
    return builtin_channels(tenant)


def _sha256(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


SHA256 = DigestAlgorithm(name="sha256", digest=_sha256)


@hookimpl(trylast=True)
def minsheng_audit_digest(tenant: TenantView) -> DigestAlgorithm:
    """SHA-256, hex-encoded; a region needing national cryptography overrides it with SM3."""
    return SHA256
