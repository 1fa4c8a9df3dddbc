"""Plugins: the hook contract, the values rules return, and the built-in rules to build upon.

This module is the whole contract a region plugin sees: ``from minsheng.plugins import hookimpl,
MarginVerdict, Reason``. A plugin imports nothing else of the platform (its tests import
``minsheng.testing`` too); ``tests/unit/test_plugin_contract.py`` and the import-linter contract in
``pyproject.toml`` keep it so. The platform itself builds managers and tenant views with
``minsheng.plugins.manager``.
"""

from minsheng.i18n import msgid
from minsheng.permissions import Permission, Role, RoleGrant
from minsheng.plugins.configuration import DEFAULTS_PLUGIN
from minsheng.plugins.hookspecs import hookimpl, hookspec
from minsheng.plugins.registries import (
    BallotFormat,
    Category,
    DigestAlgorithm,
    DocumentTemplate,
    FieldDefinition,
    NotificationChannel,
    NotificationMessage,
    PaperLayout,
    SupervisionMethod,
)
from minsheng.plugins.rules.catalogs import SUPERVISION_METHODS
from minsheng.plugins.rules.margin import margin_range, margin_rule, parse_ratio
from minsheng.plugins.rules.outcome import outcome_rule
from minsheng.plugins.rules.satisfaction import satisfaction_rule
from minsheng.plugins.tenant import TenantView
from minsheng.plugins.verdicts import (
    CandidateId,
    MarginVerdict,
    Outcome,
    QuorumVerdict,
    RankedCandidate,
    Reason,
    Refusal,
    RoundValidity,
    SatisfactionOutcome,
    Tally,
)

__all__ = [
    "DEFAULTS_PLUGIN",
    "SUPERVISION_METHODS",
    "BallotFormat",
    "CandidateId",
    "Category",
    "DigestAlgorithm",
    "DocumentTemplate",
    "FieldDefinition",
    "MarginVerdict",
    "NotificationChannel",
    "NotificationMessage",
    "Outcome",
    "PaperLayout",
    "Permission",
    "QuorumVerdict",
    "RankedCandidate",
    "Reason",
    "Refusal",
    "Role",
    "RoleGrant",
    "RoundValidity",
    "SatisfactionOutcome",
    "SupervisionMethod",
    "Tally",
    "TenantView",
    "hookimpl",
    "hookspec",
    "margin_range",
    "margin_rule",
    "msgid",
    "outcome_rule",
    "parse_ratio",
    "satisfaction_rule",
]
